package org.aiod.backup.engine;

import static org.aiod.backup.engine.TarInput.corrupt;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

/**
 * Browse and download: a directory's entries and a file's content as they were at a level of a cycle, read from the
 * archives without restoring anything. Reads only, without the dataset's lock (a level is committed by a rename, so
 * an archive under its final name is complete and never changes).
 *
 * <p>The tree at level L is the listings' ({@code D} members'): an entry coded {@code Y} is a member of level L's
 * archive, one coded {@code N} lies in an earlier level, under the same name unless a GNU rename record
 * ({@code R}/{@code T}) of a later level moved its directory. So a directory is listed from level L's {@code D}
 * members (which come first in every archive GNU tar and the engine write), and an {@code N} entry is followed back,
 * level by level, reading only each level's {@code D} members until the level that holds it; its header (size, mtime,
 * mode) comes from that level's member. A compressed tar has no index: a member is found by reading its archive up
 * to it, and no further. An archive's SHA-256 is compared with {@code SHA256SUMS} only when it was read to its end.
 * See "Browse and download" in docs/design.md.
 */
record Browser(Layout layout) {

    private static final int BUFFER = 1 << 16;

    /** The entries of the directory {@code shownPath} (shown names joined by {@code /}; empty: the dataset's top). */
    List<TreeEntry> list(String dataset, long cycle, int level, String shownPath) {
        Chain chain = chain(dataset, cycle, level);
        String dir = parsePath(shownPath);
        try {
            return listDirectory(chain, dir);
        } catch (IOException e) {
            throw FileOps.translate(e, "listing '" + Names.shown(dir) + "' of " + chain);
        }
    }

    /** The content of the file {@code shownPath}, positioned at its member's first byte. */
    ArchivedFile open(String dataset, long cycle, int level, String shownPath) {
        Chain chain = chain(dataset, cycle, level);
        String path = parsePath(shownPath);
        if (path.isEmpty()) {
            throw new BackupException.InvalidPath("'" + shownPath + "' is the directory of dataset '" + dataset
                    + "', not a file");
        }
        try {
            return openFile(chain, path);
        } catch (IOException e) {
            throw FileOps.translate(e, "reading '" + Names.shown(path) + "' of " + chain);
        }
    }

    // ---- the chain ----

    /** Levels 0..level of a cycle, checked as a restore checks them, with the cycle's SHA256SUMS. */
    private record Chain(String dataset, long cycle, List<Path> archives, Map<String, String> sums) {

        int level() {
            return archives.size() - 1;
        }

        Scan scan(int level) throws IOException {
            Path archive = archives.get(level);
            return new Scan(archive, sums.get(archive.getFileName().toString()), dataset);
        }

        @Override
        public String toString() {
            return "dataset '" + dataset + "' cycle " + cycle + " level " + level();
        }
    }

    private Chain chain(String dataset, long cycle, int level) {
        Layout.requireValidName(dataset);
        DatasetChecks.requireUtf8FileNames();
        DatasetChecks.requireBackups(layout, dataset);
        try {
            return new Chain(dataset, cycle, DatasetChecks.requireChain(layout, dataset, cycle, level, "read"),
                    Checksums.read(layout.sums(dataset, cycle)));
        } catch (IOException e) {
            throw FileOps.translate(e, "reading cycle " + cycle + " of dataset '" + dataset + "'");
        }
    }

    // ---- listing a directory ----

    /** A non-directory entry, found: its member and the level whose archive holds it. */
    private record Located(TarInput.Member member, int level) {
    }

