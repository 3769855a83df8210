package org.aiod.backup.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.aiod.backup.testing.DeploymentFiles;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/service.md}, the service's contracts page, keeps up with the code: every property a
 * {@code @ConfigMapping} of {@code src/main/java} defines is in its configuration tables, and every error code the
 * code uses is a row of its error table. The codes are read from the source text, as quoted UPPER_CASE strings and as
 * the constants of an enum {@code ErrorCode}, so the check holds whichever of the two spells them. The README and
 * the docs link only to files of the repository.
 */
class ServiceDocsTest {

    private static final Path SOURCES = DeploymentFiles.PROJECT.resolve("src/main/java");
    private static final Path SERVICE_DOC = DeploymentFiles.PROJECT.resolve("docs/service.md");
    private static final Path README = DeploymentFiles.PROJECT.resolve("README.md");

    /** A quoted string that may be an error code: upper case and underscores, five characters or more. */
    private static final Pattern QUOTED_UPPER = Pattern.compile("\"([A-Z][A-Z_]{4,})\"");
    /**
     * Quoted UPPER_CASE strings of {@code src/main/java} that are not error codes: a Quarkus digest algorithm name
     * (BrokerAccounts) and an environment variable (CommandLineTool). A new one either goes into the error table or,
     * when it is no error code, here.
     */
    private static final Set<String> NOT_ERROR_CODES = Set.of("DIGEST_SHA", "QUARKUS_PROFILE");
    /** A row of the error table: {@code | `CODE` | ...}. */
    private static final Pattern ERROR_ROW = Pattern.compile("(?m)^\\| `([A-Z][A-Z_]*)` \\|");
    /** A Markdown link's target. */
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

    @Test
    void everyMappedPropertyIsDocumented() throws IOException {
        String configuration = section(Files.readString(SERVICE_DOC), "## Configuration");
        Set<String> properties = new TreeSet<>();
        for (Class<?> mapping : configMappings()) {
            properties.addAll(DeploymentFiles.mappingProperties(mapping));
        }
        assertTrue(properties.containsAll(Set.of("backup.data-root", "backup.schedule.cron", "backup.journal.keep")),
                "the scan of src/main/java found the backup.* mappings: " + properties);
        List<String> missing = new ArrayList<>();
        for (String property : properties) {
            // `name` or `name.<key>...` (a map-valued property)
            if (!Pattern.compile("`" + Pattern.quote(property) + "[`.]").matcher(configuration).find()) {
                missing.add(property);
            }
        }
        assertEquals(List.of(), missing, "properties of a @ConfigMapping missing from the configuration section of "
                + SERVICE_DOC);
    }

    @Test
    void everyErrorCodeOfTheCodeIsInTheErrorTable() throws IOException {
        Set<String> codes = errorCodesInSources();
        assertTrue(codes.containsAll(Set.of("NO_SUCH_CYCLE", "QUEUE_FULL", "INTERRUPTED")),
                "the scan of src/main/java found the error codes: " + codes);
        Set<String> documented = new TreeSet<>();
        Matcher row = ERROR_ROW.matcher(section(Files.readString(SERVICE_DOC), "## Error codes"));
        while (row.find()) {
            documented.add(row.group(1));
        }
        Set<String> missing = new TreeSet<>(codes);
        missing.removeAll(documented);
        assertEquals(Set.of(), missing, "error codes used in src/main/java without a row in the error table of "
                + SERVICE_DOC + " (a string that is no error code goes into NOT_ERROR_CODES)");
    }

