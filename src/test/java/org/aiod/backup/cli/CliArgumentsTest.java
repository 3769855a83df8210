package org.aiod.backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;

import org.aiod.backup.cli.CliArguments.Verb;
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

    private static List<String> words(String line) {
        return Arrays.asList(line.trim().split("\\s+"));
    }
}