    private List<TreeEntry> listDirectory(Chain chain, String dir) throws IOException {
        int level = chain.level();
        Directory at;
        List<Listing.Item> items;
        Map<String, Located> located = new HashMap<>();
        List<String> unchanged = new ArrayList<>();
        try (Scan scan = chain.scan(level)) {
            at = readDirectory(scan, dir);
            if (at.listing == null) {
                throw notADirectory(chain, dir, at);
            }
            items = Listing.entries(at.listing);
            Set<String> inArchive = new LinkedHashSet<>();
            for (Listing.Item item : items) {
                if (item.code() == Listing.IN_ARCHIVE) {
                    inArchive.add(item.name());
                } else if (item.code() == Listing.UNCHANGED) {
                    unchanged.add(item.name());
                }
            }
            locate(chain, scan, level, dir, inArchive, located);
        }
        // the unchanged entries, level by level back, under the name their directory had there
        String mapped = dir;
        List<String[]> renames = at.renames;
        for (int k = level - 1; k >= 0 && !unchanged.isEmpty(); k--) {
            mapped = beforeRenames(renames, mapped);
            try (Scan scan = chain.scan(k)) {
                Directory earlier = readDirectory(scan, mapped);
                if (earlier.listing == null) {
                    throw inconsistent(chain, k, dir, unchanged.get(0), "has no directory '" + Names.shown(mapped)
                            + "'");
                }
                Listing.Index codes = Listing.Index.of(earlier.listing);
                Set<String> here = new LinkedHashSet<>();
                List<String> still = new ArrayList<>();
                for (String name : unchanged) {
                    byte code = codes.code(name);
                    if (code == Listing.IN_ARCHIVE) {
                        here.add(name);
                    } else if (code == Listing.UNCHANGED) {
                        still.add(name);
                    } else {
                        throw inconsistent(chain, k, dir, name, "does not list it as a file");
                    }
                }
                locate(chain, scan, k, mapped, here, located);
                unchanged = still;
                renames = earlier.renames;
            }
        }
        if (!unchanged.isEmpty()) {
            throw inconsistent(chain, 0, dir, unchanged.get(0), "lists it as unchanged");
        }
        resolveHardLinks(chain, located);
        List<TreeEntry> entries = new ArrayList<>(items.size());
        for (Listing.Item item : items) {
            if (item.code() == Listing.DIRECTORY) {
                TarArchiveEntry header = at.children.get(item.name());
                if (header == null) {
                    throw corrupt(chain.archives().get(level), new IOException("directory '" + Names.shown(
                            join(dir, item.name())) + "' is listed but has no member"));
                }
                entries.add(new TreeEntry(Names.shown(item.name()), TreeEntry.Type.DIRECTORY, 0, mtime(header),
                        header.getMode() & 07777, level, null));
                continue;
            }
            Located found = located.get(item.name());
            TarInput.Member member = found.member();
            TarArchiveEntry header = member.entry();
            switch (member.kind()) {
                case FILE -> entries.add(new TreeEntry(Names.shown(item.name()), TreeEntry.Type.FILE, size(header),
                        mtime(header), header.getMode() & 07777, found.level(), null));
                case SYMLINK -> entries.add(new TreeEntry(Names.shown(item.name()), TreeEntry.Type.SYMLINK,
                        Names.encode(member.linkName()).length, mtime(header), header.getMode() & 07777,
                        found.level(), Names.shown(member.linkName())));
                default -> {
                    // special files are not restored, so they are not shown either; hard links were resolved
                }
            }
        }
        return entries;
    }

    /**
     * Reads the members named {@code names} (entries of {@code dir}) from {@code scan}, which is past the
     * {@code D} members, into {@code located}; each must be there.
     */
    private static void locate(Chain chain, Scan scan, int level, String dir, Set<String> names,
            Map<String, Located> located) throws IOException {
        if (names.isEmpty()) {
            return;
        }
        Map<String, String> byPath = new HashMap<>();
        for (String name : names) {
            byPath.put(join(dir, name), name);
        }
        for (Scan.Entry e; !byPath.isEmpty() && (e = scan.next()) != null; ) {
            String name = byPath.remove(e.rel());
            if (name != null) {
                located.put(name, new Located(e.member(), level));
            }
        }
        if (!byPath.isEmpty()) {
            throw corrupt(chain.archives().get(level), new IOException("its listing of '" + Names.shown(dir)
                    + "' names '" + Names.shown(byPath.values().iterator().next())
                    + "' as in the archive, which holds no such member"));
        }
    }

