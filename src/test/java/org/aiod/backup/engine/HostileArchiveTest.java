package org.aiod.backup.engine;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import org.aiod.backup.engine.testing.TreeSnapshot;
import org.aiod.backup.engine.testing.Trees;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Archives written by someone else, crafted to escape the dataset: every one must be refused with
 * {@code UNSAFE_MEMBER} naming the member, nothing may be written (or moved, or deleted) outside the dataset, and the
 * dataset's current content must stay as it was.
 *
 * <p>A valid level 0 made by the engine exists in cycle 0; each hostile archive is level 0 of a fresh cycle 5 with
 * no {@code SHA256SUMS}, so no checksum stops it before its members are looked at. Member names may use the
 * placeholders {@code @OUT@} (absolute path of a sentinel directory beside the data root) and {@code @DATA@} (the
 * absolute data root).
 */
class HostileArchiveTest {

    private static final String DS = "x";
    private static final long HOSTILE_CYCLE = 5;
    private static final Path ETC_PASSWD = Path.of("/etc/passwd");

    @TempDir
    Path tmp;

    private Path dataRoot;
    private Path backupRoot;
    private Path outside;
    private Path datasetDir;
    private Engine engine;

    /** One member of a crafted archive. */
    record Member(byte type, String name, String link, byte[] data, Map<String, String> pax) {
        @Override
        public String toString() {
            return (char) type + " " + name + (link == null ? "" : " -> " + link);
        }
    }

    static Member dir(String name) {
        return new Member(TarConstants.LF_DIR, name, null, null, Map.of());
    }

    /** A directory with a GNU listing in the PAX form ({@code GNU.dumpdir}), which GNU tar and the engine honour. */
    static Member dumpDir(String name, String listing) {
        return new Member(TarConstants.LF_DIR, name, null, null, Map.of("GNU.dumpdir", listing));
    }

    static Member file(String name) {
        return new Member(TarConstants.LF_NORMAL, name, null, ("content of " + name + "\n")
                .getBytes(StandardCharsets.UTF_8), Map.of());
    }

    static Member symlink(String name, String target) {
        return new Member(TarConstants.LF_SYMLINK, name, target, null, Map.of());
    }

    static Member hardLink(String name, String target) {
        return new Member(TarConstants.LF_LINK, name, target, null, Map.of());
    }

    @BeforeEach
    void setUp() throws IOException {
        dataRoot = tmp.resolve("data");
        backupRoot = tmp.resolve("backups");
        outside = tmp.resolve("outside");
        datasetDir = dataRoot.resolve(DS);
        Trees.write(outside.resolve("secret.txt"), "outside the dataset\n");
        Trees.write(outside.resolve("dir/inner.txt"), "also outside\n");
        Trees.write(datasetDir.resolve("keep.txt"), "existing content\n");
        Trees.write(datasetDir.resolve("sub/nested.bin"), Trees.randomBytes(1, 4096));
        Trees.symlink(datasetDir.resolve("rel-link"), "keep.txt");
        Trees.setMtime(datasetDir.resolve("sub"), 1_600_000_000L);
        engine = new Engine(EngineOptions.defaults(dataRoot, backupRoot));
        BackupSummary level0 = engine.backup(DS);
        assertEquals(0, level0.cycle());
        assertEquals(0, level0.level());
        assertTrue(tmp.resolve("outside").toString().length() < 90,
                "the temporary directory's path is too long for the absolute-path cases to fit in a tar header: "
                        + tmp);
    }

