package org.aiod.backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a short command loads before it exits (issue #15: a no-change incremental is mostly start-up). Jackson is a
 * large share of a command's start; the commands that write no JSON must not load it, and the ones that do write
 * the same JSON as before.
 */
class CliStartTest {

    private static final String OBJECT_MAPPER = "com.fasterxml.jackson.databind.ObjectMapper ";

    @TempDir
    Path tmp;

    private record Run(int exit, String out, List<String> classes) {
    }

    /** Runs the command line in a new JVM that logs each class it loads. */
    private Run run(String... words) throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.createDirectories(data.resolve("docs"));
        Path backups = Files.createDirectories(tmp.resolve("backups"));
        Path log = tmp.resolve("classes-" + System.nanoTime() + ".txt");
        List<String> command = new ArrayList<>(List.of(CliProcess.javaBinary()));
        command.addAll(CliProcess.QUICK_START);
        command.addAll(List.of("-Xlog:class+load=info:file=" + log, "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(List.of(words));
        command.addAll(List.of("--data-root", data.toString(), "--backup-root", backups.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().remove("BACKUP_DATASETS");
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = process.waitFor();
        return new Run(exit, out, Files.readAllLines(log));
    }

    private static boolean loaded(Run run, String className) {
        return run.classes().stream().anyMatch(line -> line.contains(className));
    }

    @Test
    void helpAndListWithoutJsonLoadNoJackson() throws Exception {
        Run help = run("--help");
        assertEquals(0, help.exit());
        assertTrue(help.out().startsWith("Usage: aiod-backup"), help.out());
        assertTrue(loaded(help, "org.aiod.backup.cli.CommandLineTool "), "the class log names the classes loaded");
        assertFalse(loaded(help, OBJECT_MAPPER), "--help loaded Jackson's ObjectMapper");

        Run list = run("list");
        assertEquals(0, list.exit());
        assertTrue(list.out().startsWith("docs: no backups"), list.out());
        assertFalse(loaded(list, OBJECT_MAPPER), "list without --json loaded Jackson's ObjectMapper");
    }

    @Test
    void listWithJsonWritesTheSameDocument() throws Exception {
        Run list = run("list", "--json");
        assertEquals(0, list.exit());
        assertTrue(loaded(list, OBJECT_MAPPER));
        JsonNode document = new ObjectMapper().readTree(list.out());
        assertEquals(1, document.size(), list.out());
        assertEquals("docs", document.get(0).get("name").asText(), list.out());
    }
}