    /** A hard link is listed as the file it names: the size is the target's (its first name, same archive). */
    private static void resolveHardLinks(Chain chain, Map<String, Located> located) throws IOException {
        Map<Integer, Map<String, List<String>>> byLevel = new TreeMap<>();
        for (Map.Entry<String, Located> e : located.entrySet()) {
            TarInput.Member member = e.getValue().member();
            if (member.kind() == TarInput.Kind.HARDLINK) {
                byLevel.computeIfAbsent(e.getValue().level(), k -> new HashMap<>())
                        .computeIfAbsent(targetOf(chain, e.getValue().level(), member), t -> new ArrayList<>())
                        .add(e.getKey());
            }
        }
        for (Map.Entry<Integer, Map<String, List<String>>> level : byLevel.entrySet()) {
            Map<String, List<String>> targets = new HashMap<>(level.getValue());
            try (Scan scan = chain.scan(level.getKey())) {
                for (Scan.Entry e; !targets.isEmpty() && (e = scan.next()) != null; ) {
                    List<String> links = targets.remove(e.rel());
                    if (links != null) {
                        if (e.member().kind() != TarInput.Kind.FILE) {
                            throw corrupt(chain.archives().get(level.getKey()), new IOException("hard link to '"
                                    + Names.shown(e.rel()) + "', which is not a regular file"));
                        }
                        for (String name : links) {
                            TarInput.Member link = located.get(name).member();
                            // the link's own header (same inode: mode and mtime), the target's size
                            TarArchiveEntry header = link.entry();
                            header.setSize(size(e.member().entry()));
                            located.put(name, new Located(new TarInput.Member(TarInput.Kind.FILE, header,
                                    link.name(), "", null), level.getKey()));
                        }
                    }
                }
            }
            if (!targets.isEmpty()) {
                throw corrupt(chain.archives().get(level.getKey()), new IOException("hard link to '"
                        + Names.shown(targets.keySet().iterator().next()) + "', which it does not hold"));
            }
        }
    }

    // ---- reading a file ----

    private ArchivedFile openFile(Chain chain, String path) throws IOException {
        String dir = parentOf(path);
        String name = baseOf(path);
        String mapped = dir;
        List<String[]> renames = List.of();
        for (int k = chain.level(); k >= 0; k--) {
            mapped = beforeRenames(renames, mapped);
            Scan scan = chain.scan(k);
            boolean handedOver = false;
            try {
                Directory at = readDirectory(scan, mapped);
                byte code = at.listing == null ? 0 : Listing.Index.of(at.listing).code(name);
                if (k == chain.level()) {
                    if (code == 0) {
                        throw new BackupException.NoSuchPath("'" + Names.shown(path) + "' is not in " + chain);
                    }
                    if (code == Listing.DIRECTORY) {
                        throw new BackupException.InvalidPath("'" + Names.shown(path) + "' is a directory in "
                                + chain + "; list it with its tree");
                    }
                } else if (code != Listing.IN_ARCHIVE && code != Listing.UNCHANGED) {
                    throw inconsistent(chain, k, dir, name, "does not list it as a file");
                }
                if (code == Listing.IN_ARCHIVE) {
                    ArchivedFile file = member(chain, scan, k, join(mapped, name), path);
                    handedOver = true;
                    return file;
                }
                renames = at.renames;
            } finally {
                if (!handedOver) {
                    scan.close();
                }
            }
        }
        throw inconsistent(chain, 0, dir, name, "lists it as unchanged");
    }

