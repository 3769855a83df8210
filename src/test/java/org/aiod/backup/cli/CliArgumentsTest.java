package org.aiod.backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import org.aiod.backup.cli.CliArguments.Overrides;
import org.aiod.backup.cli.CliArguments.Verb;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every form of the command line, and every mistake with the reason given for it. */
class CliArgumentsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        "restore connectors 2 10 | RESTORE | connectors | 2 | 10",
        "restore connectors 2    | RESTORE | connectors | 2 | -",
        "backup connectors       | BACKUP  | connectors | - | -",
        "list                    | LIST    | -          | - | -",
        "list connectors         | LIST    | connectors | - | -",
        "verify connectors       | VERIFY  | connectors | - | -",
        "verify connectors 3     | VERIFY  | connectors | 3 | -",
        "--help                  | HELP    | -          | - | -",
        "-h                      | HELP    | -          | - | -"})
    void parses(String line, Verb verb, String dataset, Long cycle, Integer level) throws Exception {
        assertEquals(new CliArguments(verb, dataset, cycle, level), CliArguments.parse(words(line)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "restore                        | restore takes 2 to 3 argument(s), got 0 (see --help)",
        "restore connectors             | restore takes 2 to 3 argument(s), got 1 (see --help)",
        "restore connectors 2 10 11     | restore takes 2 to 3 argument(s), got 4 (see --help)",
        "restore connectors two         | cycle must be a whole number of 0 or more, got 'two'",
        "restore connectors -1          | cycle must be a whole number of 0 or more, got '-1'",
        "restore connectors 2 1.5       | level must be a whole number of 0 or more, got '1.5'",
        "restore connectors 2 9999999999 | level must be a whole number of 0 or more, got '9999999999'",
        "backup                         | backup takes 1 argument(s), got 0 (see --help)",
        "list a b                       | list takes 0 to 1 argument(s), got 2 (see --help)",
        "verify                         | verify takes 1 to 2 argument(s), got 0 (see --help)",
        "erase connectors               | unknown command 'erase' (expected restore, backup, list, verify or --help)"})
    void refuses(String line, String reason) {
        CliArguments.UsageException e = assertThrows(CliArguments.UsageException.class,
                () -> CliArguments.parse(words(line)));
        assertEquals(reason, e.getMessage());
    }

    /** The legacy {@code backup.sh /opt/data/connectors /opt/backups/data 7}, and the options anywhere on the line. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "backup --data-root /opt/data --backup-root /opt/backups/data --cycle-length 7 connectors",
        "backup connectors --data-root /opt/data --backup-root /opt/backups/data --cycle-length 7",
        "--data-root=/opt/data backup --cycle-length=7 connectors --backup-root=/opt/backups/data",
        "backup --data-root /opt/data --backup-root /opt/backups/data --cycle-length 7 -- connectors"})
    void settingsAreOptionsOfEveryCommand(String line) throws Exception {
        assertEquals(new CliArguments(Verb.BACKUP, "connectors", null, null, null,
                new Overrides("/opt/data", "/opt/backups/data", 7)), CliArguments.parse(words(line)));
    }

    @Test
    void theOverridesAreTheBackupProperties() throws Exception {
        assertEquals(java.util.Map.of("backup.data-root", "/d", "backup.backup-root", "/b", "backup.cycle-length", "3"),
                new Overrides("/d", "/b", 3).properties());
        assertEquals(java.util.Map.of("backup.backup-root", "/b"),
                CliArguments.parse(words("list --backup-root /b")).overrides().properties());
        assertEquals(java.util.Map.of(), CliArguments.parse(words("list")).overrides().properties());
    }

    @Test
    void restoreAtTakesTheDatasetAndAnInstant() throws Exception {
        assertEquals(new CliArguments(Verb.RESTORE, "connectors", null, null,
                Instant.parse("2026-11-30T02:00:00Z"), Overrides.NONE),
                CliArguments.parse(words("restore connectors --at 2026-11-30T02:00:00Z")));
        assertEquals(Instant.parse("2026-11-30T01:00:00Z"),
                CliArguments.parse(words("restore --at=2026-11-30T02:00:00+01:00 connectors")).at());
        assertEquals(new CliArguments(Verb.RESTORE, "--at", 2L, null),
                CliArguments.parse(words("restore -- --at 2")), "after -- a word is an argument");
    }

    @Test
    void restoreOptionsInTheLegacyScriptsShape() throws Exception {
        assertEquals(new CliArguments(Verb.RESTORE, "connectors", 2L, 10, null, Overrides.NONE,
                new CliArguments.RestoreFlags("/opt/restore/x", List.of("config.yml", "state/offsets"), true, true)),
                CliArguments.parse(words("restore connectors 2 10 --to /opt/restore/x --path config.yml"
                        + " --overwrite --path=state/offsets --dry-run")));
        assertEquals(new CliArguments(Verb.RESTORE, "connectors", null, null, Instant.parse("2026-11-30T02:00:00Z"),
                Overrides.NONE, new CliArguments.RestoreFlags("out", List.of(), false, false)),
                CliArguments.parse(words("restore --to out connectors --at 2026-11-30T02:00:00Z")));
        assertEquals(CliArguments.RestoreFlags.NONE, CliArguments.parse(words("restore connectors 2")).restore());
    }

    /** {@code --help} anywhere before {@code --}, whatever else is on the line (a usage error included). */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"backup --help", "restore connectors 2 --help", "backup --x --help", "verify -h connectors",
        "--data-root /d list --help"})
    void helpAnywhere(String line) throws Exception {
        assertEquals(Verb.HELP, CliArguments.parse(words(line)).verb());
    }

    /** {@code <command> --help} asks that command's usage; a help without a known command, the whole one. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        "backup --help                    | BACKUP",
        "restore connectors 2 --help      | RESTORE",
        "verify -h connectors             | VERIFY",
        "--data-root /d list --help       | LIST",
        "--json prune --dry-run -h        | PRUNE",
        "help prune                       | PRUNE",
        "--help                           | -",
        "help                             | -",
        "frobnicate --help                | -"})
    void helpOfOneCommand(String line, Verb command) throws Exception {
        CliArguments help = CliArguments.parse(words(line));
        assertEquals(Verb.HELP, help.verb());
        assertEquals(command, help.helpFor());
        assertEquals(command == null, CliArguments.usage(command).startsWith("Usage: aiod-backup [command]"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"backup connectors --json", "--json restore connectors 2 --dry-run", "list --json",
        "verify connectors 1 --json", "prune --json"})
    void jsonIsAFlagOfEveryCommand(String line) throws Exception {
        CliArguments command = CliArguments.parse(words(line));
        assertEquals(true, command.json());
        assertEquals(false, CliArguments.parse(words(line.replace("--json", ""))).json());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "backup --x connectors                     | unknown option '--x' (see --help)",
        "backup connectors --to /tmp/x             | unknown option '--to' (see --help)",
        "list --dry-run                            | unknown option '--dry-run' (see --help)",
        "verify connectors --path a                | unknown option '--path' (see --help)",
        "restore connectors 2 --overwrite          | --overwrite applies to --to DIR only: a restore in place always"
            + " replaces the dataset's tree",
        "restore connectors 2 --dry-run=yes        | --dry-run takes no value (see --help)",
        "restore connectors 2 --dry-run --dry-run  | --dry-run is given more than once",
        "restore connectors 2 --to /a --to /b      | --to is given more than once",
        "restore connectors 2 --path               | --path needs a value (see --help)",
        "backup -x connectors                      | unknown option '-x' (see --help)",
        "restore connectors 2 --level=1            | unknown option '--level' (see --help)",
        "backup connectors --data-root             | --data-root needs a value (see --help)",
        "backup --data-root --backup-root /b c     | --data-root needs a value (see --help)",
        "backup --data-root -- connectors          | --data-root needs a value (see --help)",
        "backup --data-root= connectors            | --data-root must be a directory path, got ''",
        "backup --cycle-length 0 connectors        | --cycle-length must be a whole number of 1 or more, got '0'",
        "backup --cycle-length -2 connectors       | --cycle-length must be a whole number of 1 or more, got '-2'",
        "backup --cycle-length x connectors        | --cycle-length must be a whole number of 1 or more, got 'x'",
        "backup --data-root /a --data-root /b c    | --data-root is given more than once",
        "--data-root /d                            | no command (expected restore, backup, list, verify or --help)",
        "backup connectors --at 2026-11-30T02:00:00Z | --at is an option of restore only",
        "restore connectors 2 --at 2026-11-30T02:00:00Z | restore takes <cycle> [<level>] or --at TIME, not both",
        "restore --at 2026-11-30T02:00:00Z         | restore --at takes the dataset (see --help)",
        "restore connectors --at 2026-11-30T02:00:00 | --at must be an ISO-8601 time with an offset, such as"
            + " 2026-11-30T02:00:00Z, got '2026-11-30T02:00:00'"})
    void refusesOptions(String line, String reason) {
        CliArguments.UsageException e = assertThrows(CliArguments.UsageException.class,
                () -> CliArguments.parse(words(line)));
        assertEquals(reason, e.getMessage());
    }

    private static List<String> words(String line) {
        return Arrays.asList(line.trim().split("\\s+"));
    }
}
