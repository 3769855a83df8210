package org.aiod.backup.engine;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

/**
 * The dry run of a restore: replays levels 0..L in memory with the rules {@link Restorer} applies on disk (GNU tar's
 * listing semantics, rename records, a non-directory replacing whatever stood at its name) and compares the tree
 * that gives with the destination as it is. Reads the archives (checked against SHA256SUMS as the restore checks
 * them) and the destination; writes nothing. Holds one small entry per path of the level in memory.
 */
final class RestorePlanner {

    enum Kind {
        DIRECTORY, FILE, SYMLINK
    }

    /** One entry of a tree, as the plan compares it. */
    record Node(Kind kind, long size, int mode, long mtime, long uid, long gid, String target) {
    }

    private final String dataset;
    /** The level's tree by dataset-relative name ("" is the root), in name order, so a subtree is a range. */
    private final TreeMap<String, Node> tree = new TreeMap<>();
    /** Where the rename records of a cycle (with an X record) in the archive being applied moved directories to. */
    private final java.util.Set<String> renameTargets = new java.util.HashSet<>();

    RestorePlanner(String dataset) {
        this.dataset = dataset;
        tree.put("", new Node(Kind.DIRECTORY, 0, 0, 0, 0, 0, null));
    }

    /** Applies one archive to the tree in memory; {@code expectedSha256} is its SHA256SUMS line or null. */
    void apply(Path archive, String expectedSha256) throws IOException {
        renameTargets.clear();
        MessageDigest digest = Checksums.sha256();
        try (InputStream file = Files.newInputStream(archive);
                DigestInputStream hashed = new DigestInputStream(file, digest);
                InputStream buffered = new BufferedInputStream(hashed, 1 << 16)) {
            try {
                InputStream decompressed = Compressors.decompressing(buffered, archive);
                TarInput tar = new TarInput(decompressed);
                for (TarInput.Member member = tar.next(); member != null; member = tar.next()) {
                    apply(archive, member);
                }
                decompressed.transferTo(OutputStream.nullOutputStream());
                buffered.transferTo(OutputStream.nullOutputStream());
            } catch (IOException | RuntimeException e) {
                if (e instanceof BackupException.UnsafeMember unsafe) {
                    throw new BackupException.UnsafeMember(archive.getFileName() + ": " + unsafe.getMessage());
                }
                if (e instanceof BackupException backup) {
                    throw backup;
                }
                throw new BackupException.CorruptArchive(archive + " is corrupt or truncated: " + e.getMessage(), e);
            }
        }
        String actual = Checksums.hex(digest.digest());
        if (expectedSha256 != null && !expectedSha256.equals(actual)) {
            throw new BackupException.CorruptArchive(archive + " does not match its checksum in " + Layout.SUMS
                    + " (expected " + expectedSha256 + ", found " + actual + ")", null);
        }
    }

    private void apply(Path archive, TarInput.Member member) {
        TarArchiveEntry entry = member.entry();
        String rel = Restorer.relativePath(dataset, member.name(), member.name());
        if (rel.isEmpty() && member.kind() != TarInput.Kind.DUMPDIR && member.kind() != TarInput.Kind.DIRECTORY) {
            throw new BackupException.UnsafeMember("member '" + Names.shown(member.name())
                    + "' would replace the dataset directory with something that is not a directory");
        }
        long mtime = entry.getLastModifiedTime().toInstant().getEpochSecond();
        switch (member.kind()) {
            case DUMPDIR -> {
                directory(rel, member.name());
                applyListing(archive, rel, member.listing(), member.name());
            }
            case DIRECTORY -> directory(rel, member.name());
            case FILE -> replace(rel, member.name(), new Node(Kind.FILE,
                    entry.isSparse() ? entry.getRealSize() : entry.getSize(), entry.getMode() & 07777, mtime,
                    entry.getLongUserId(), entry.getLongGroupId(), null));
            case SYMLINK -> replace(rel, member.name(), new Node(Kind.SYMLINK, 0, 0, mtime, entry.getLongUserId(),
                    entry.getLongGroupId(), member.linkName()));
            case HARDLINK -> {
                String targetRel = Restorer.relativePath(dataset, member.linkName(), member.name());
                Node target = tree.get(targetRel);
                if (target == null || target.kind() != Kind.FILE) {
                    throw new BackupException.UnsafeMember("member '" + Names.shown(member.name()) + "' links to '"
                            + Names.shown(member.linkName()) + "', which is not a regular file extracted before it");
                }
                replace(rel, member.name(), target);
            }
            case OTHER -> {
                // special files are not restored
            }
        }
    }

