package org.aiod.backup.health;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

import org.eclipse.microprofile.health.HealthCheckResponse;

/**
 * What the storage checks share: a directory is writable when a probe file can be created, written and deleted in
 * it (asking the file system, not reading permission bits, which say nothing of a read-only mount or a full disk),
 * and a check's answer names its path and, when down, the reason.
 */
final class WriteProbe {

    private WriteProbe() {
    }

    /**
     * Why no file can be created, written and deleted in {@code dir}, or {@code null} when one can.
     *
     * @param suffix the probe's name ends with it, so that the directory's owner never takes it for its own file
     */
    static String failure(Path dir, String suffix) {
        Path probe = dir.resolve("health-" + UUID.randomUUID() + suffix);
        try {
            try (FileChannel channel = FileChannel.open(probe, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(new byte[] {'o', 'k', '\n'}));
            }
            Files.delete(probe);
            return null;
        } catch (IOException | SecurityException e) {
            try {
                Files.deleteIfExists(probe);
            } catch (IOException ignored) {
                // the probe could not be written in the first place
            }
            return e.toString();
        }
    }

    /** The answer of the check {@code name} on {@code path}: up when {@code problem} is null, else down saying it. */
    static HealthCheckResponse response(String name, Path path, String problem) {
        var builder = HealthCheckResponse.named(name).status(problem == null).withData("path", path.toString());
        if (problem != null) {
            builder.withData("reason", problem);
        }
        return builder.build();
    }
}