    static Stream<Arguments> hostileArchives() {
        return Stream.of(
                // (a) absolute paths
                hostile("absolute path outside the data root", "@OUT@/evil",
                        dir("./x/"), file("./x/ok.txt"), file("@OUT@/evil")),
                hostile("absolute /tmp/evil", "/tmp/evil", dir("./x/"), file("/tmp/evil")),
                hostile("absolute path in the dataset's form", "/x/evil", dir("./x/"), file("/x/evil")),
                hostile("absolute path of the dataset directory itself", "@DATA@/x/evil",
                        dir("./x/"), file("@DATA@/x/evil")),
                // (b), (c) dot-dot
                hostile("./x/../evil", "./x/../evil", dir("./x/"), file("./x/../evil")),
                hostile("./x/sub/../../evil", "./x/sub/../../evil", dir("./x/"), file("./x/sub/../../evil")),
                hostile("./x/../../evil", "./x/../../evil", dir("./x/"), file("./x/../../evil")),
                hostile("x/../../evil (no ./)", "x/../../evil", file("x/../../evil")),
                // (d) outside the dataset without any trick
                hostile("member of another dataset ./y/file", "./y/file", dir("./x/"), file("./y/file")),
                hostile("name that only starts like the dataset ./xy/evil", "./xy/evil", file("./xy/evil")),
                hostile("member beside the dataset ./evil", "./evil", file("./evil")),
                // (e), (f) through a symlink the archive itself planted
                hostile("file through a symlink to an outside directory", "./x/link/evil",
                        dir("./x/"), symlink("./x/link", "@OUT@"), file("./x/link/evil")),
                hostile("directory through a symlink to an outside directory", "./x/link/evil",
                        dir("./x/"), symlink("./x/link", "@OUT@"), dir("./x/link/evil/")),
                hostile("symlink through a symlink to an outside directory", "./x/link/evil",
                        dir("./x/"), symlink("./x/link", "@OUT@"), symlink("./x/link/evil", "/etc/passwd")),
                hostile("file through a symlink to ..", "./x/l2/evil",
                        dir("./x/"), symlink("./x/l2", ".."), file("./x/l2/evil")),
                hostile("file through a nested symlink to ../..", "./x/sub/up/evil",
                        dir("./x/"), dir("./x/sub/"), symlink("./x/sub/up", "../.."), file("./x/sub/up/evil")),
                // (g) hard links
                hostile("hard link to /etc/passwd", "./x/h", dir("./x/"), hardLink("./x/h", "/etc/passwd")),
                hostile("hard link to ./x/../outside/secret.txt", "./x/h",
                        dir("./x/"), file("./x/ok.txt"), hardLink("./x/h", "./x/../outside/secret.txt")),
                hostile("hard link to an absolute path outside", "./x/h",
                        dir("./x/"), hardLink("./x/h", "@OUT@/secret.txt")),
                hostile("hard link into another dataset", "./x/h", dir("./x/"), hardLink("./x/h", "./y/file")),
                hostile("hard link through a symlink to an outside directory", "./x/h",
                        dir("./x/"), symlink("./x/l", "@OUT@"), hardLink("./x/h", "./x/l/secret.txt")),
                hostile("hard link to a symlink that points outside", "./x/h",
                        dir("./x/"), symlink("./x/s", "@OUT@/secret.txt"), hardLink("./x/h", "./x/s")),
                // GNU rename records
                hostile("rename record whose target is outside", "@OUT@/evil",
                        file("./x/ok.txt"), dumpDir("./x/", "R./x/ok.txt\0T@OUT@/evil\0Yok.txt\0")),
                hostile("temporary directory of an X record outside", "@OUT@/evil",
                        file("./x/ok.txt"), dumpDir("./x/", "X@OUT@/evil\0R./x/ok.txt\0T\0R\0T./x/ok.txt\0Yok.txt\0")),
                // the dataset directory itself replaced
                hostile("dataset directory replaced by a symlink, then a file under it", "'./x'",
                        dir("./x/"), symlink("./x", "@OUT@"), file("./x/evil")),
                hostile("dataset directory replaced by a symlink, then listed", "'./x'",
                        symlink("./x", "@OUT@"), dumpDir("./x/", "Yevil\0")),
                hostile("dataset directory replaced by a symlink, nothing else", "'./x'",
                        dir("./x/"), symlink("./x", "@OUT@")),
                hostile("dataset directory replaced by a hard link", "'./x'",
                        dir("./x/"), file("./x/ok.txt"), hardLink("./x", "./x/ok.txt")));
    }