    /**
     * The file at {@code rel} in {@code scan}, handed over with the scan. A hard link's content is its target's, an
     * earlier member of the same archive: the archive is read again from its start up to it.
     */
    private static ArchivedFile member(Chain chain, Scan scan, int level, String rel, String path)
            throws IOException {
        for (Scan.Entry e; (e = scan.next()) != null; ) {
            if (!e.rel().equals(rel)) {
                continue;
            }
            TarInput.Member member = e.member();
            switch (member.kind()) {
                case FILE -> {
                    return archivedFile(scan, member.entry(), size(member.entry()), path, level);
                }
                case HARDLINK -> {
                    scan.close();
                    return hardLinkTarget(chain, level, member, path);
                }
                case SYMLINK -> throw new BackupException.InvalidPath("'" + Names.shown(path) + "' is a symbolic"
                        + " link to '" + Names.shown(member.linkName()) + "' in " + chain + ", not a file");
                default -> throw new BackupException.InvalidPath("'" + Names.shown(path) + "' is a special file "
                        + "in " + chain + ", not a regular file");
            }
        }
        throw corrupt(chain.archives().get(level), new IOException("its listing names '" + Names.shown(rel)
                + "' as in the archive, which holds no such member"));
    }

    private static ArchivedFile hardLinkTarget(Chain chain, int level, TarInput.Member link, String path)
            throws IOException {
        String target = targetOf(chain, level, link);
        Scan scan = chain.scan(level);
        try {
            for (Scan.Entry e; (e = scan.next()) != null; ) {
                if (e.rel().equals(target) && e.member().kind() == TarInput.Kind.FILE) {
                    // the link's own header (one inode: the same mode and mtime), the target's content
                    return archivedFile(scan, link.entry(), size(e.member().entry()), path, level);
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            scan.close();
            throw e;
        }
        scan.close();
        throw corrupt(chain.archives().get(level), new IOException("member '" + Names.shown(link.name())
                + "' links to '" + Names.shown(link.linkName()) + "', which is not a regular file before it"));
    }

    private static ArchivedFile archivedFile(Scan scan, TarArchiveEntry header, long size, String path,
            int level) {
        InputStream content = new MemberContent(scan, size, path);
        return new ArchivedFile(Names.shown(baseOf(path)), size, mtime(header), header.getMode() & 07777, level,
                content, scan);
    }

    /** Exactly {@code size} bytes of the current member; an archive that ends before is corrupt. */
    private static final class MemberContent extends InputStream {
        private final Scan scan;
        private final String path;
        private long remaining;

        MemberContent(Scan scan, long size, String path) {
            this.scan = scan;
            this.remaining = size;
            this.path = path;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            int n;
            try {
                n = scan.content().read(b, off, (int) Math.min(len, remaining));
            } catch (IOException | RuntimeException e) {
                throw corrupt(scan.archive, e);
            }
            if (n < 0) {
                throw corrupt(scan.archive, new IOException("member '" + Names.shown(path) + "' ends "
                        + remaining + " bytes before its size"));
            }
            remaining -= n;
            return n;
        }
    }

    // ---- one archive, read from its start ----

    /** What the {@code D} members of one archive say about one directory. */
    private static final class Directory {
        /** The directory's header and listing; null when the archive has no such directory. */
        TarArchiveEntry header;
        byte[] listing;
        /** The listing of its parent, when it is not the top. */
        byte[] parentListing;
        /** The headers of its subdirectories' {@code D} members, by name. */
        final Map<String, TarArchiveEntry> children = new HashMap<>();
        /** The archive's rename records, {from, to} as paths relative to the dataset, in order. */
        final List<String[]> renames = new ArrayList<>();
    }

    /**
     * Reads the {@code D} members at the start of {@code scan} (GNU tar and the engine write every one before the
     * first file) and keeps what concerns {@code dir}; the first other member is left to be read next.
     */
    private static Directory readDirectory(Scan scan, String dir) throws IOException {
        Directory at = new Directory();
        String parent = dir.isEmpty() ? null : parentOf(dir);
        for (Scan.Entry e; (e = scan.next()) != null; ) {
            TarInput.Member member = e.member();
            if (member.kind() != TarInput.Kind.DUMPDIR && member.kind() != TarInput.Kind.DIRECTORY) {
                scan.pushBack(e);
                break;
            }
            byte[] listing = member.listing();
            if (listing == null) {
                throw corrupt(scan.archive, new IOException("directory member '" + Names.shown(member.name())
                        + "' has no listing: not a GNU incremental archive"));
            }
            String from = null;
            int temporaries = 0;
            for (Listing.Item rename : Listing.renames(listing)) {
                if (rename.code() == Listing.TEMPORARY_DIRECTORY) {
                    temporaries++;
                    continue;
                }
                // an empty name is the temporary directory of the last X record: a name no file can have
                String rel = rename.name().isEmpty() ? "\0temporary-" + temporaries
                        : relative(rename.name(), scan.dataset);
                if (rename.code() == Listing.RENAME_FROM) {
                    from = rel;
                } else {
                    if (from != null && rel != null && !from.isEmpty() && !rel.isEmpty()) {
                        at.renames.add(new String[] {from, rel});
                    }
                    from = null;
                }
            }
            String rel = e.rel();
            if (rel.equals(dir)) {
                at.header = member.entry();
                at.listing = listing;
            } else if (rel.equals(parent)) {
                at.parentListing = listing;
            }
            if (!rel.isEmpty() && parentOf(rel).equals(dir)) {
                at.children.put(baseOf(rel), member.entry());
            }
        }
        return at;
    }

    /**
     * One archive read from its start, its members named relative to the dataset (members outside it, absolute or
     * with {@code ..}, are passed over: they are never anything browsed). Read to its end, its SHA-256 is compared
     * with its line in SHA256SUMS.
     */
    private static final class Scan implements Closeable {

        record Entry(TarInput.Member member, String rel) {
        }

        final Path archive;
        final String dataset;
        private final String expectedSha256;
        private final InputStream file;
        private final MessageDigest digest = Checksums.sha256();
        private final InputStream buffered;
        private final InputStream decompressed;
        private final TarInput tar;
        private Entry pushedBack;

        Scan(Path archive, String expectedSha256, String dataset) throws IOException {
            this.archive = archive;
            this.dataset = dataset;
            this.expectedSha256 = expectedSha256;
            this.file = Files.newInputStream(archive);
            try {
                this.buffered = new BufferedInputStream(new DigestInputStream(file, digest), BUFFER);
                this.decompressed = Compressors.decompressing(buffered, archive);
            } catch (IOException | RuntimeException e) {
                file.close();
                throw corrupt(archive, e);
            }
            this.tar = new TarInput(decompressed);
        }

        /** The next member inside the dataset, or null after the last (the archive then checked whole). */
        Entry next() throws IOException {
            if (pushedBack != null) {
                Entry e = pushedBack;
                pushedBack = null;
                return e;
            }
            while (true) {
                TarInput.Member member = tar.next(archive);
                if (member == null) {
                    checkToTheEnd();
                    return null;
                }
                String rel = relative(member.name(), dataset);
                if (rel != null) {
                    return new Entry(member, rel);
                }
            }
        }

        void pushBack(Entry e) {
            pushedBack = e;
        }

        InputStream content() {
            return tar.content();
        }

        private void checkToTheEnd() {
            try {
                decompressed.transferTo(OutputStream.nullOutputStream());
                buffered.transferTo(OutputStream.nullOutputStream());
            } catch (IOException e) {
                throw corrupt(archive, e);
            }
            String actual = Checksums.hex(digest.digest());
            if (expectedSha256 != null && !expectedSha256.equals(actual)) {
                throw new BackupException.CorruptArchive(archive + " does not match its checksum in " + Layout.SUMS
                        + " (expected " + expectedSha256 + ", found " + actual + ")", null);
            }
        }

        @Override
        public void close() throws IOException {
            try {
                tar.close();
            } finally {
                file.close();
            }
        }
    }

    // ---- names and paths ----

    /**
     * A path given by a caller: names as {@link Names#shown} shows them, joined by {@code /}; leading and trailing
     * slashes are ignored, and empty or {@code .} is the dataset's top directory. {@code .}, {@code ..} and empty
     * components are refused.
     */
    static String parsePath(String shownPath) {
        String path = shownPath == null ? "" : shownPath;
        int start = 0;
        int end = path.length();
        while (start < end && path.charAt(start) == '/') {
            start++;
        }
        while (end > start && path.charAt(end - 1) == '/') {
            end--;
        }
        String trimmed = path.substring(start, end);
        if (trimmed.isEmpty() || trimmed.equals(".")) {
            return "";
        }
        String name;
        try {
            name = Names.fromShown(trimmed);
        } catch (IllegalArgumentException e) {
            throw new BackupException.InvalidPath("path '" + shownPath + "': " + e.getMessage());
        }
        for (String part : name.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..") || part.indexOf('\0') >= 0) {
                throw new BackupException.InvalidPath("path '" + shownPath + "' has a component '"
                        + Names.shown(part) + "': a path is names inside the dataset joined by '/', without '.', "
                        + "'..' or empty names");
            }
        }
        return name;
    }

    /** A member name ({@code ./ds/a/b}, {@code ds/a/}) relative to the dataset ({@code a/b}); null when outside. */
    static String relative(String memberName, String dataset) {
        if (memberName.startsWith("/")) {
            return null;
        }
        StringBuilder rel = new StringBuilder();
        boolean top = true;
        for (String part : memberName.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                return null;
            }
            if (top) {
                if (!part.equals(dataset)) {
                    return null;
                }
                top = false;
                continue;
            }
            if (rel.length() > 0) {
                rel.append('/');
            }
            rel.append(part);
        }
        return top ? null : rel.toString();
    }

