package org.aiod.backup.api;

import static org.aiod.backup.api.HttpTesting.as;
import static org.aiod.backup.api.HttpTesting.awaitFinal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

import org.aiod.backup.testing.DeploymentFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The README's MariaDB recipes, run end to end against real MariaDB servers (Debian's {@code mariadb-server}, which
 * {@code .ci/run} installs) through the service: rows written, a backup over HTTP with the dataset's hooks, rows
 * changed, a restore into a fresh server, rows compared.
 *
 * <ul>
 * <li>the logical dump: the before-backup hook of {@code docker-compose.mariadb.yml} ({@code mariadb-dump
 * --single-transaction} into the dataset's directory), its host replaced by the test server's socket; after the
 * restore, an after-restore hook loads the dump into a new, empty server;
 * <li>stop-copy-start: the dataset is the server's raw data directory; before-backup and before-restore stop the
 * server, after-backup and after-restore start it again (after the restore, a new server process on the restored
 * files).
 * </ul>
 *
 * The servers listen on a socket in {@code target/mariadb-recipes} only ({@code --skip-networking}: no port to find
 * free, none taken from other tests). CI runs as root, so {@code mariadbd} is started with {@code --user=root}
 * (refused otherwise for root); as another user the option is ignored. Skipped when {@code mariadbd} is not installed.
 */
@QuarkusTest
@TestProfile(MariaDbRecipesHttpTest.Recipes.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MariaDbRecipesHttpTest {

    static final Path RUN = Path.of("target/mariadb-recipes").toAbsolutePath();
    static final Path DATA = RUN.resolve("data");
    static final Path BACKUPS = RUN.resolve("backups");
    /** The dataset of the dump recipe (its name in docker-compose.mariadb.yml) and its dump file. */
    static final String DUMP = "mariadb";
    /** The dataset of the stop-copy-start recipe: the server's own data directory. */
    static final String RAW = "mariadbraw";
    static final Server LIVE = new Server("live", RUN.resolve("live"));
    static final Server FRESH = new Server("fresh", RUN.resolve("fresh"));
    static final Server RAW_SERVER = new Server("raw", DATA.resolve(RAW));
    static final String MARIADBD = "/usr/sbin/mariadbd";

    static final List<String> ROWS = List.of("1\tapple\t3", "2\tpear\t5", "3\tplum\t7");

    /** The service's settings: its own roots, and the hooks of both recipes. */
    public static class Recipes implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> settings = new HashMap<>();
            settings.put("backup.data-root", DATA.toString());
            settings.put("backup.backup-root", BACKUPS.toString());
            settings.put("backup.datasets", DUMP + "," + RAW);
            command(settings, DUMP, "before-backup", composeDumpCommand());
            command(settings, DUMP, "after-restore", List.of("sh", "-c", FRESH.client()
                    + " < \"$BACKUP_DATA_DIR/all-databases.sql\""));
            for (String hook : List.of("before-backup", "before-restore")) {
                command(settings, RAW, hook, RAW_SERVER.stopCommand());
            }
            for (String hook : List.of("after-backup", "after-restore")) {
                command(settings, RAW, hook, List.of("sh", "-c", RAW_SERVER.startScript()));
                settings.put("backup.hooks." + RAW + "." + hook + ".timeout", "60s");
            }
            return settings;
        }

        private static void command(Map<String, String> settings, String dataset, String hook, List<String> argv) {
            for (int i = 0; i < argv.size(); i++) {
                settings.put("backup.hooks." + dataset + "." + hook + ".command[" + i + "]", argv.get(i));
            }
        }
    }

    /**
     * The before-backup hook of docker-compose.mariadb.yml, its server and dump directory replaced by the test's: the
     * recipe the README shows is the one that runs here.
     */
    static List<String> composeDumpCommand() {
        String value = DeploymentFiles.composeEnvironment(DeploymentFiles.yaml(DeploymentFiles.PROJECT
                .resolve("docker-compose.mariadb.yml")).path("services").path("aiod-backup"))
                .get("BACKUP_HOOKS_MARIADB_BEFORE_BACKUP_COMMAND");
        List<String> argv = new ArrayList<>();
        for (String arg : value.split(",")) {
            argv.add(arg.equals("--host=mariadb") ? "--socket=" + LIVE.socket()
                    : arg.replace("/opt/data/mariadb/", DATA.resolve(DUMP) + "/"));
        }
        return argv;
    }

    @BeforeAll
    static void servers() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of(MARIADBD)), "mariadb-server is not installed");
        stopAll();
        // what an earlier run left; not the service's state (backups/.aiod-backup), which it holds open
        Path template = RUN.resolve("template");
        for (Path left : List.of(template, LIVE.dataDir(), FRESH.dataDir(), DATA.resolve(DUMP), DATA.resolve(RAW),
                BACKUPS.resolve(DUMP), BACKUPS.resolve(RAW))) {
            delete(left);
        }
        Files.createDirectories(DATA.resolve(DUMP));
        Files.createDirectories(BACKUPS);
        // one installation (the slow part), copied for each server
        sh("mariadb-install-db --no-defaults --datadir=" + template + " --auth-root-authentication-method=normal"
                + " --skip-test-db --user=root > " + RUN.resolve("install.log") + " 2>&1");
        for (Server server : List.of(LIVE, FRESH, RAW_SERVER)) {
            sh("cp -a " + template + " " + server.dataDir());
        }
        for (Server server : List.of(LIVE, RAW_SERVER)) {
            sh(server.startScript());
            server.sql("CREATE DATABASE shop; CREATE TABLE shop.fruit (id INT PRIMARY KEY, name VARCHAR(20), qty INT)"
                    + " ENGINE=InnoDB; INSERT INTO shop.fruit VALUES (1,'apple',3),(2,'pear',5),(3,'plum',7)");
            assertEquals(ROWS, server.rows());
        }
    }

    @AfterAll
    static void stopAll() throws Exception {
        for (Server server : List.of(LIVE, FRESH, RAW_SERVER)) {
            server.stop();
        }
    }

    @Test
    @Order(0)
    void anHttpBodyCannotCarryAHook() throws IOException {
        Path marker = RUN.resolve("hook-from-a-body");
        Files.deleteIfExists(marker);
        for (String field : List.of("hooks", "beforeBackup", "before-backup")) {
            as("admin").body("{\"dataset\":\"" + DUMP + "\",\"" + field + "\":{\"command\":[\"touch\",\"" + marker
                    + "\"]}}").post("/api/backups").then().statusCode(400)
                    .contentType(Problem.MEDIA_TYPE)
                    .body("code", org.hamcrest.Matchers.equalTo("INVALID_BODY"))
                    .body("detail", org.hamcrest.Matchers.containsString("unknown field '" + field + "'"));
        }
        as("admin").body("{\"dataset\":\"" + DUMP + "\",\"cycle\":0,\"hooks\":{}}").post("/api/restores").then()
                .statusCode(400).body("code", org.hamcrest.Matchers.equalTo("INVALID_BODY"));
        assertTrue(Files.notExists(marker), "no hook ran");
    }

    @Test
    @Order(1)
    void theDumpRecipeRestoresTheRowsIntoAFreshServer() throws Exception {
        JsonPath backup = run("/api/backups", Map.of("dataset", DUMP));
        assertEquals("SUCCEEDED", backup.getString("status"), backup.prettify());
        assertEquals("before-backup", backup.getString("hooks[0].hook"));
        assertEquals("OK", backup.getString("hooks[0].outcome"));
        assertEquals(0, backup.getInt("hooks[0].exitCode"));
        String dump = Files.readString(DATA.resolve(DUMP).resolve("all-databases.sql"), StandardCharsets.UTF_8);
        assertTrue(dump.contains("INSERT INTO `fruit`"), "the dump holds the rows");

        LIVE.sql("UPDATE shop.fruit SET qty = 0 WHERE id = 1; DELETE FROM shop.fruit WHERE id = 2;"
                + " INSERT INTO shop.fruit VALUES (4,'fig',9)");
        assertNotEquals(ROWS, LIVE.rows());
        Files.writeString(DATA.resolve(DUMP).resolve("all-databases.sql"), "-- overwritten since\n");

        FRESH.start();
        JsonPath restore = run("/api/restores", Map.of("dataset", DUMP, "cycle", 0));
        assertEquals("SUCCEEDED", restore.getString("status"), restore.prettify());
        assertEquals("after-restore", restore.getString("hooks[0].hook"));
        assertEquals("OK", restore.getString("hooks[0].outcome"), restore.prettify());
        assertEquals(ROWS, FRESH.rows(), "the fresh server holds the rows of the backup");
    }

    @Test
    @Order(2)
    void theStopCopyStartRecipeRestoresTheRawDataDirectory() throws Exception {
        JsonPath backup = run("/api/backups", Map.of("dataset", RAW));
        assertEquals("SUCCEEDED", backup.getString("status"), backup.prettify());
        assertEquals(List.of("before-backup", "after-backup"), backup.getList("hooks.hook"));
        assertEquals(List.of("OK", "OK"), backup.getList("hooks.outcome"), backup.prettify());
        assertEquals(ROWS, RAW_SERVER.rows(), "the after-backup hook started the server again");
        long before = RAW_SERVER.pid();

        RAW_SERVER.sql("DELETE FROM shop.fruit WHERE id = 3; UPDATE shop.fruit SET name = 'quince' WHERE id = 1");
        assertNotEquals(ROWS, RAW_SERVER.rows());

        JsonPath restore = run("/api/restores", Map.of("dataset", RAW, "cycle", 0));
        assertEquals("SUCCEEDED", restore.getString("status"), restore.prettify());
        assertEquals(List.of("before-restore", "after-restore"), restore.getList("hooks.hook"));
        assertEquals(List.of("OK", "OK"), restore.getList("hooks.outcome"), restore.prettify());
        assertNotEquals(before, RAW_SERVER.pid(), "a new server process runs on the restored files");
        assertEquals(ROWS, RAW_SERVER.rows(), "the restored data directory holds the rows of the backup");
    }

    private static JsonPath run(String path, Map<String, Object> body) {
        String id = as("admin").body(body).post(path).then().statusCode(202).extract().path("jobId");
        return awaitFinal(id);
    }

    /** A MariaDB server of the test: its data directory, and its socket, pid file and log in {@link #RUN}. */
    record Server(String name, Path dataDir) {
        Path socket() {
            return RUN.resolve(name + ".sock");
        }

        /** The client, as root over the socket, without the machine's option files. */
        String client() {
            return "mariadb --no-defaults --socket=" + socket() + " --user=root";
        }

        /** Starts the server in the background and waits until it answers; the recipe's after-* hook. */
        String startScript() {
            return MARIADBD + " --no-defaults --datadir=" + dataDir + " --socket=" + socket()
                    + " --pid-file=" + RUN.resolve(name + ".pid") + " --log-error=" + RUN.resolve(name + ".err")
                    + " --skip-networking --user=root --innodb-buffer-pool-size=16M </dev/null >/dev/null 2>&1 &"
                    + " i=0; while [ $i -lt 600 ]; do mariadb-admin --no-defaults --socket=" + socket()
                    + " --user=root ping >/dev/null 2>&1 && exit 0; i=$((i+1)); sleep 0.1; done;"
                    + " echo server did not answer; exit 1";
        }

        /** Stops the server and waits until it is down (mariadb-admin waits for its pid file to go); before-*. */
        List<String> stopCommand() {
            return List.of("mariadb-admin", "--no-defaults", "--socket=" + socket(), "--user=root", "shutdown");
        }

        void start() throws Exception {
            sh(startScript());
        }

        void stop() throws Exception {
            if (Files.exists(socket())) {
                run(stopCommand());
            }
        }

        long pid() throws IOException {
            return Long.parseLong(Files.readString(RUN.resolve(name + ".pid")).trim());
        }

        void sql(String statements) throws Exception {
            sh(client() + " -e \"" + statements.replace("\"", "\\\"") + "\"");
        }

        List<String> rows() throws Exception {
            String out = run(List.of("sh", "-c", client() + " --batch --skip-column-names"
                    + " -e 'SELECT id, name, qty FROM shop.fruit ORDER BY id'"));
            return out.isBlank() ? List.of() : List.of(out.strip().split("\n"));
        }
    }

    private static void sh(String script) throws Exception {
        run(List.of("sh", "-c", script));
    }

    private static String run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        // the output of a server started in the background goes to /dev/null: the pipe ends with the script
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new AssertionError(command + " failed: " + out);
        }
        return out;
    }

    private static void delete(Path root) throws IOException {
        if (Files.exists(root)) {
            try (var paths = Files.walk(root)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
