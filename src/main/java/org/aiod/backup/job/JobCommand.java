package org.aiod.backup.job;

/**
 * A command as the adapters translate it: {@link Backup BACKUP(dataset)},
 * {@link Restore RESTORE(dataset, cycle?, level?, options)}, {@link Prune PRUNE(dataset?, dryRun?)} or
 * {@link Verify VERIFY(dataset, depth?)}. Its fields are what was sent, valid or not, so that a command
 * refused by {@link CommandRules} can still be journaled as a {@code REJECTED} job echoing them.
 *
 * <p>A place that does something per kind of command goes through {@link #match}: adding a kind adds a method to
 * {@link Cases}, and nothing compiles until every such place handles it (the Java 17 form of an exhaustive
 * {@code switch} over this sealed type). Code that works on a {@link Job} switches over {@link JobType}, whose
 * {@code switch} expressions are exhaustive too.
 */
public sealed interface JobCommand permits JobCommand.Backup, JobCommand.Restore,
        JobCommand.Prune, JobCommand.Verify {

    /** What the command does. */
    JobType type();

    /** The dataset, as sent ({@code null} when it was missing). */
    String dataset();

    /** The caller's id: a command whose request id already finished is answered from the journal. */
    String requestId();

    /**
     * The broker's id of the message that carried the command, if any: a redelivered message whose job already
     * exists is answered from the journal too, even without a request id.
     */
    String messageId();

    /** Where the command came from. */
    JobSource source();

    /** The same command, carried by the message {@code id}. */
    JobCommand withMessageId(String id);

    /** Calls the case of {@code cases} for this kind of command. */
    <R> R match(Cases<R> cases);

    /** One method per kind of command: what a place that handles commands does with each. */
    interface Cases<R> {
        R backup(Backup backup);

        R restore(Restore restore);

        R prune(Prune prune);

        R verify(Verify verify);
    }

    /** Write the next level of the dataset's current cycle (level 0 of a new cycle when it is full). */
    record Backup(String dataset, String requestId, String messageId, JobSource source) implements JobCommand {

        @Override
        public JobType type() {
            return JobType.BACKUP;
        }

        @Override
        public Backup withMessageId(String id) {
            return new Backup(dataset, requestId, id, source);
        }

        @Override
        public <R> R match(Cases<R> cases) {
            return cases.backup(this);
        }
    }

    /**
     * Make the dataset exactly its tree at a level of a cycle.
     *
     * @param cycle   required unless {@code options.at} is given (a command without either is journaled as rejected)
     * @param level   {@code null}: the cycle's last level
     * @param options target, subset, point in time, dry run; {@link RestoreOptions#NONE} when none is given
     */
    record Restore(String dataset, Long cycle, Integer level, RestoreOptions options, String requestId,
            String messageId, JobSource source) implements JobCommand {

        public Restore {
            options = options == null ? RestoreOptions.NONE : options;
        }

        /** A restore without options: in place, of the whole tree, by cycle and level. */
        public Restore(String dataset, Long cycle, Integer level, String requestId, String messageId,
                JobSource source) {
            this(dataset, cycle, level, RestoreOptions.NONE, requestId, messageId, source);
        }

        @Override
        public JobType type() {
            return JobType.RESTORE;
        }

        @Override
        public Restore withMessageId(String id) {
            return new Restore(dataset, cycle, level, options, requestId, id, source);
        }

        @Override
        public <R> R match(Cases<R> cases) {
            return cases.restore(this);
        }
    }

    /**
     * Remove the cycles of the dataset that the retention policy ({@code backup.retention.*}) does not keep, each
     * whole; with {@code dryRun} only say which would go and the bytes that would be freed.
     *
     * @param dryRun {@code null} or {@code false}: remove; {@code true}: change nothing
     */
    record Prune(String dataset, Boolean dryRun, String requestId, String messageId, JobSource source)
            implements JobCommand {

        /** Whether the command asked for a dry run ({@code null} counts as no). */
        public boolean dryRunAsked() {
            return Boolean.TRUE.equals(dryRun);
        }

        /**
         * Whether the command names no dataset: it asks for a prune of every managed dataset, which the adapters
         * submit as one job per dataset ({@link #of}); a command without a dataset is never a job itself.
         */
        public boolean everyDataset() {
            return dataset == null;
        }

        /**
         * This prune of every dataset as the job of one of them: the same dry run and source, and ids derived per
         * dataset so that each job is answered from the journal on its own when the command comes again
         * ({@code <requestId>:<dataset>}, {@code <messageId>/<dataset>}). A derived request id longer than 128
         * characters is refused by {@link CommandRules} like any other.
         */
        public Prune of(String name) {
            return new Prune(name, dryRun, requestId == null ? null : requestId + ":" + name,
                    messageId == null ? null : messageId + "/" + name, source);
        }

        @Override
        public JobType type() {
            return JobType.PRUNE;
        }

        @Override
        public Prune withMessageId(String id) {
            return new Prune(dataset, dryRun, requestId, id, source);
        }

        @Override
        public <R> R match(Cases<R> cases) {
            return cases.prune(this);
        }
    }

    /**
     * Read the dataset's archives and check them: {@code checksums} (every archive to its end against
     * {@code SHA256SUMS}) or {@code drill} (a test restore of the newest level as well).
     *
     * @param depth as sent: {@code null} is {@code checksums}; anything but {@code checksums} or {@code drill} (any
     *              case) is refused by {@link CommandRules}
     */
    record Verify(String dataset, String depth, String requestId, String messageId, JobSource source)
            implements JobCommand {

        @Override
        public JobType type() {
            return JobType.VERIFY;
        }

        @Override
        public Verify withMessageId(String id) {
            return new Verify(dataset, depth, requestId, id, source);
        }

        @Override
        public <R> R match(Cases<R> cases) {
            return cases.verify(this);
        }
    }

    static Backup backup(String dataset, String requestId, JobSource source) {
        return new Backup(dataset, requestId, null, source);
    }

    static Restore restore(String dataset, Long cycle, Integer level, String requestId, JobSource source) {
        return new Restore(dataset, cycle, level, requestId, null, source);
    }

    static Restore restore(String dataset, Long cycle, Integer level, RestoreOptions options, String requestId,
            JobSource source) {
        return new Restore(dataset, cycle, level, options, requestId, null, source);
    }

    static Prune prune(String dataset, Boolean dryRun, String requestId, JobSource source) {
        return new Prune(dataset, dryRun, requestId, null, source);
    }

    static Verify verify(String dataset, String depth, String requestId, JobSource source) {
        return new Verify(dataset, depth, requestId, null, source);
    }
}