    private static Arguments hostile(String description, String mustBeNamed, Member... members) {
        return Arguments.of(description, mustBeNamed, List.of(members));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileArchives")
    void hostileArchiveIsRefusedAndNothingOutsideIsTouched(String description, String mustBeNamed,
            List<Member> members) throws Exception {
        Function<String, String> expand = s -> s == null ? null
                : s.replace("@OUT@", outside.toString()).replace("@DATA@", dataRoot.toString());
        List<Member> concrete = members.stream()
                .map(m -> new Member(m.type(), expand.apply(m.name()), expand.apply(m.link()), m.data(),
                        m.pax().entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                                e -> expand.apply(e.getValue())))))
                .toList();
        String expectedName = expand.apply(mustBeNamed);
        Path archive = writeArchive(HOSTILE_CYCLE, concrete);
        assertFalse(Files.exists(Path.of("/tmp/evil"), LinkOption.NOFOLLOW_LINKS),
                "/tmp/evil exists before the test; remove it");
        assertFalse(Files.exists(Path.of("/x"), LinkOption.NOFOLLOW_LINKS), "/x exists before the test");

        TreeSnapshot outsideBefore = TreeSnapshot.of(outside);
        TreeSnapshot datasetBefore = TreeSnapshot.of(datasetDir);
        List<String> dataRootBefore = names(dataRoot);
        Object passwdLinksBefore = Files.getAttribute(ETC_PASSWD, "unix:nlink");

        Throwable thrown = null;
        try {
            engine.restore(DS, HOSTILE_CYCLE, null);
        } catch (Throwable t) {
            thrown = t;
        }
        Throwable error = thrown;
        String context = description + " (archive " + archive + ": " + concrete + ")";

