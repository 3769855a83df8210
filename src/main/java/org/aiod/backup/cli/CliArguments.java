package org.aiod.backup.cli;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed command line. Parsing is pure, so every form and every mistake is a plain unit test.
 *
 * @param verb      what to do
 * @param dataset   the dataset, or {@code null} for {@code list} of every dataset
 * @param cycle     the cycle ({@code restore} unless {@code at} is given; optional for {@code verify})
 * @param level     the level ({@code restore}, optional: the cycle's last)
 * @param at        {@code restore --at}: the instant whose level is restored, instead of a cycle and level
 * @param overrides the settings given as options, which override the configuration
 * @param restore   {@code restore}'s {@code --to}, {@code --path}, {@code --overwrite} and {@code --dry-run}
 *                  ({@code prune}'s {@code --dry-run} too)
 * @param depth     {@code verify --depth}: {@code checksums} or {@code drill}; {@code null} when not given
 * @param json      {@code --json}: one JSON document on standard output instead of the text for people
 * @param helpFor   for {@link Verb#HELP}, the command whose usage is asked ({@code backup --help}); {@code null} for
 *                  the whole usage
 */
record CliArguments(Verb verb, String dataset, Long cycle, Integer level, Instant at, Overrides overrides,
        RestoreFlags restore, String depth, boolean json, Verb helpFor) {

    /** A command without {@code --json}. */
    CliArguments(Verb verb, String dataset, Long cycle, Integer level, Instant at, Overrides overrides,
            RestoreFlags restore, String depth) {
        this(verb, dataset, cycle, level, at, overrides, restore, depth, false, null);
    }

    /** A command without {@code --depth}. */
    CliArguments(Verb verb, String dataset, Long cycle, Integer level, Instant at, Overrides overrides,
            RestoreFlags restore) {
        this(verb, dataset, cycle, level, at, overrides, restore, null);
    }

    /** A command without {@code --at} or overriding options. */
    CliArguments(Verb verb, String dataset, Long cycle, Integer level) {
        this(verb, dataset, cycle, level, null, Overrides.NONE);
    }

    /** A command without restore options. */
    CliArguments(Verb verb, String dataset, Long cycle, Integer level, Instant at, Overrides overrides) {
        this(verb, dataset, cycle, level, at, overrides, RestoreFlags.NONE);
    }

    /** The same command with {@code --json}. */
    CliArguments withJson() {
        return new CliArguments(verb, dataset, cycle, level, at, overrides, restore, depth, true, helpFor);
    }

    /**
     * {@code restore}'s options beside {@code --at}: {@code --to DIR} (as given; {@code null} in place), every
     * {@code --path P} in order, {@code --overwrite} and {@code --dry-run}.
     */
    record RestoreFlags(String target, List<String> paths, boolean overwrite, boolean dryRun) {

        static final RestoreFlags NONE = new RestoreFlags(null, List.of(), false, false);

        RestoreFlags {
            paths = List.copyOf(paths);
        }
    }

    enum Verb {
        BACKUP, RESTORE, LIST, VERIFY, PRUNE, FETCH, HELP;

        /** The command's word on the line, such as {@code backup}. */
        String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The command {@code word} names; {@code help} is not one that has a usage of its own. */
        static java.util.Optional<Verb> command(String word) {
            return java.util.Arrays.stream(values()).filter(v -> v != HELP && v.word().equals(word)).findFirst();
        }
    }

    /**
     * {@code --data-root}, {@code --backup-root} and {@code --cycle-length}: each {@code null} when not given. They
     * take the place of {@code backup.data-root}, {@code backup.backup-root} and {@code backup.cycle-length} from
     * any other source, for this one command.
     */
    record Overrides(String dataRoot, String backupRoot, Integer cycleLength) {

        static final Overrides NONE = new Overrides(null, null, null);

        /** The overridden {@code backup.*} properties, as a configuration source holds them. */
        Map<String, String> properties() {
            Map<String, String> properties = new LinkedHashMap<>();
            if (dataRoot != null) {
                properties.put("backup.data-root", dataRoot);
            }
            if (backupRoot != null) {
                properties.put("backup.backup-root", backupRoot);
            }
            if (cycleLength != null) {
                properties.put("backup.cycle-length", String.valueOf(cycleLength));
            }
            return properties;
        }
    }

    static final String USAGE = """
            Usage: aiod-backup [command] [options]

            Without a command, runs the service (HTTP, AMQP, scheduler). With one, runs it once and exits:

              restore <dataset> <cycle> [<level>]   make the dataset exactly its backup at that level
                                                    (no level: the cycle's last), like entry_restore.sh
              restore <dataset> --at TIME           the same with the last level completed at or before TIME
                                                    (ISO-8601 with an offset: 2026-11-30T02:00:00Z), across
                                                    cycles; says which cycle and level it chose
                restore options, with a cycle or --at:
                --to DIR                            restore into DIR instead of the dataset (like restore.sh's
                                                    destination); a DIR that exists must be empty, unless
                --overwrite                         DIR may be replaced although it is not empty
                --path P                            only the file or directory P of the dataset (relative);
                                                    repeat it for more; everything else is left as it is
                --dry-run                           change nothing: print how many files would be created,
                                                    replaced and deleted, their bytes, and the first of each
              backup <dataset>                      write the next level of the dataset
              list [<dataset>]                      cycles and levels with sizes, times and checksum state
              verify <dataset> [<cycle>]            read every archive to its end against SHA256SUMS
              verify <dataset> --depth D            D checksums (the same, of every cycle) or drill (also
                                                    restore the newest level into a scratch directory on
                                                    the backup volume and check every file); recorded as
                                                    the levels' last verify
              prune [<dataset>] [--dry-run]         remove the cycles backup.retention.* does not keep, each
                                                    whole (no dataset: every dataset, one after another);
                                                    --dry-run: only list them and the bytes they hold
              fetch <dataset> [<cycle>]             rebuild the local copy from the off-site store
                                                    (backup.offsite.*): download every level of the dataset
                                                    (or of the cycle) the backup root lacks, each checked
                                                    against the store's SHA256SUMS before it lands
              --help, -h                            this text; <command> --help: that command's usage

            Options, on every command and anywhere on the line (--name VALUE or --name=VALUE); they take the
            place of the configuration's setting for this command:

              --data-root DIR       backup.data-root: the directory holding one directory per dataset
              --backup-root DIR     backup.backup-root: the directory holding each dataset's cycles
              --cycle-length N      backup.cycle-length: levels per cycle (levels 0..N-1)
              --json                one JSON document on standard output, for scripts: the job as
                                    GET /api/jobs/{id} shows it (prune of every dataset: an array of
                                    them), list as GET /api/datasets[/{name}]; messages and progress stay
                                    on standard error, the exit status is the same
              --                    ends the options: every word after it is an argument

            The legacy scripts map one to one: backup.sh /opt/data/connectors /opt/backups/data 7 is
            backup --data-root /opt/data --backup-root /opt/backups/data --cycle-length 7 connectors, and
            restore.sh /opt/backups/data/connectors 2 /opt/data --level 10 is
            restore --backup-root /opt/backups/data --data-root /opt/data connectors 2 10.

            A command opens no port and needs no broker. It takes the same per-dataset lock as the service, so
            it is safe beside a running one: it waits up to backup.lock-timeout (BACKUP_LOCK_TIMEOUT) and then
            gives up. Configuration as for the service: BACKUP_DATA_ROOT, BACKUP_BACKUP_ROOT, BACKUP_CYCLE_LENGTH,
            BACKUP_COMPRESSION, ... (or -Dbackup.data-root=...).

            Exit status: 0 done; 1 the command failed (unknown dataset, no such cycle or level, no level at
            that time, corrupted archive, lock not obtained in time, ...), the reason on one line; 2 the command
            line is wrong; 3 (backup) the level was committed but lacks files that could not be read
            (permission denied, I/O error), each listed on standard error; 3 (prune) the cycles were removed
            on disk but the off-site store did not take their deletion, left pending. verify exits 1 when it
            finds a corrupt or missing level or a failed drill; prune of every dataset exits with the worst
            status (1 over 3 over 0).
            """;

    /** The options every command takes, at the end of each command's usage. */
    private static final String COMMON_OPTIONS = """

            Options of every command (--name VALUE or --name=VALUE, anywhere on the line):
              --data-root DIR       backup.data-root: the directory holding one directory per dataset
              --backup-root DIR     backup.backup-root: the directory holding each dataset's cycles
              --cycle-length N      backup.cycle-length: levels per cycle (levels 0..N-1)
              --json                one JSON document on standard output (see aiod-backup --help);
                                    messages and progress on standard error, the same exit status
              --help, -h            this text
            """;

    /** Each command's usage, {@code aiod-backup <command> --help}. */
    private static final Map<Verb, String> COMMAND_USAGE = Map.of(
            Verb.BACKUP, """
                    Usage: aiod-backup backup <dataset> [options]

                    Writes the next level of the dataset (level 0 of a new cycle when the cycle is full).
                    Exit status: 0 done; 1 failed, the reason on one line; 2 the command line is wrong; 3 the level
                    was committed but lacks files that could not be read, each listed on standard error.
                    --json: the job (status, cycle, level, files, bytes, archive, missed, ...).
                    """,
            Verb.RESTORE, """
                    Usage: aiod-backup restore <dataset> <cycle> [<level>] [options]
                           aiod-backup restore <dataset> --at TIME [options]

                    Makes the dataset exactly its backup at that level (no level: the cycle's last); --at TIME
                    (ISO-8601 with an offset) takes the last level completed at or before TIME, across cycles.
                      --to DIR        restore into DIR instead of the dataset; a DIR that exists must be empty,
                      --overwrite     unless this is given
                      --path P        only the file or directory P of the dataset (relative); repeatable
                      --dry-run       change nothing: say what would be created, replaced and deleted
                    Exit status: 0 done; 1 failed, the reason on one line; 2 the command line is wrong.
                    --json: the job (status, cycle, level, files, bytes, options, plan for --dry-run, ...).
                    """,
            Verb.LIST, """
                    Usage: aiod-backup list [<dataset>] [options]

                    Cycles and levels with sizes, times and checksum state, of every dataset or of one, and the
                    data root and backup root searched. Exit status: 0 done (also when there is nothing); 1 an
                    unknown dataset, naming the known ones; 2 the command line is wrong.
                    --json: as GET /api/datasets (no dataset) or GET /api/datasets/{name}.
                    """,
            Verb.VERIFY, """
                    Usage: aiod-backup verify <dataset> [<cycle>] [options]
                           aiod-backup verify <dataset> --depth D [options]

                    Reads every archive (of the cycle, or of every cycle) to its end against SHA256SUMS; --depth
                    checksums does the same, --depth drill also restores the newest level into a scratch
                    directory on the backup volume and checks every file. Recorded as the levels' last verify.
                    Exit status: 0 none corrupt; 1 a corrupt or missing level, a failed drill, or another
                    failure; 2 the command line is wrong.
                    --json: the job (verify.levels, verify.drill); with a cycle {dataset, cycle, levels}.
                    """,
            Verb.FETCH, """
                    Usage: aiod-backup fetch <dataset> [<cycle>] [options]

                    Rebuilds the local copy of the dataset (of every cycle, or of the one given) from the off-site
                    store of backup.offsite.*: downloads each level the backup root lacks, checks it against the
                    store's SHA256SUMS and the object's recorded sha256, and renames it into its cycle under the
                    dataset's lock; a cycle the backup root lacks appears whole or not at all. Prints each level
                    fetched. Exit status: 0 done (also when nothing was lacking); 1 failed (off-site copies off,
                    the store unreachable, a download that failed its check: nothing of it written); 2 the
                    command line is wrong.
                    --json: {dataset, cycle, fetched: [{cycle, level, bytes, reason}]}.
                    """,
            Verb.PRUNE, """
                    Usage: aiod-backup prune [<dataset>] [--dry-run] [options]

                    Removes the cycles backup.retention.* does not keep, each whole; without a dataset every
                    dataset, one after another. --dry-run only lists them and the bytes they hold. With
                    backup.offsite.* set, their objects go from the off-site store too before it exits
                    (backup.offsite.retention.* may keep them there); a dry run says what would go.
                    Exit status: 0 done; 1 failed (of every dataset: the worst); 2 the command line is wrong;
                    3 pruned on disk, but the off-site store did not take a deletion: it stays written down
                    (each named in a warning) for a running service or the next prune.
                    --json: the job (prune.removed with offsite deleted|pending|kept, prune.kept, ...); without
                    a dataset an array of jobs.
                    """);

    /** The usage {@code help} prints: a command's own, or the whole one. */
    static String usage(Verb helpFor) {
        return helpFor == null ? USAGE : COMMAND_USAGE.get(helpFor) + COMMON_OPTIONS;
    }

    /** Thrown for a command line that does not parse; its message is the one-line reason. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    private static final List<String> HELP_WORDS = List.of("--help", "-h");
    /** Options that take a value. */
    private static final List<String> VALUE_OPTIONS = List.of("--data-root", "--backup-root", "--cycle-length", "--at",
            "--to", "--path", "--depth");
    /** Options that are a flag, without a value. */
    private static final List<String> FLAGS = List.of("--dry-run", "--overwrite", "--json");
    /** Options of {@code restore} only. */
    private static final List<String> RESTORE_OPTIONS = List.of("--at", "--to", "--path", "--dry-run", "--overwrite");
    private static final String END_OF_OPTIONS = "--";

    static CliArguments parse(List<String> args) throws UsageException {
        // --help anywhere before "--" is a request for the usage, whatever else the line holds
        int endOfOptions = args.indexOf(END_OF_OPTIONS);
        List<String> optionWords = endOfOptions < 0 ? args : args.subList(0, endOfOptions);
        if (args.isEmpty() || args.get(0).equals("help") || optionWords.stream().anyMatch(HELP_WORDS::contains)) {
            return new CliArguments(Verb.HELP, null, null, null, null, Overrides.NONE, RestoreFlags.NONE, null,
                    false, helpTopic(args));
        }
        List<String> words = new ArrayList<>();
        Map<String, String> options = new LinkedHashMap<>();
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String word = args.get(i);
            if (i > endOfOptions && endOfOptions >= 0) {
                words.add(word);
            } else if (i == endOfOptions) {
                continue;
            } else if (isOption(word)) {
                int equals = word.indexOf('=');
                String name = equals < 0 ? word : word.substring(0, equals);
                if (FLAGS.contains(name)) {
                    if (equals >= 0) {
                        throw new UsageException(name + " takes no value (see --help)");
                    }
                    if (options.put(name, "") != null) {
                        throw new UsageException(name + " is given more than once");
                    }
                    continue;
                }
                if (!VALUE_OPTIONS.contains(name)) {
                    throw new UsageException("unknown option '" + name + "' (see --help)");
                }
                String value;
                if (equals >= 0) {
                    value = word.substring(equals + 1);
                } else if (i + 1 < args.size() && i + 1 != endOfOptions && !isOption(args.get(i + 1))) {
                    value = args.get(++i);
                } else {
                    throw new UsageException(name + " needs a value (see --help)");
                }
                if (name.equals("--path")) {
                    paths.add(value);
                    options.put(name, value);
                } else if (options.put(name, value) != null) {
                    throw new UsageException(name + " is given more than once");
                }
            } else {
                words.add(word);
            }
        }
        if (words.isEmpty()) {
            throw new UsageException("no command (expected restore, backup, list, verify or --help)");
        }
        Overrides overrides = new Overrides(directory(options, "--data-root"), directory(options, "--backup-root"),
                cycleLength(options.get("--cycle-length")));
        String command = words.get(0);
        List<String> rest = words.subList(1, words.size());
        for (String option : RESTORE_OPTIONS) {
            if (options.containsKey(option) && !command.equals("restore")
                    && !(option.equals("--dry-run") && command.equals("prune"))) {
                // to another command a restore option is as unknown as any other (backup --dry-run does not exist);
                // --at has said so in these words since it came
                throw new UsageException(option.equals("--at") ? "--at is an option of restore only"
                        : "unknown option '" + option + "' (see --help)");
            }
        }
        if (options.containsKey("--depth") && !command.equals("verify")) {
            throw new UsageException("unknown option '--depth' (see --help)");
        }
        if (options.containsKey("--overwrite") && !options.containsKey("--to")) {
            throw new UsageException("--overwrite applies to --to DIR only: a restore in place always replaces the"
                    + " dataset's tree");
        }
        String to = options.containsKey("--to") ? directory(options, "--to") : null;
        RestoreFlags flags = new RestoreFlags(to, paths, options.containsKey("--overwrite"),
                options.containsKey("--dry-run"));
        CliArguments parsed = switch (command) {
            case "backup" -> {
                arity(command, rest, 1, 1);
                yield new CliArguments(Verb.BACKUP, rest.get(0), null, null, null, overrides);
            }
            case "restore" -> {
                if (options.containsKey("--at")) {
                    Instant at = instant(options.get("--at"));
                    if (rest.size() != 1) {
                        throw new UsageException(rest.isEmpty() ? "restore --at takes the dataset (see --help)"
                                : "restore takes <cycle> [<level>] or --at TIME, not both");
                    }
                    yield new CliArguments(Verb.RESTORE, rest.get(0), null, null, at, overrides, flags);
                }
                arity(command, rest, 2, 3);
                yield new CliArguments(Verb.RESTORE, rest.get(0), number(rest.get(1), "cycle"),
                        rest.size() > 2 ? Math.toIntExact(number(rest.get(2), "level")) : null, null, overrides,
                        flags);
            }
            case "list" -> {
                arity(command, rest, 0, 1);
                yield new CliArguments(Verb.LIST, rest.isEmpty() ? null : rest.get(0), null, null, null, overrides);
            }
            case "verify" -> {
                arity(command, rest, 1, 2);
                String depth = options.get("--depth");
                if (depth != null && !depth.equals("checksums") && !depth.equals("drill")) {
                    throw new UsageException("--depth must be checksums or drill, got '" + depth + "'");
                }
                if (depth != null && rest.size() > 1) {
                    throw new UsageException("verify --depth reads every cycle: give the dataset only");
                }
                yield new CliArguments(Verb.VERIFY, rest.get(0), rest.size() > 1 ? number(rest.get(1), "cycle") : null,
                        null, null, overrides, RestoreFlags.NONE, depth);
            }
            case "prune" -> {
                arity(command, rest, 0, 1);
                yield new CliArguments(Verb.PRUNE, rest.isEmpty() ? null : rest.get(0), null, null, null, overrides,
                        flags);
            }
            case "fetch" -> {
                arity(command, rest, 1, 2);
                yield new CliArguments(Verb.FETCH, rest.get(0), rest.size() > 1 ? number(rest.get(1), "cycle") : null,
                        null, null, overrides);
            }
            default -> throw new UsageException("unknown command '" + command
                    + "' (expected restore, backup, list, verify or --help)");
        };
        return options.containsKey("--json") ? parsed.withJson() : parsed;
    }

    /**
     * The command whose usage a help request asks: the first word that is not an option nor an option's value
     * ({@code --data-root /d list --help}, {@code help backup}), when it names a command; else {@code null}, the
     * whole usage.
     */
    private static Verb helpTopic(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            String word = args.get(i);
            if (word.equals(END_OF_OPTIONS) || (i == 0 && word.equals("help"))) {
                continue;
            }
            if (isOption(word)) {
                if (VALUE_OPTIONS.contains(word) && i + 1 < args.size() && !isOption(args.get(i + 1))) {
                    i++;
                }
                continue;
            }
            return Verb.command(word).orElse(null);
        }
        return null;
    }

    /**
     * Whether {@code word} is an option rather than an argument: it starts with {@code -}, but is neither a lone
     * {@code -} nor a negative number (which is a wrong cycle or level, and says so).
     */
    private static boolean isOption(String word) {
        return word.startsWith("-") && word.length() > 1 && !word.matches("-[0-9]+");
    }

    private static String directory(Map<String, String> options, String name) throws UsageException {
        String value = options.get(name);
        if (value == null) {
            return null;
        }
        try {
            if (value.isEmpty() || Path.of(value).toString().isEmpty()) {
                throw new InvalidPathException(value, "empty");
            }
        } catch (InvalidPathException e) {
            throw new UsageException(name + " must be a directory path, got '" + value + "'");
        }
        return value;
    }

    private static Integer cycleLength(String value) throws UsageException {
        if (value == null) {
            return null;
        }
        try {
            int length = Integer.parseInt(value);
            if (length < 1) {
                throw new NumberFormatException();
            }
            return length;
        } catch (NumberFormatException e) {
            throw new UsageException("--cycle-length must be a whole number of 1 or more, got '" + value + "'");
        }
    }

    private static Instant instant(String value) throws UsageException {
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw new UsageException("--at must be an ISO-8601 time with an offset, such as 2026-11-30T02:00:00Z,"
                    + " got '" + value + "'");
        }
    }

    private static void arity(String command, List<String> rest, int min, int max) throws UsageException {
        if (rest.size() < min || rest.size() > max) {
            throw new UsageException(command + " takes " + (min == max ? min : min + " to " + max)
                    + " argument(s), got " + rest.size() + " (see --help)");
        }
    }

    private static long number(String text, String what) throws UsageException {
        try {
            long value = Long.parseLong(text);
            if (value < 0 || (what.equals("level") && value > Integer.MAX_VALUE)) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw new UsageException(what + " must be a whole number of 0 or more, got '" + text + "'");
        }
    }
}