    private void directory(String rel, String member) {
        if (rel.isEmpty()) {
            return;
        }
        parents(rel, member);
        Node node = tree.get(rel);
        if (node == null || node.kind() != Kind.DIRECTORY) {
            tree.put(rel, new Node(Kind.DIRECTORY, 0, 0, 0, 0, 0, null));
        }
    }

    private void replace(String rel, String member, Node node) {
        parents(rel, member);
        removeSubtree(rel);
        tree.put(rel, node);
    }

    /** Parents are made directories, as the restore makes them; a symlink among them is refused as it is there. */
    private void parents(String rel, String member) {
        int slash = rel.indexOf('/');
        while (slash >= 0) {
            String parent = rel.substring(0, slash);
            Node node = tree.get(parent);
            if (node != null && node.kind() == Kind.SYMLINK) {
                throw new BackupException.UnsafeMember("member '" + Names.shown(member)
                        + "' would be written through the symlink '" + Names.shown(parent) + "'");
            }
            if (node == null || node.kind() != Kind.DIRECTORY) {
                tree.put(parent, new Node(Kind.DIRECTORY, 0, 0, 0, 0, 0, null));
            }
            slash = rel.indexOf('/', slash + 1);
        }
    }

    private void applyListing(Path archive, String rel, byte[] listing, String member) {
        applyRenames(archive, listing, member);
        if (RenameRecords.isUnder(rel, renameTargets)) {
            for (String name : Listing.namesCoded(listing, Listing.UNCHANGED)) {
                if (!tree.containsKey(rel.isEmpty() ? name : rel + "/" + name)) {
                    throw RenameRecords.unchangedMissing(archive, member, name);
                }
            }
        }
        Listing.Index codes = Listing.Index.of(listing);
        for (String child : children(rel)) {
            String name = rel.isEmpty() ? child : child.substring(rel.length() + 1);
            byte code = codes.code(name);
            boolean isDirectory = tree.get(child).kind() == Kind.DIRECTORY;
            if (code == 0 || code == Listing.DIRECTORY && !isDirectory || code == Listing.IN_ARCHIVE && isDirectory) {
                removeSubtree(child);
            }
        }
    }

    /** {@link Restorer}'s rules for rename records, on the tree in memory: what it refuses is refused here too. */
    private void applyRenames(Path archive, byte[] listing, String member) {
        String temporary = null;
        List<RenameRecords.Step> steps = RenameRecords.of(dataset, listing, member, archive);
        boolean cycle = steps.stream().anyMatch(RenameRecords.Step::makesTemporary);
        for (RenameRecords.Step step : steps) {
            if (step.makesTemporary()) {
                requireTemporaryGone(archive, member, temporary);
                Node parent = tree.get(step.temporaryIn());
                if (parent == null || parent.kind() != Kind.DIRECTORY) {
                    throw RenameRecords.notApplicable(archive, member, null, null, "the directory '"
                            + Names.shown(step.temporaryIn()) + "' for its temporary directory does not exist", null);
                }
                // a name no archive member can have: a NUL cannot be part of a file name
                temporary = (step.temporaryIn().isEmpty() ? "" : step.temporaryIn() + "/") + "\0rename-temporary";
                tree.put(temporary, new Node(Kind.DIRECTORY, 0, 0, 0, 0, 0, null));
                continue;
            }
            String from = step.from() == null ? temporary : step.from();
            String to = step.to() == null ? temporary : step.to();
            rename(archive, member, step, from, to);
            if (cycle && step.to() != null) {
                renameTargets.add(to);
            }
        }
        requireTemporaryGone(archive, member, temporary);
    }

    private void requireTemporaryGone(Path archive, String member, String temporary) {
        if (temporary == null || !tree.containsKey(temporary)) {
            return;
        }
        if (!below(temporary).isEmpty()) {
            throw RenameRecords.notApplicable(archive, member, null, null,
                    "what the records moved into the temporary directory is never moved out of it", null);
        }
        tree.remove(temporary);
    }

