package org.aiod.backup.engine;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The tree a chain's archives say its last level holds, built by reading them in order with GNU tar's incremental
 * rules (a directory's listing decides which names it keeps, renames included), each file member's content digested
 * as it is read; then compared, for a drill, with the tree the restore made from the same archives. This is a
 * model, not a second extractor: it writes nothing. Each archive is read to its end and its SHA-256 compared with
 * {@code SHA256SUMS} on the way, so the drill reads every archive of its chain as {@code checksums} does.
 */
final class ChainTree {

    /** How many problems a drill lists; the rest are counted in one last line. */
    static final int PROBLEM_LIMIT = 1000;

    private sealed interface Node permits Dir, File, Link, Special {
    }

    private record Dir() implements Node {
    }

    private record File(String sha256, long size) implements Node {
    }

    private record Link(String target) implements Node {
    }

    /** A FIFO or device: the restore skips it with a warning, so it is not looked for. */
    private record Special() implements Node {
    }

    private static final Dir DIR = new Dir();
    private static final int BUFFER = 1 << 16;

    private final String dataset;
    private final Map<String, Node> nodes = new HashMap<>();
    private final Map<String, Set<String>> children = new HashMap<>();
    /** The last archive's listing of each directory that has one: the names it says the directory holds. */
    private Map<String, Set<String>> lastListings = new LinkedHashMap<>();
    private int lastLevel = -1;
    private final List<String> problems = new ArrayList<>();
    private int problemsLeftOut;
    private final byte[] buffer = new byte[BUFFER];

    ChainTree(String dataset) {
        this.dataset = dataset;
        nodes.put("", DIR);
        children.put("", new HashSet<>());
    }

    /** Each member that differs from what the archives or their listings say, as found so far. */
    List<String> problems() {
        List<String> all = new ArrayList<>(problems);
        if (problemsLeftOut > 0) {
            all.add("... and " + problemsLeftOut + " more");
        }
        return all;
    }

    /**
     * Reads the next archive of the chain into the model, to its end, and says what its checksum is.
     *
     * @param listed   its line in {@code SHA256SUMS}, or {@code null}
     * @param listener told how many of the archive's bytes were read
     */
    LevelCheck read(long cycle, int level, Path archive, String listed, ProgressListener listener)
            throws IOException {
        lastListings = new LinkedHashMap<>();
        lastLevel = level;
        // the names a listing of this archive says are members of it (code Y), until their member is read
        Map<String, Boolean> promised = new LinkedHashMap<>();
        MessageDigest digest = Checksums.sha256();
        try (InputStream file = ReadCounting.of(Files.newInputStream(archive), listener);
                DigestInputStream hashed = new DigestInputStream(file, digest);
                InputStream buffered = new BufferedInputStream(hashed, BUFFER)) {
            try {
                InputStream decompressed = Compressors.decompressing(buffered, archive);
                TarInput tar = new TarInput(decompressed);
                for (TarInput.Member member; (member = tar.next()) != null; ) {
                    apply(member, tar, level, promised);
                }
                decompressed.transferTo(OutputStream.nullOutputStream());
                buffered.transferTo(OutputStream.nullOutputStream());
            } catch (IOException | RuntimeException e) {
                return new LevelCheck(cycle, level, archive, LevelCheck.Status.CORRUPT,
                        archive + " is corrupt or truncated: " + e.getMessage());
            }
        }
        for (String rel : promised.keySet()) {
            problem(rel, "the listing of its directory at level " + level + " says it is in that level's archive,"
                    + " which has no such member");
        }
        return Verifier.outcome(cycle, level, archive, listed, Checksums.hex(digest.digest()));
    }

    private void apply(TarInput.Member member, TarInput tar, int level, Map<String, Boolean> promised)
            throws IOException {
        String rel;
        try {
            rel = Restorer.relativePath(dataset, member.name(), member.name());
        } catch (BackupException.UnsafeMember e) {
            problem(member.name(), "level " + level + ": " + e.getMessage());
            return;
        }
        promised.remove(rel);
        switch (member.kind()) {
            case DUMPDIR -> {
                directory(rel);
                applyListing(rel, member.listing(), promised);
            }
            case DIRECTORY -> directory(rel);
            case FILE -> {
                MessageDigest digest = Checksums.sha256();
                long size = 0;
                InputStream content = tar.content();
                for (int n; (n = content.read(buffer)) > 0; ) {
                    digest.update(buffer, 0, n);
                    size += n;
                }
                put(rel, new File(Checksums.hex(digest.digest()), size));
            }
            case SYMLINK -> put(rel, new Link(member.linkName()));
            case HARDLINK -> {
                String target;
                try {
                    target = Restorer.relativePath(dataset, member.linkName(), member.name());
                } catch (BackupException.UnsafeMember e) {
                    problem(rel, "level " + level + ": " + e.getMessage());
                    return;
                }
                if (nodes.get(target) instanceof File file) {
                    put(rel, file);
                } else {
                    problem(rel, "level " + level + ": a hard link to '" + Names.shown(target)
                            + "', which is not a file member before it");
                }
            }
            case OTHER -> put(rel, new Special());
        }
    }

    /** GNU tar's rules at a {@code D} member, as {@link Restorer} applies them: renames, then the listing. */
    private void applyListing(String rel, byte[] listing, Map<String, Boolean> promised) {
        String renameFrom = null;
        for (Listing.Item rename : Listing.renames(listing)) {
            if (rename.code() == Listing.RENAME_FROM) {
                renameFrom = rename.name();
            } else {
                if (renameFrom != null) {
                    try {
                        String from = Restorer.relativePath(dataset, renameFrom, renameFrom);
                        String to = Restorer.relativePath(dataset, rename.name(), rename.name());
                        if (!from.isEmpty() && !to.isEmpty() && nodes.containsKey(from) && !nodes.containsKey(to)) {
                            move(from, to);
                        }
                    } catch (BackupException.UnsafeMember e) {
                        // the restore refuses it and says so; the drill reports the restore's failure
                    }
                }
                renameFrom = null;
            }
        }
        Map<String, Byte> codes = new HashMap<>();
        for (Listing.Item item : Listing.entries(listing)) {
            codes.put(item.name(), item.code());
            if (item.code() == Listing.IN_ARCHIVE) {
                promised.put(join(rel, item.name()), Boolean.TRUE);
            }
        }
        for (String name : List.copyOf(children.get(rel))) {
            Byte code = codes.get(name);
            boolean isDirectory = nodes.get(join(rel, name)) instanceof Dir;
            if (code == null || code == Listing.DIRECTORY && !isDirectory || code == Listing.IN_ARCHIVE && isDirectory) {
                remove(join(rel, name));
            }
        }
        lastListings.put(rel, codes.keySet());
    }

    /**
     * Compares the restored tree in {@code restored} with the model: every name the last level's listings give is
     * in the archives and restored, nothing else is there, and each file's content and each symlink's target are
     * the archives'. Problems name the member as {@link Names#shown} shows it.
     *
     * @return the file members checked and their bytes
     */
    long[] compare(Path restored) throws IOException {
        for (Map.Entry<String, Set<String>> listed : lastListings.entrySet()) {
            String dir = listed.getKey();
            Set<String> here = children.getOrDefault(dir, Set.of());
            for (String name : new TreeSet<>(listed.getValue())) {
                if (!here.contains(name)) {
                    problem(join(dir, name), "named by the listing of its directory at level " + lastLevel
                            + ", but no archive of the chain holds it");
                }
            }
            for (String name : new TreeSet<>(here)) {
                if (!listed.getValue().contains(name)) {
                    problem(join(dir, name), "in the archives, but not in the listing of its directory at level "
                            + lastLevel);
                }
            }
        }
        long files = 0;
        long bytes = 0;
        for (String rel : new TreeSet<>(nodes.keySet())) {
            Node node = nodes.get(rel);
            if (node instanceof Special) {
                continue;
            }
            Path path = rel.isEmpty() ? restored : Names.resolve(restored, rel);
            FileStat stat;
            try {
                stat = FileStat.of(path);
            } catch (NoSuchFileException e) {
                problem(rel, "in the archives, but not restored");
                continue;
            }
            if (node instanceof Dir) {
                if (!stat.isDirectory()) {
                    problem(rel, "a directory in the archives, not restored as one");
                }
            } else if (node instanceof Link link) {
                if (!stat.isSymlink()) {
                    problem(rel, "a symbolic link in the archives, not restored as one");
                } else {
                    Path target = Files.readSymbolicLink(path);
                    if (!target.equals(Names.path(link.target()))) {
                        problem(rel, "restored as a symbolic link to '" + Names.shown(Names.pathName(target))
                                + "', its member says '" + Names.shown(link.target()) + "'");
                    }
                }
            } else if (node instanceof File file) {
                if (!stat.isRegular()) {
                    problem(rel, "a file in the archives, not restored as one");
                    continue;
                }
                String actual = digest(path);
                if (!actual.equals(file.sha256())) {
                    problem(rel, "restored content (sha256 " + actual + ") differs from its member's ("
                            + file.sha256() + ")");
                }
                files++;
                bytes += file.size();
            }
        }
        extras(restored, "");
        return new long[] {files, bytes};
    }

    /** Every restored entry the model does not have. */
    private void extras(Path dir, String rel) throws IOException {
        accessible(dir, true);
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            stream.forEach(entries::add);
        }
        for (Path entry : entries) {
            String child = join(rel, Names.fileName(entry));
            Node node = nodes.get(child);
            if (node == null || node instanceof Special) {
                problem(child, "restored, but in no archive of the chain");
            } else if (node instanceof Dir && Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                extras(entry, child);
            }
        }
    }

    private String digest(Path file) throws IOException {
        accessible(file, false);
        MessageDigest digest = Checksums.sha256();
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return Checksums.hex(digest.digest());
    }

    /**
     * Lets the owner read a restored entry that the archive gave no owner permission to: the scratch tree is the
     * drill's own, and is deleted next. Root needs none of this.
     */
    private static void accessible(Path path, boolean directory) throws IOException {
        if (Files.isReadable(path) && (!directory || Files.isExecutable(path))) {
            return;
        }
        try {
            Set<PosixFilePermission> permissions = new HashSet<>(Files.getPosixFilePermissions(path,
                    LinkOption.NOFOLLOW_LINKS));
            permissions.add(PosixFilePermission.OWNER_READ);
            if (directory) {
                permissions.add(PosixFilePermission.OWNER_EXECUTE);
                permissions.add(PosixFilePermission.OWNER_WRITE);
            }
            Files.setPosixFilePermissions(path, permissions);
        } catch (AccessDeniedException e) {
            // not the owner: the read that follows says what is wrong
        }
    }

    private void problem(String rel, String what) {
        if (problems.size() >= PROBLEM_LIMIT) {
            problemsLeftOut++;
            return;
        }
        problems.add("'" + Names.shown(rel) + "': " + what);
    }

    private void directory(String rel) {
        if (!(nodes.get(rel) instanceof Dir)) {
            put(rel, DIR);
        }
    }

    private void put(String rel, Node node) {
        if (rel.isEmpty()) {
            return; // the dataset directory is always a directory; the restore refuses anything else there
        }
        String parent = parentOf(rel);
        directory(parent);
        Node existing = nodes.get(rel);
        if (existing instanceof Dir && !(node instanceof Dir)) {
            remove(rel);
        }
        nodes.put(rel, node);
        if (node instanceof Dir) {
            children.putIfAbsent(rel, new HashSet<>());
        }
        children.get(parent).add(baseOf(rel));
    }

    private void remove(String rel) {
        removeSubtree(rel);
        Set<String> siblings = children.get(parentOf(rel));
        if (siblings != null) {
            siblings.remove(baseOf(rel));
        }
    }

    private void removeSubtree(String rel) {
        nodes.remove(rel);
        Set<String> kids = children.remove(rel);
        if (kids != null) {
            for (String kid : kids) {
                removeSubtree(join(rel, kid));
            }
        }
    }

    private void move(String from, String to) {
        directory(parentOf(to));
        moveSubtree(from, to);
        children.get(parentOf(from)).remove(baseOf(from));
        children.get(parentOf(to)).add(baseOf(to));
    }

    private void moveSubtree(String from, String to) {
        Node node = nodes.remove(from);
        nodes.put(to, node);
        Set<String> kids = children.remove(from);
        if (kids != null) {
            children.put(to, kids);
            for (String kid : kids) {
                moveSubtree(join(from, kid), join(to, kid));
            }
        }
    }

    private static String join(String dir, String name) {
        return dir.isEmpty() ? name : dir + "/" + name;
    }

    private static String parentOf(String rel) {
        int slash = rel.lastIndexOf('/');
        return slash < 0 ? "" : rel.substring(0, slash);
    }

    private static String baseOf(String rel) {
        return rel.substring(rel.lastIndexOf('/') + 1);
    }
}
