package org.aiod.backup.job;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.aiod.backup.engine.RestorePlan;

/**
 * The whole lists of a dry run's plan, kept beside the journal ({@code <state-dir>/plans/<job-id>.<kind>}, one
 * dataset-relative path per line, escaped as in messages so a name never spans lines) for paging: the job itself
 * carries only the counts and the first paths. Each file is written to a temporary name, synced and renamed; the
 * journal removes them with the job when it prunes it. Pages are read by streaming the file, never whole.
 */
final class PlanFiles {

    /** The directory of plan files beside a journal directory. */
    static Path beside(Path journalDir) {
        return journalDir.resolveSibling("plans");
    }

    private final Path dir;

    PlanFiles(Path dir) {
        this.dir = dir;
    }

    /** Writes the three lists of {@code plan}, whose paths are all of them (an unbounded plan limit). */
    void write(String jobId, RestorePlan plan) throws IOException {
        Files.createDirectories(dir);
        for (PlanKind kind : PlanKind.values()) {
            Path file = file(dir, jobId, kind);
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                BufferedWriter out = new BufferedWriter(new OutputStreamWriter(Channels.newOutputStream(channel),
                        StandardCharsets.UTF_8), 1 << 16);
                for (String path : kind.of(plan).paths()) {
                    out.write(path);
                    out.write('\n');
                }
                out.flush();
                channel.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The paths {@code offset..offset+limit-1} of a kind, or empty when the job's lists are not kept. */
    Optional<List<String>> page(String jobId, PlanKind kind, long offset, int limit) throws IOException {
        List<String> paths = new ArrayList<>(Math.min(limit, 1024));
        try (BufferedReader in = Files.newBufferedReader(file(dir, jobId, kind), StandardCharsets.UTF_8)) {
            long line = 0;
            for (String path = in.readLine(); path != null && paths.size() < limit; path = in.readLine()) {
                if (line++ >= offset) {
                    paths.add(path);
                }
            }
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        return Optional.of(paths);
    }

    /** Removes a job's lists (and any temporary left by a crash while writing them). */
    static void remove(Path dir, String jobId) throws IOException {
        for (PlanKind kind : PlanKind.values()) {
            Path file = file(dir, jobId, kind);
            Files.deleteIfExists(file);
            Files.deleteIfExists(file.resolveSibling(file.getFileName() + ".tmp"));
        }
    }

    private static Path file(Path dir, String jobId, PlanKind kind) {
        return dir.resolve(jobId + "." + kind.wire());
    }
}