        List<Executable> checks = new ArrayList<>();
        checks.add(() -> TreeSnapshot.of(outside).assertSameAs(outsideBefore,
                "the sentinel directory outside the data root after " + context));
        checks.add(() -> assertEquals(List.of(), pathsNamedEvil(tmp), "files named 'evil' after " + context));
        checks.add(() -> assertFalse(Files.exists(Path.of("/tmp/evil"), LinkOption.NOFOLLOW_LINKS),
                "/tmp/evil written by " + context));
        checks.add(() -> assertFalse(Files.exists(Path.of("/x"), LinkOption.NOFOLLOW_LINKS),
                "/x written by " + context));
        checks.add(() -> assertEquals(passwdLinksBefore, Files.getAttribute(ETC_PASSWD, "unix:nlink"),
                "/etc/passwd got a new hard link from " + context));
        checks.add(() -> assertEquals(dataRootBefore, names(dataRoot), "entries of the data root after " + context));
        checks.add(() -> TreeSnapshot.of(datasetDir).assertSameAs(datasetBefore,
                "the dataset after the refused restore of " + context));
        checks.add(() -> assertEquals(List.of(), internalEntries(datasetDir),
                "restore working directories left in the dataset after " + context));
        checks.add(() -> {
            assertInstanceOf(BackupException.UnsafeMember.class, error,
                    () -> "expected UNSAFE_MEMBER for " + context + ", got " + describe(error));
            assertEquals("UNSAFE_MEMBER", ((BackupException) error).code());
            assertTrue(error.getMessage().contains(expectedName),
                    () -> "the message should name the member " + expectedName + ": " + error.getMessage());
        });
        assertAll(description, checks.stream());
    }

    /**
     * The harness itself is sound: an archive of the same construction without a hostile member restores, a
     * symlink pointing outside is restored as a symlink (never followed), and a hard link inside the dataset works.
     */
    @Test
    void benignCraftedArchiveRestores() throws Exception {
        writeArchive(HOSTILE_CYCLE, List.of(dir("./x/"), dir("./x/d/"), file("./x/ok.txt"), file("./x/d/inner.txt"),
                symlink("./x/link", outside.toString()), symlink("./x/up", ".."), hardLink("./x/h", "./x/ok.txt")));
        TreeSnapshot outsideBefore = TreeSnapshot.of(outside);

        RestoreSummary summary = engine.restore(DS, HOSTILE_CYCLE, null);

        assertEquals(0, summary.level());
        TreeSnapshot restored = TreeSnapshot.of(datasetDir);
        assertEquals(Set.of(".", "d", "d/inner.txt", "h", "link", "ok.txt", "up"), restored.entries().keySet(),
                restored::toString);
        assertEquals(outside.toString(), restored.get("link").target());
        assertEquals("..", restored.get("up").target());
        assertEquals(restored.get("ok.txt").sha256(), restored.get("h").sha256());
        assertEquals(Files.getAttribute(datasetDir.resolve("ok.txt"), "unix:ino"),
                Files.getAttribute(datasetDir.resolve("h"), "unix:ino"), "h is a hard link of ok.txt");
        assertEquals("content of ./x/ok.txt\n", Files.readString(datasetDir.resolve("ok.txt")));
        assertTrue(summary.warnings().stream().anyMatch(w -> w.contains("x0.tar.gz")),
                "no warning that the level had no checksum: " + summary.warnings());
        TreeSnapshot.of(outside).assertSameAs(outsideBefore, "outside after a benign restore");
        assertEquals(List.of(), internalEntries(datasetDir));
    }

    /**
     * GNU tar never writes a name twice in one archive; an archive that does is refused rather than guessed at
     * (level 0 writes files in parallel, so "the last one wins" would not even be well defined), and the dataset
     * is left as it was.
     */
    @Test
    void aMemberTwiceInOneArchiveIsRefused() throws Exception {
        writeArchive(HOSTILE_CYCLE, List.of(dir("./x/"), file("./x/twice.txt"), file("./x/other.txt"),
                file("./x/twice.txt")));
        TreeSnapshot before = TreeSnapshot.of(datasetDir);

        BackupException.CorruptArchive error = assertThrows(BackupException.CorruptArchive.class,
                () -> engine.restore(DS, HOSTILE_CYCLE, null));

        assertTrue(error.getMessage().contains("./x/twice.txt"), error.getMessage());
        TreeSnapshot.of(datasetDir).assertSameAs(before, "the dataset after a refused archive");
        assertEquals(List.of(), internalEntries(datasetDir));
    }

    private Path writeArchive(long cycle, List<Member> members) throws IOException {
        Path cycleDir = Files.createDirectories(backupRoot.resolve(DS).resolve(DS + "_" + cycle));
        Path archive = cycleDir.resolve(DS + "0.tar.gz");
        try (OutputStream file = Files.newOutputStream(archive);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(file), "UTF-8")) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_GNU);
            for (Member m : members) {
                TarArchiveEntry entry = new TarArchiveEntry(m.name(), m.type(), true);
                entry.setModTime(1_700_000_000_000L);
                if (m.link() != null) {
                    entry.setLinkName(m.link());
                }
                m.pax().forEach(entry::addPaxHeader);
                byte[] data = m.data() == null ? new byte[0] : m.data();
                entry.setSize(data.length);
                tar.putArchiveEntry(entry);
                tar.write(data);
                tar.closeArchiveEntry();
            }
        }
        return archive;
    }

    private static String describe(Throwable t) {
        if (t == null) {
            return "no exception (the restore succeeded)";
        }
        return t.getClass().getName() + ": " + t.getMessage();
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static List<String> internalEntries(Path dir) throws IOException {
        return names(dir).stream().filter(n -> n.startsWith(".aiod-")).toList();
    }

    private static List<String> pathsNamedEvil(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(p -> p.getFileName().toString().equals("evil")).map(Path::toString).sorted().toList();
        }
    }
}