    /** {@code path} as it was named in the level before the one whose rename records these are. */
    private static String beforeRenames(List<String[]> renames, String path) {
        String mapped = path;
        for (int i = renames.size() - 1; i >= 0; i--) {
            String from = renames.get(i)[0];
            String to = renames.get(i)[1];
            if (mapped.equals(to)) {
                mapped = from;
            } else if (mapped.startsWith(to + "/")) {
                mapped = from + mapped.substring(to.length());
            }
        }
        return mapped;
    }

    private static String parentOf(String rel) {
        int slash = rel.lastIndexOf('/');
        return slash < 0 ? "" : rel.substring(0, slash);
    }

    private static String baseOf(String rel) {
        return rel.substring(rel.lastIndexOf('/') + 1);
    }

    private static String join(String dir, String name) {
        return dir.isEmpty() ? name : dir + "/" + name;
    }

    private static String targetOf(Chain chain, int level, TarInput.Member link) {
        String target = relative(link.linkName(), chain.dataset());
        if (target == null) {
            throw new BackupException.UnsafeMember(chain.archives().get(level).getFileName() + ": member '"
                    + Names.shown(link.name()) + "' links to '" + Names.shown(link.linkName())
                    + "', outside the dataset");
        }
        return target;
    }

    private static long size(TarArchiveEntry header) {
        return header.isSparse() ? header.getRealSize() : header.getSize();
    }

    private static Instant mtime(TarArchiveEntry header) {
        return Instant.ofEpochSecond(header.getLastModifiedTime().toInstant().getEpochSecond());
    }

    private static BackupException notADirectory(Chain chain, String dir, Directory at) {
        if (dir.isEmpty()) {
            return corrupt(chain.archives().get(chain.level()), new IOException("it has no member for the "
                    + "dataset's directory"));
        }
        byte code = at.parentListing == null ? 0 : Listing.Index.of(at.parentListing).code(baseOf(dir));
        if (code == Listing.IN_ARCHIVE || code == Listing.UNCHANGED) {
            return new BackupException.InvalidPath("'" + Names.shown(dir) + "' is not a directory in " + chain
                    + "; read it as a file");
        }
        return new BackupException.NoSuchPath("'" + Names.shown(dir) + "' is not in " + chain);
    }

    private static BackupException inconsistent(Chain chain, int level, String dir, String name, String what) {
        return new BackupException.CorruptArchive(chain.archives().get(level) + ": level " + (level + 1)
                + " of " + chain + " lists '" + Names.shown(join(dir, name)) + "' as unchanged, but level " + level
                + " " + what, null);
    }
}
