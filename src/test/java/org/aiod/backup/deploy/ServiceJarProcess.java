package org.aiod.backup.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.aiod.backup.testing.Unprivileged;

/**
 * The packaged service ({@code target/quarkus-app/quarkus-run.jar}) started the way the image and the README run it:
 * {@code java -jar}, profile prod, configuration from the environment only (the caller's {@code QUARKUS_*},
 * {@code BACKUP_*}, {@code AMQP*} and JVM option variables removed), data and backup roots and the JVM's temporary
 * directory in the test's own directory, no schedule. What the deploy integration tests share.
 */
final class ServiceJarProcess implements AutoCloseable {

    private final Process process;
    private final Path out;
    private final Path err;

    private ServiceJarProcess(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /** The runner jar; the integration tests run after {@code package}, which builds it. */
    static Path jar() {
        Path jar = Path.of(System.getProperty("quarkus.app.dir", "target/quarkus-app")).resolve("quarkus-run.jar")
                .toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), jar + " is built by package before the integration tests");
        return jar;
    }

    /** A service with its roots ({@code data}, {@code backups}) and temporary directory in {@code dir}. */
    static Launch in(Path dir) {
        return new Launch(dir);
    }

    /** How the service is started; {@link #start} starts it. */
    static final class Launch {
        private final Path dir;
        private List<String> launch;
        private final Map<String, String> env = new LinkedHashMap<>();
        private boolean runnable;
        private boolean unprivileged;
        private boolean errorsInLog;

        private Launch(Path dir) {
            this.dir = dir;
        }

        /** What follows {@code java} and the temporary directory on the JVM's line; {@code -jar <jar>} if not set. */
        Launch launch(List<String> arguments) {
            this.launch = List.copyOf(arguments);
            return this;
        }

        /** Environment variables, applied last (they win over the defaults of this class). */
        Launch env(Map<String, String> variables) {
            env.putAll(variables);
            return this;
        }

        /**
         * What a service needs to start at all: an embedded user {@code admin} (password {@code s3cret}, role
         * backup-admin) and free ports for HTTP and the embedded broker.
         */
        Launch runnable() {
            this.runnable = true;
            return this;
        }

        /** Without root's power to read any file, see {@link Unprivileged}. */
        Launch unprivileged() {
            this.unprivileged = true;
            return this;
        }

        /** Standard error into the same log as standard output (otherwise into {@code <log>.err}). */
        Launch errorsInLog() {
            this.errorsInLog = true;
            return this;
        }

        /** Starts the service, its standard output into {@code out}. */
        ServiceJarProcess start(Path out) throws Exception {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-Djava.io.tmpdir=" + dir));
            command.addAll(launch != null ? launch : List.of("-jar", jar().toString()));
            ProcessBuilder builder = new ProcessBuilder(unprivileged ? Unprivileged.command(command) : command)
                    .redirectOutput(out.toFile());
            Path err = dir.resolve(out.getFileName() + ".err");
            if (errorsInLog) {
                builder.redirectErrorStream(true);
            } else {
                builder.redirectError(err.toFile());
            }
            Map<String, String> environment = builder.environment();
            environment.keySet().removeIf(k -> k.startsWith("QUARKUS_") || k.startsWith("BACKUP_")
                    || k.startsWith("AMQP") || k.startsWith("JAVA_TOOL_OPTIONS") || k.startsWith("JDK_JAVA_OPTIONS"));
            environment.put("LANG", "C.UTF-8");
            environment.put("LC_ALL", "C.UTF-8");
            environment.put("BACKUP_DATA_ROOT", dir.resolve("data").toString());
            environment.put("BACKUP_BACKUP_ROOT", dir.resolve("backups").toString());
            environment.put("BACKUP_SCHEDULE_CRON", "off");
            if (runnable) {
                environment.put("QUARKUS_SECURITY_USERS_EMBEDDED_USERS_ADMIN", sha512Hex("admin:Quarkus:s3cret"));
                environment.put("QUARKUS_SECURITY_USERS_EMBEDDED_ROLES_ADMIN", "backup-admin");
                environment.put("QUARKUS_HTTP_PORT", Integer.toString(freePort()));
                environment.put("BACKUP_BROKER_PORT", Integer.toString(freePort()));
            }
            environment.putAll(env);
            Files.createDirectories(dir.resolve("data"));
            Files.createDirectories(dir.resolve("backups"));
            return new ServiceJarProcess(builder.start(), out, errorsInLog ? null : err);
        }
    }

    Process process() {
        return process;
    }

    /** What the service printed so far: its standard output, then its standard error. */
    String log() throws IOException {
        String log = Files.readString(out, StandardCharsets.UTF_8);
        return err == null || !Files.exists(err) ? log : log + Files.readString(err, StandardCharsets.UTF_8);
    }

    /** Waits (90 s at most) for the service to stop by itself; returns its exit value. */
    int awaitExit() throws Exception {
        assertTrue(process.waitFor(90, TimeUnit.SECONDS), "the service stops by itself");
        return process.exitValue();
    }

    /** Polls {@code url} until it answers {@code status} (90 s at most); fails early if the service exits. */
    void awaitStatus(HttpClient http, String url, int status) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        int last = -1;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the service exited with " + process.exitValue() + ": "
                        + Files.readString(out, StandardCharsets.UTF_8));
            }
            try {
                last = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET()
                        .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                if (last == status) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError(url + " answered " + last + ", not " + status + ": "
                + Files.readString(out, StandardCharsets.UTF_8));
    }

    /**
     * Waits (90 s at most) until the standard output contains {@code marker}; returns the standard output then.
     * Fails early if the service exits first.
     */
    String awaitOutput(String marker) throws Exception {
        for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90); System.nanoTime() < deadline;) {
            String log = Files.readString(out, StandardCharsets.UTF_8);
            if (log.contains(marker)) {
                return log;
            }
            if (!process.isAlive()) {
                // what it printed before it exited may hold the marker
                log = Files.readString(out, StandardCharsets.UTF_8);
                if (log.contains(marker)) {
                    return log;
                }
                throw new AssertionError("the service exited with " + process.exitValue() + ": " + log());
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no '" + marker + "' in " + Files.readString(out, StandardCharsets.UTF_8));
    }

    /** SIGTERM, then SIGKILL if the service is still there after 30 s. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** What the README has operators compute: {@code echo -n 'user:Quarkus:password' | sha512sum}. */
    static String sha512Hex(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512")
                .digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