    private void rename(Path archive, String member, RenameRecords.Step step, String from, String to) {
        for (int slash = from.indexOf('/'); slash >= 0; slash = from.indexOf('/', slash + 1)) {
            requireNoSymlink(member, from.substring(0, slash), from);
        }
        for (int slash = to.indexOf('/'); slash >= 0; slash = to.indexOf('/', slash + 1)) {
            requireNoSymlink(member, to.substring(0, slash), to);
        }
        Node source = tree.get(from);
        if (source == null) {
            throw RenameRecords.notApplicable(archive, member, step.from(), step.to(), "its source is missing",
                    null);
        }
        if (to.startsWith(from + "/")) {
            throw RenameRecords.notApplicable(archive, member, step.from(), step.to(),
                    "its target lies inside its source", null);
        }
        Node existing = tree.get(to);
        if (existing != null && (source.kind() != Kind.DIRECTORY || existing.kind() != Kind.DIRECTORY
                || !below(to).isEmpty())) {
            throw RenameRecords.notApplicable(archive, member, step.from(), step.to(),
                    "its target exists and is not an empty directory", null);
        }
        for (int slash = to.indexOf('/'); slash >= 0; slash = to.indexOf('/', slash + 1)) {
            Node parent = tree.get(to.substring(0, slash));
            if (parent == null) {
                tree.put(to.substring(0, slash), new Node(Kind.DIRECTORY, 0, 0, 0, 0, 0, null));
            } else if (parent.kind() != Kind.DIRECTORY) {
                throw RenameRecords.notApplicable(archive, member, step.from(), step.to(), "'"
                        + Names.shown(to.substring(0, slash)) + "' is not a directory", null);
            }
        }
        NavigableMap<String, Node> moved = new TreeMap<>(subtree(from));
        removeSubtree(from);
        tree.remove(to);
        for (Map.Entry<String, Node> e : moved.entrySet()) {
            tree.put(to + e.getKey().substring(from.length()), e.getValue());
        }
    }

    private void requireNoSymlink(String member, String parent, String rel) {
        Node node = tree.get(parent);
        if (node != null && node.kind() == Kind.SYMLINK) {
            throw new BackupException.UnsafeMember("member '" + Names.shown(member) + "': rename record '"
                    + Names.shown(rel) + "' would pass through the symlink '" + Names.shown(parent) + "'");
        }
    }

    /** The direct children of {@code rel}. */
    private List<String> children(String rel) {
        List<String> children = new ArrayList<>();
        NavigableMap<String, Node> below = rel.isEmpty() ? tree.tailMap("", false) : below(rel);
        int depth = rel.isEmpty() ? 0 : rel.length() + 1;
        for (String path : below.keySet()) {
            if (path.indexOf('/', depth) < 0) {
                children.add(path);
            }
        }
        return children;
    }

    /** The entries under {@code rel}, not itself: names between "rel/" and "rel0" ('0' follows '/'). */
    private NavigableMap<String, Node> below(String rel) {
        return tree.subMap(rel + "/", true, rel + "0", false);
    }

    private NavigableMap<String, Node> subtree(String rel) {
        TreeMap<String, Node> subtree = new TreeMap<>(below(rel));
        Node node = tree.get(rel);
        if (node != null) {
            subtree.put(rel, node);
        }
        return subtree;
    }

    private void removeSubtree(String rel) {
        below(rel).clear();
        tree.remove(rel);
    }

    /** Refuses a path asked for that the level does not have: {@code NO_SUCH_PATH}. */
    void requirePaths(List<String> paths, long cycle, int level) {
        for (String path : paths) {
            if (!tree.containsKey(path)) {
                throw noSuchPath(dataset, path, cycle, level);
            }
        }
    }

    static BackupException.NoSuchPath noSuchPath(String dataset, String path, long cycle, int level) {
        return new BackupException.NoSuchPath("'" + Names.shown(path) + "' is not in dataset '" + dataset
                + "' at cycle " + cycle + " level " + level);
    }

