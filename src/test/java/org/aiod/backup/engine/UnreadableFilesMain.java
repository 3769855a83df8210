package org.aiod.backup.engine;

import java.nio.file.Path;

/**
 * Backs up a dataset in a child JVM (run by {@link UnreadableFilesTest} without the power to read every file) and
 * prints its summary, one fact a line: {@code level <cycle> <level>}, {@code archive <path>},
 * {@code files <n>}, {@code notTaken <path>\t<reason>}, {@code notTakenCount <n>}, {@code warning <text>}.
 * Arguments: {@code dataRoot backupRoot dataset}.
 */
public final class UnreadableFilesMain {

    public static void main(String[] args) {
        Engine engine = new Engine(EngineOptions.defaults(Path.of(args[0]), Path.of(args[1])).withCycleLength(10));
        BackupSummary summary = engine.backup(args[2]);
        System.out.println("level " + summary.cycle() + " " + summary.level());
        System.out.println("archive " + summary.archive());
        System.out.println("files " + summary.files());
        summary.notTaken().forEach(n -> System.out.println("notTaken " + n.path() + "\t" + n.reason()));
        System.out.println("notTakenCount " + summary.notTakenCount());
        summary.warnings().forEach(w -> System.out.println("warning " + w));
        System.exit(0);
    }
}
