package org.aiod.backup.cli;

import java.util.List;

/**
 * A parsed command line. Parsing is pure, so every form and every mistake is a plain unit test.
 *
 * @param verb    what to do
 * @param dataset the dataset, or {@code null} for {@code list} of every dataset
 * @param cycle   the cycle ({@code restore}; optional for {@code verify})
 * @param level   the level ({@code restore}, optional: the cycle's last)
 */
record CliArguments(Verb verb, String dataset, Long cycle, Integer level) {

    enum Verb {
        BACKUP, RESTORE, LIST, VERIFY, HELP
    }

    static final String USAGE = """
            Usage: aiod-backup [command]

            Without a command, runs the service (HTTP, AMQP, scheduler). With one, runs it once and exits:

              restore <dataset> <cycle> [<level>]   make the dataset exactly its backup at that level
                                                    (no level: the cycle's last), like entry_restore.sh
              backup <dataset>                      write the next level of the dataset
              list [<dataset>]                      cycles and levels with sizes, times and checksum state
              verify <dataset> [<cycle>]            read every archive to its end against SHA256SUMS
              --help                                this text

            A command opens no port and needs no broker. It takes the same per-dataset lock as the service, so
            it is safe beside a running one: it waits up to backup.lock-timeout (BACKUP_LOCK_TIMEOUT) and then
            gives up. Configuration as for the service: BACKUP_DATA_ROOT, BACKUP_BACKUP_ROOT, BACKUP_CYCLE_LENGTH,
            BACKUP_COMPRESSION, ... (or -Dbackup.data-root=...).

            Exit status: 0 done; 1 the command failed (unknown dataset, no such cycle or level, corrupted
            archive, lock not obtained in time, ...), the reason on one line; 2 the command line is wrong;
            3 (backup) the level was committed but lacks files that could not be read (permission denied,
            I/O error), each listed on standard error.
            """;

    /** Thrown for a command line that does not parse; its message is the one-line reason. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    static CliArguments parse(List<String> args) throws UsageException {
        if (args.isEmpty() || List.of("--help", "-h", "help").contains(args.get(0))) {
            return new CliArguments(Verb.HELP, null, null, null);
        }
        String command = args.get(0);
        List<String> rest = args.subList(1, args.size());
        return switch (command) {
            case "backup" -> {
                arity(command, rest, 1, 1);
                yield new CliArguments(Verb.BACKUP, rest.get(0), null, null);
            }
            case "restore" -> {
                arity(command, rest, 2, 3);
                yield new CliArguments(Verb.RESTORE, rest.get(0), number(rest.get(1), "cycle"),
                        rest.size() > 2 ? Math.toIntExact(number(rest.get(2), "level")) : null);
            }
            case "list" -> {
                arity(command, rest, 0, 1);
                yield new CliArguments(Verb.LIST, rest.isEmpty() ? null : rest.get(0), null, null);
            }
            case "verify" -> {
                arity(command, rest, 1, 2);
                yield new CliArguments(Verb.VERIFY, rest.get(0), rest.size() > 1 ? number(rest.get(1), "cycle") : null,
                        null);
            }
            default -> throw new UsageException("unknown command '" + command
                    + "' (expected restore, backup, list, verify or --help)");
        };
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