    /**
     * The plan of restoring the tree into {@code destination} (which may not exist), for {@code paths} or the whole
     * tree; owners are compared when {@code withOwners}.
     */
    RestorePlan plan(Path destination, List<String> paths, boolean withOwners, int limit) throws IOException {
        TreeMap<String, Node> existing = new TreeMap<>();
        scan(destination, "", existing);
        TreeMap<String, Node> wanted = new TreeMap<>(tree);
        wanted.remove("");
        existing.remove("");
        if (!paths.isEmpty()) {
            wanted.keySet().removeIf(p -> !covered(p, paths));
            existing.keySet().removeIf(p -> !covered(p, paths));
        }
        Changes create = new Changes(limit);
        Changes replace = new Changes(limit);
        Changes delete = new Changes(limit);
        long unchanged = 0;
        long directoriesToCreate = 0;
        long directoriesToDelete = 0;
        for (Map.Entry<String, Node> e : wanted.entrySet()) {
            Node want = e.getValue();
            Node have = existing.get(e.getKey());
            if (want.kind() == Kind.DIRECTORY) {
                if (have == null || have.kind() != Kind.DIRECTORY) {
                    directoriesToCreate++;
                }
            } else if (have == null || have.kind() == Kind.DIRECTORY) {
                create.add(e.getKey(), want.size());
            } else if (differ(want, have, withOwners)) {
                replace.add(e.getKey(), want.size());
            } else {
                unchanged++;
            }
        }
        for (Map.Entry<String, Node> e : existing.entrySet()) {
            Node have = e.getValue();
            Node want = wanted.get(e.getKey());
            if (have.kind() == Kind.DIRECTORY) {
                if (want == null || want.kind() != Kind.DIRECTORY) {
                    directoriesToDelete++;
                }
            } else if (want == null || want.kind() == Kind.DIRECTORY) {
                delete.add(e.getKey(), have.size());
            }
        }
        return new RestorePlan(create.change(), replace.change(), delete.change(), unchanged, directoriesToCreate,
                directoriesToDelete);
    }

    private static boolean covered(String path, List<String> paths) {
        for (String p : paths) {
            if (path.equals(p) || path.startsWith(p + "/")) {
                return true;
            }
        }
        return false;
    }

    private static boolean differ(Node want, Node have, boolean withOwners) {
        if (want.kind() != have.kind()) {
            return true;
        }
        if (want.kind() == Kind.SYMLINK) {
            return !want.target().equals(have.target());
        }
        return want.size() != have.size() || want.mtime() != have.mtime() || want.mode() != have.mode()
                || withOwners && (want.uid() != have.uid() || want.gid() != have.gid());
    }

    /** Reads the destination's entries, never following a symlink; one that does not exist has none. */
    private static void scan(Path path, String rel, Map<String, Node> into) throws IOException {
        FileStat stat;
        try {
            stat = FileStat.of(path);
        } catch (NoSuchFileException e) {
            return;
        }
        if (stat.isDirectory()) {
            into.put(rel, new Node(Kind.DIRECTORY, 0, stat.permissions(), stat.mtimeSeconds(), stat.uid(),
                    stat.gid(), null));
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(path)) {
                for (Path entry : entries) {
                    String name = Names.fileName(entry);
                    scan(entry, rel.isEmpty() ? name : rel + "/" + name, into);
                }
            }
        } else if (stat.isSymlink()) {
            into.put(rel, new Node(Kind.SYMLINK, 0, 0, stat.mtimeSeconds(), stat.uid(), stat.gid(),
                    Names.pathName(Files.readSymbolicLink(path))));
        } else {
            // a special file counts as a file: the restore replaces or deletes it like one
            into.put(rel, new Node(Kind.FILE, stat.isRegular() ? stat.size() : 0, stat.permissions(),
                    stat.mtimeSeconds(), stat.uid(), stat.gid(), null));
        }
    }

    private static final class Changes {
        private final int limit;
        private final List<String> paths = new ArrayList<>();
        private long count;
        private long bytes;

        Changes(int limit) {
            this.limit = limit;
        }

        void add(String path, long size) {
            count++;
            bytes += size;
            if (paths.size() < limit) {
                paths.add(Names.shown(path));
            }
        }

        RestorePlan.Change change() {
            return new RestorePlan.Change(count, bytes, List.copyOf(paths));
        }
    }
}