    @Test
    void theReadmeAndTheDocsLinkOnlyToFilesOfTheRepository() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(README));
        try (Stream<Path> docs = Files.list(DeploymentFiles.PROJECT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).forEach(pages::add);
        }
        List<String> wrong = new ArrayList<>();
        for (Path page : pages) {
            Matcher link = LINK.matcher(Files.readString(page));
            while (link.find()) {
                String target = link.group(1);
                if (target.startsWith("#")) {
                    continue;
                }
                String file = target.contains("#") ? target.substring(0, target.indexOf('#')) : target;
                Path resolved = page.getParent().resolve(file).normalize();
                if (target.contains(":") || !resolved.startsWith(DeploymentFiles.PROJECT) || !Files.exists(resolved)) {
                    wrong.add(DeploymentFiles.PROJECT.relativize(page) + ": " + target);
                }
            }
        }
        assertEquals(List.of(), wrong, "links that leave the repository or name no file of it");
        String readme = Files.readString(README);
        assertFalse(readme.contains("DESIGN.md"), "the README names a DESIGN.md, which is not in the repository");
        assertTrue(readme.contains("](docs/service.md)"), "the README links the contracts page");
    }

    /** The enum reader, on the shapes an {@code ErrorCode} enum may take (this test reads it once it exists). */
    @Test
    void enumConstantsAreReadWithArgumentsBodiesAndComments() {
        String source = """
                package x;
                /** The codes. */
                public enum ErrorCode {
                    /** Not there; see {@code a, b}. */
                    NO_SUCH_CYCLE(404, 1, "no cycle; none"),
                    // a comment, with a comma
                    @Deprecated QUEUE_FULL(503, 0) {
                        @Override public String toString() { return "full"; }
                    },
                    INTERRUPTED;

                    private final int status;
                    ErrorCode(int status, int exit) { this.status = status; }
                }
                """;
        assertEquals(List.of("NO_SUCH_CYCLE", "QUEUE_FULL", "INTERRUPTED"), enumConstants(source, "ErrorCode"));
        assertEquals(List.of("A", "B"), enumConstants("enum ErrorCode { A, B }", "ErrorCode"));
    }

    /** The classes of {@code src/main/java} annotated {@code @ConfigMapping}, wherever they live. */
    private static List<Class<?>> configMappings() throws IOException {
        List<Class<?>> mappings = new ArrayList<>();
        for (Path source : javaSources()) {
            if (Files.readString(source).contains("@ConfigMapping(")) {
                String name = SOURCES.relativize(source).toString().replace('/', '.').replaceAll("\\.java$", "");
                try {
                    mappings.add(Class.forName(name));
                } catch (ClassNotFoundException e) {
                    throw new AssertionError("cannot load " + name, e);
                }
            }
        }
        return mappings;
    }

    /** Quoted UPPER_CASE strings of the sources, and the constants of an enum ErrorCode if there is one. */
    static Set<String> errorCodesInSources() throws IOException {
        Set<String> codes = new TreeSet<>();
        for (Path source : javaSources()) {
            String text = Files.readString(source);
            Matcher quoted = QUOTED_UPPER.matcher(text);
            while (quoted.find()) {
                String candidate = quoted.group(1);
                // a prefix such as "HTTP_" is completed at run time, not a code of its own
                if (!candidate.endsWith("_") && !NOT_ERROR_CODES.contains(candidate)) {
                    codes.add(candidate);
                }
            }
            if (source.getFileName().toString().equals("ErrorCode.java")) {
                codes.addAll(enumConstants(text, "ErrorCode"));
            }
        }
        return codes;
    }

    /** The constants of {@code enum name} in {@code source}: the identifiers before its first top-level ';'. */
    static List<String> enumConstants(String source, String name) {
        String text = source.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\n]*", " ");
        Matcher declaration = Pattern.compile("\\benum\\s+" + name + "\\b[^{]*\\{").matcher(text);
        assertTrue(declaration.find(), "no enum " + name + " in its file");
        List<String> constants = new ArrayList<>();
        StringBuilder element = new StringBuilder();
        int depth = 0;
        for (int i = declaration.end(); i < text.length(); i++) {
            char c = text.charAt(i);
            if (depth == 0 && (c == ',' || c == ';' || c == '}')) {
                Matcher identifier = Pattern.compile("^\\s*(?:@\\w+(?:\\([^)]*\\))?\\s*)*([A-Za-z_]\\w*)")
                        .matcher(element);
                if (identifier.find()) {
                    constants.add(identifier.group(1));
                }
                element.setLength(0);
                if (c != ',') {
                    break;
                }
                continue;
            }
            if (c == '(' || c == '{') {
                depth++;
            } else if (c == ')' || c == '}') {
                depth--;
            }
            element.append(c);
        }
        return constants;
    }

    private static List<Path> javaSources() throws IOException {
        try (Stream<Path> files = Files.walk(SOURCES)) {
            return files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }

    /** The text of the {@code heading} section, up to the next heading of the same level. */
    private static String section(String page, String heading) {
        int start = page.indexOf("\n" + heading + "\n");
        assertTrue(start >= 0, "docs/service.md has a section " + heading);
        String level = heading.substring(0, heading.indexOf(' ') + 1);
        int end = page.indexOf("\n" + level, start + heading.length() + 1);
        return end < 0 ? page.substring(start) : page.substring(start, end);
    }
}
