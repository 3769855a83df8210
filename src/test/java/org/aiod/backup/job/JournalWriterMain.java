package org.aiod.backup.job;

import java.nio.file.Path;
import java.time.Instant;

/**
 * A second process writing the job journal, as the one-shot command line does: {@code dir count prefix}, saves
 * {@code count} final jobs with request ids {@code prefix0..} through {@link JobJournal#standalone}, then exits 0.
 */
public final class JournalWriterMain {

    private JournalWriterMain() {
    }

    public static void main(String[] args) {
        JobJournal journal = JobJournal.standalone(Path.of(args[0]), 1000);
        int count = Integer.parseInt(args[1]);
        for (int i = 0; i < count; i++) {
            journal.save(JournalConcurrencyTest.finishedJob(args[2] + i, Instant.now()));
        }
        System.exit(0);
    }
}
