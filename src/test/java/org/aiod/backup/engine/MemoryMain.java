package org.aiod.backup.engine;

import java.nio.file.Path;

/**
 * Backs up a dataset, then restores it into another data root, in a JVM the test starts with a small heap:
 * {@code dataRoot backupRoot restoreRoot}. Prints the two summaries' file counts.
 */
public final class MemoryMain {

    public static void main(String[] args) {
        Path backups = Path.of(args[1]);
        BackupSummary backup = new Engine(EngineOptions.defaults(Path.of(args[0]), backups)).backup("x");
        RestoreSummary restore = new Engine(EngineOptions.defaults(Path.of(args[2]), backups)).restore("x", 0, null);
        System.out.println("backed-up=" + backup.files() + " restored=" + restore.files()
                + " max-heap=" + Runtime.getRuntime().maxMemory());
    }
}
