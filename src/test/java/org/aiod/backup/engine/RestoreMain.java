package org.aiod.backup.engine;

import java.nio.file.Path;

/**
 * Restores one cycle in a JVM the test starts with a small heap: {@code dataRoot backupRoot dataset cycle}. Prints
 * {@code restored files=<n>} or {@code refused code=<code> <message>}; an {@link Error} (OutOfMemoryError) ends the
 * JVM with a stack trace and a non-zero exit status.
 */
public final class RestoreMain {

    public static void main(String[] args) {
        Engine engine = new Engine(EngineOptions.defaults(Path.of(args[0]), Path.of(args[1])));
        try {
            RestoreSummary summary = engine.restore(args[2], Long.parseLong(args[3]), null);
            System.out.println("restored files=" + summary.files());
        } catch (BackupException e) {
            System.out.println("refused code=" + e.code() + " " + e.getMessage());
        }
    }
}
