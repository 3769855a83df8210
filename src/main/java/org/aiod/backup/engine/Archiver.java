package org.aiod.backup.engine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes one level of a dataset: the tree walk that decides what goes into it, by GNU tar's rules, and the two
 * passes over the tree. The first pass writes every directory's {@code D} member and streams the same records into
 * the new snapshot; the second pass reads that snapshot back and writes the files it marked {@code Y}. Only one
 * directory's listing is held at a time, plus the previous snapshot.
 */
final class Archiver {

    private final String dataset;
    private final Path datasetDir;
    private final SnapshotFile.Snapshot previous;
    private final ProgressListener listener;
    private final FileContent fileContent;
    private final List<String> warnings = new ArrayList<>();
    private final List<NotTaken> notTaken = new ArrayList<>();
    private long notTakenCount;
    private final Map<Long, String> userNames = new HashMap<>();
    private final Map<Long, String> groupNames = new HashMap<>();
    private final Map<String, String> firstNameOfInode = new HashMap<>();
    /** The directories the previous level had under other names, when one has moved; null otherwise. */
    private DirectoryMoves moves;

    private long files;
    private long bytes;
    private long directories;
    private long deleted;
    /** Upper bound of the uncompressed tar stream of this level, summed by pass 1 (see {@link #archiveBound}). */
    private long tarBound = END_OF_ARCHIVE_BOUND;
    /** File members pass 2 will write and their content bytes, as pass 1 saw them: the progress totals. */
    private long filesToWrite;
    private long bytesToWrite;

    /** A tar header block, and the unit every member's data is padded to. */
    private static final int BLOCK = 512;
    /** The two zero blocks that end an archive, padded to a whole record of 20 blocks at most. */
    private static final long END_OF_ARCHIVE_BOUND = 20L * BLOCK;
    /** A name of this many bytes or more no longer fits a header; GNU tar writes an L (or K) member before it. */
    private static final int HEADER_NAME_BYTES = 100;
    /** Bytes per character of a name at most: UTF-8 takes up to 3 per UTF-16 unit, an escaped raw byte 1. */
    private static final int MAX_BYTES_PER_CHAR = 3;

    /**
     * @param previous the previous level's snapshot, or {@code null} for a level 0 (everything is new)
     */
    Archiver(String dataset, Path datasetDir, SnapshotFile.Snapshot previous, FileContent fileContent,
            ProgressListener listener) {
        this.fileContent = fileContent;
        this.dataset = dataset;
        this.datasetDir = datasetDir;
        this.previous = previous;
        this.listener = listener;
    }

    long files() {
        return files;
    }

    long bytes() {
        return bytes;
    }

    long directories() {
        return directories;
    }

    long deleted() {
        return deleted;
    }

    /**
     * After pass 1: an upper bound of the uncompressed tar stream of this level, the directory members pass 1 wrote
     * and the file members pass 2 will write, as the files were when pass 1 looked at them (a file that grows in
     * between is cut at the size pass 2 reads, so it can outgrow this bound only by its growth). Each file member is
     * its header, its content padded to a block and, for a long name or link target, GNU's L/K member; a hard link
     * is counted with its content, since pass 1 does not know which name comes first. The walk already holds every
     * entry's lstat, so the bound costs no system call.
     */
    long archiveBound() {
        return tarBound;
    }

    /** After pass 1: the file members pass 2 will write, as the walk saw them (some may vanish or be unreadable). */
    long filesToWrite() {
        return filesToWrite;
    }

    /**
     * After pass 1: their content bytes at their lstat sizes; a file that changes before it is read changes this, and
     * a second name of a hard link, written as a link, counts its content here too: an estimate.
     */
    long bytesToWrite() {
        return bytesToWrite;
    }

    private static long padded(long bytes) {
        return (bytes + BLOCK - 1) / BLOCK * BLOCK;
    }

    /** The L (or K) member GNU tar writes for a name or link target of {@code chars} characters, at most. */
    private static long longNameBound(long chars) {
        long bytes = chars * MAX_BYTES_PER_CHAR;
        return bytes < HEADER_NAME_BYTES ? 0 : BLOCK + padded(bytes + 1);
    }

    List<String> warnings() {
        return warnings;
    }

    /** Files that could not be read, the first {@link BackupSummary#NOT_TAKEN_KEPT}. */
    List<NotTaken> notTaken() {
        return notTaken;
    }

    long notTakenCount() {
        return notTakenCount;
    }

    /** A directory as read from disk: its own lstat, and each entry's; {@code stat} is null if it vanished. */
    /**
     * One directory as read: its own lstat (null when it is gone), its entries, and why they could not be listed
     * (null when they could).
     */
    private record Scan(FileStat stat, List<String> names, List<FileStat> stats, String unlisted) {
        Scan(FileStat stat, List<String> names, List<FileStat> stats) {
            this(stat, names, stats, null);
        }
    }

    /**
     * Pass 1: every directory, pre-order with sorted names, as a {@code D} member and a snapshot record. The next
     * {@link ReadAhead#DIRECTORIES} directories of the walk are read on other threads while this one writes.
     */
    void writeDirectories(TarOutput tar, SnapshotFile.Writer snapshot) throws IOException {
        moves = previous != null && someDirectoryMoved() ? DirectoryMoves.plan(previous, snapshotName(""),
                findDirectories()) : null;
        Deque<String> pending = new ArrayDeque<>();
        java.util.Map<String, java.util.concurrent.Future<Scan>> ahead = new HashMap<>();
        pending.push("");
        try {
            while (!pending.isEmpty()) {
                String rel = pending.pop();
                Scan scan = take(ahead, rel);
                writeDirectory(tar, snapshot, rel, scan, pending);
                // keep the next directories of the walk being read while this thread writes
                int queued = 0;
                for (String next : pending) {
                    if (queued++ == ReadAhead.DIRECTORIES) {
                        break;
                    }
                    ahead.computeIfAbsent(next, r -> ReadAhead.read(() -> scan(r)));
                }
            }
        } finally {
            ahead.values().forEach(f -> f.cancel(false));
        }
    }

    private Scan take(java.util.Map<String, java.util.concurrent.Future<Scan>> ahead, String rel) throws IOException {
        java.util.concurrent.Future<Scan> future = ahead.remove(rel);
        return future == null ? scan(rel) : await(future);
    }

    /** Reads one directory: safe on any thread, touches no state of the run. */
    private Scan scan(String rel) throws IOException {
        Path dir = rel.isEmpty() ? datasetDir : Names.resolve(datasetDir, rel);
        FileStat stat;
        try {
            stat = FileStat.of(dir);
        } catch (NoSuchFileException e) {
            return new Scan(null, List.of(), List.of());
        }
        if (!stat.isDirectory()) {
            return new Scan(stat, List.of(), List.of());
        }
        List<String> names = new ArrayList<>();
        List<FileStat> stats = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                // the name's exact bytes, which need not be UTF-8 (see Names)
                String name = Names.fileName(entry);
                try {
                    stats.add(FileStat.of(entry));
                    names.add(name);
                } catch (NoSuchFileException e) {
                    // gone before we looked: it simply is not part of this level
                }
            }
        } catch (NoSuchFileException e) {
            return new Scan(null, List.of(), List.of());
        } catch (IOException | java.nio.file.DirectoryIteratorException e) {
            if (rel.isEmpty()) {
                throw e instanceof IOException io ? io : ((java.nio.file.DirectoryIteratorException) e).getCause();
            }
            // below the dataset directory, a directory that cannot be listed is not taken, like an unreadable file
            IOException cause = e instanceof IOException io ? io
                    : ((java.nio.file.DirectoryIteratorException) e).getCause();
            return new Scan(stat, List.of(), List.of(), reason(cause));
        }
        return new Scan(stat, names, stats);
    }

    private void writeDirectory(TarOutput tar, SnapshotFile.Writer snapshot, String rel, Scan scan,
            Deque<String> pending) throws IOException {
        Path dir = rel.isEmpty() ? datasetDir : Names.resolve(datasetDir, rel);
        FileStat stat = scan.stat();
        if (stat == null) {
            if (rel.isEmpty()) {
                throw new NoSuchFileException(dir.toString());
            }
            warn(Names.shown(rel) + ": directory removed before we read it");
            return;
        }
        if (!stat.isDirectory()) {
            warn(Names.shown(rel)
                    + ": directory replaced by another kind of file while being read; not in this level");
            return;
        }
        if (scan.unlisted() != null) {
            // no member and no snapshot record: the restore of this level leaves the directory as an earlier level
            // had it (or absent), and the next level, finding no record, takes it whole once it can be listed
            notTaken(rel + "/", "cannot list the directory: " + scan.unlisted());
            return;
        }
        String snapshotName = snapshotName(rel);
        SnapshotFile.Directory before = previous == null ? null : previous.directories().get(snapshotName);
        if (moves != null && !rel.isEmpty()) {
            // the directory as the previous level had it, under its old name when the rename records move it
            String old = moves.identity(rel);
            before = old == null ? null : previous.directories().get(snapshotName(old));
        }
        // same device and inode: judge entries one by one; otherwise the directory is new (or its move is not
        // recorded) and everything in it goes into this level
        boolean judged = before != null && before.device() == stat.device() && before.inode() == stat.inode();
        Set<String> namesBefore = before == null ? Set.of() : Listing.names(before.listing());

        List<Listing.Item> items = new ArrayList<>();
        List<String> subdirectories = new ArrayList<>();
        int directoryMemberLength = memberName(rel).length();
        for (int i = 0; i < scan.names().size(); i++) {
            String name = scan.names().get(i);
            FileStat child = scan.stats().get(i);
            if (child.isDirectory()) {
                items.add(new Listing.Item(Listing.DIRECTORY, name));
                subdirectories.add(name);
            } else if (child.isRegular() || child.isSymlink()) {
                boolean unchanged = judged && namesBefore.contains(name) && child.unchangedSince(previous.time());
                items.add(new Listing.Item(unchanged ? Listing.UNCHANGED : Listing.IN_ARCHIVE, name));
                if (!unchanged) {
                    // the member name is the directory's, '/', the entry's: no string built per file
                    long member = BLOCK + longNameBound(directoryMemberLength + 1 + name.length());
                    // a symlink's lstat size is the length of its target, which may need a K member
                    tarBound += member + (child.isSymlink() ? longNameBound(child.size()) : padded(child.size()));
                    filesToWrite++;
                    bytesToWrite += child.isSymlink() ? 0 : child.size();
                }
            } else {
                warn(Names.shown(join(rel, name)) + ": socket, FIFO or device file skipped");
            }
        }
        items.sort((a, b) -> Listing.NAME_ORDER.compare(a.name(), b.name()));
        if (before != null) {
            Set<String> namesNow = new java.util.HashSet<>();
            items.forEach(item -> namesNow.add(item.name()));
            deleted += namesBefore.stream().filter(name -> !namesNow.contains(name)).count();
        }
        byte[] listing = Listing.encode(items);
        // the rename records go into the top directory's member only, never into the snapshot (as GNU tar does)
        byte[] member = rel.isEmpty() && moves != null ? moves.appendTo(listing, snapshotName("")) : listing;
        tarBound += BLOCK + longNameBound(directoryMemberLength + 1) + padded(member.length);
        tar.dumpDir(memberName(rel) + "/", stat.permissions(), owner(stat, dir), stat.mtimeSeconds(), member);
        snapshot.write(new SnapshotFile.Directory(false, stat.mtime().getEpochSecond(), stat.mtime().getNano(),
                stat.device(), stat.inode(), snapshotName, listing));
        directories++;
        subdirectories.sort(Listing.NAME_ORDER.reversed());
        for (String sub : subdirectories) {
            pending.push(join(rel, sub));
        }
    }

    /**
     * Whether a directory of the previous level is no longer at its name with its device and inode: only then can
     * one have moved, and only then are the directories found ahead of the walk ({@link #findDirectories}). One
     * lstat per directory of the previous level.
     */
    private boolean someDirectoryMoved() throws IOException {
        String prefix = snapshotName("");
        for (SnapshotFile.Directory d : previous.directories().values()) {
            if (d.name().equals(prefix)) {
                continue;
            }
            if (!d.name().startsWith(prefix + "/")) {
                continue;
            }
            try {
                FileStat stat = FileStat.of(Names.resolve(datasetDir, d.name().substring(prefix.length() + 1)));
                if (!stat.isDirectory() || stat.device() != d.device() || stat.inode() != d.inode()) {
                    return true;
                }
            } catch (IOException e) {
                return true; // gone, or a file now stands on its path ("Not a directory")
            }
        }
        return false;
    }

    /**
     * Every directory of the dataset, pre-order, with its device and inode: the rename records go into the top
     * directory's member, the first of the archive, so where every directory is must be known before it is
     * written. A directory that cannot be listed is passed over here (the walk reports it).
     */
    private List<DirectoryMoves.Found> findDirectories() throws IOException {
        List<DirectoryMoves.Found> found = new ArrayList<>();
        Deque<String> pending = new ArrayDeque<>();
        pending.push("");
        while (!pending.isEmpty()) {
            String rel = pending.pop();
            Path dir = rel.isEmpty() ? datasetDir : Names.resolve(datasetDir, rel);
            FileStat stat;
            try {
                stat = FileStat.of(dir);
            } catch (IOException e) {
                continue; // gone or replaced since it was listed: the walk sees what is there
            }
            if (!stat.isDirectory()) {
                continue;
            }
            found.add(new DirectoryMoves.Found(rel, stat.device(), stat.inode()));
            List<String> subdirectories = new ArrayList<>();
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                for (Path entry : entries) {
                    try {
                        if (FileStat.of(entry).isDirectory()) {
                            subdirectories.add(Names.fileName(entry));
                        }
                    } catch (IOException e) {
                        // gone, or unreadable: the walk reports what it finds there
                    }
                }
            } catch (IOException | java.nio.file.DirectoryIteratorException e) {
                continue;
            }
            subdirectories.sort(Listing.NAME_ORDER.reversed());
            for (String sub : subdirectories) {
                pending.push(join(rel, sub));
            }
        }
        return found;
    }

    /**
     * A file of the file pass, looked at ahead of its turn: its lstat and, when small, its content, the first
     * {@code length} bytes of {@code content} (a buffer of {@link #smallFileBuffers}, given back once written).
     */
    private record Prepared(Path path, String rel, FileStat stat, String linkTarget, byte[] content, int length,
            boolean changedWhileRead, String unreadable) {
        boolean vanished() {
            return stat == null;
        }
    }

    /**
     * The buffers small files are read into ahead of their turn, reused: as many as can be in flight, plus the
     * threads' own. A new array per file is a gigabyte of fresh heap for a gigabyte of small files; its zeroing and
     * first-touch page faults were the largest share of the reading threads' time (JFR, level 0 zstd of the
     * benchmark's mixed dataset). Allocated on first need and never more than this many at once.
     */
    private final java.util.concurrent.ArrayBlockingQueue<byte[]> smallFileBuffers =
            new java.util.concurrent.ArrayBlockingQueue<>(ReadAhead.FILES + ReadAhead.SCANNER_THREADS + 1);

    private byte[] smallFileBuffer() {
        byte[] buffer = smallFileBuffers.poll();
        return buffer != null ? buffer : new byte[ReadAhead.SMALL_FILE + 1];
    }

    /**
     * Pass 2: the files marked {@code Y} by pass 1, directory by directory, read back from the new snapshot. Files
     * are looked at up to {@link ReadAhead#FILES} ahead on other threads, small ones ({@link ReadAhead#SMALL_FILE})
     * read whole (opening and reading thousands of small files is system calls other cores can make); larger ones
     * are streamed when written. All are written here, in order.
     */
    void writeFiles(TarOutput tar, SnapshotFile.Reader snapshot) throws IOException {
        SnapshotFile.Directory record;
        String prefix = snapshotName("");
        ArrayDeque<java.util.concurrent.Future<Prepared>> ahead = new ArrayDeque<>();
        try {
            while ((record = snapshot.next()) != null) {
                String rel = record.name().equals(prefix) ? "" : record.name().substring(prefix.length() + 1);
                Path dir = rel.isEmpty() ? datasetDir : Names.resolve(datasetDir, rel);
                for (String name : Listing.namesCoded(record.listing(), Listing.IN_ARCHIVE)) {
                    Path path = Names.resolve(dir, name);
                    String fileRel = join(rel, name);
                    ahead.add(ReadAhead.read(() -> prepare(path, fileRel)));
                    if (ahead.size() >= ReadAhead.FILES) {
                        writeEntry(tar, await(ahead.poll()));
                    }
                }
            }
            while (!ahead.isEmpty()) {
                writeEntry(tar, await(ahead.poll()));
            }
        } finally {
            ahead.forEach(f -> f.cancel(false));
        }
    }

    /** Looks at one file; safe on any thread, touches no state of the run. */
    private Prepared prepare(Path path, String rel) throws IOException {
        FileStat stat;
        try {
            stat = FileStat.of(path);
            if (stat.isSymlink()) {
                return new Prepared(path, rel, stat, Names.pathName(Files.readSymbolicLink(path)), null, 0, false,
                        null);
            }
            if (!stat.isRegular() || stat.size() > ReadAhead.SMALL_FILE || stat.links() > 1) {
                return new Prepared(path, rel, stat, null, null, 0, false, null);
            }
            byte[] content = smallFileBuffer();
            int length;
            try (InputStream in = fileContent.open(path)) {
                // the lstat size and one byte more, to see a file that grew while read
                int size = (int) stat.size();
                length = in.readNBytes(content, 0, size);
                if (length == size && in.read() >= 0) {
                    length = size + 1; // grew: longer than its lstat size
                }
            } catch (NoSuchFileException e) {
                smallFileBuffers.offer(content);
                throw e;
            } catch (IOException e) {
                smallFileBuffers.offer(content);
                return new Prepared(path, rel, stat, null, null, 0, false, reason(e));
            }
            boolean changed = length != stat.size() || !FileStat.of(path).mtime().equals(stat.mtime());
            return new Prepared(path, rel, stat, null, content, length, changed, null);
        } catch (NoSuchFileException e) {
            return new Prepared(path, rel, null, null, null, 0, false, null);
        }
    }

    /** The result of work done ahead on another thread, with its I/O failure rethrown as is. */
    private static <T> T await(java.util.concurrent.Future<T> future) throws IOException {
        return ReadAhead.await(future, "reading the dataset");
    }

    private void writeEntry(TarOutput tar, Prepared file) throws IOException {
        String rel = file.rel();
        String shown = Names.shown(rel);
        Path path = file.path();
        FileStat stat = file.stat();
        if (file.vanished()) {
            warn(shown + ": file removed before we read it");
            return;
        }
        String member = memberName(rel);
        if (stat.isSymlink()) {
            tar.symlink(member, stat.permissions(), owner(stat, path), stat.mtimeSeconds(), file.linkTarget());
            files++;
            listener.file(shown, 0);
            return;
        }
        if (!stat.isRegular()) {
            warn(shown + ": changed type while being backed up; not in this level");
            return;
        }
        if (file.unreadable() != null) {
            notTaken(rel, file.unreadable());
            return;
        }
        String inodeKey = null;
        if (stat.links() > 1) {
            inodeKey = stat.device() + ":" + stat.inode();
            String first = firstNameOfInode.get(inodeKey);
            if (first != null) {
                tar.hardLink(member, stat.permissions(), owner(stat, path), stat.mtimeSeconds(), first);
                files++;
                listener.file(shown, 0);
                return;
            }
        }
        long result;
        ReadFailureAsEnd guarded = null;
        if (file.content() != null) {
            result = tar.file(member, stat.permissions(), owner(stat, path), stat.mtimeSeconds(), stat.size(),
                    file.content(), file.length());
            smallFileBuffers.offer(file.content()); // written: the bytes are in the archive's stream
        } else {
            InputStream content;
            try {
                content = fileContent.open(path);
            } catch (NoSuchFileException e) {
                warn(shown + ": file removed before we read it");
                return;
            } catch (IOException e) {
                notTaken(rel, reason(e));
                return;
            }
            guarded = new ReadFailureAsEnd(content);
            try (InputStream in = guarded) {
                result = tar.file(member, stat.permissions(), owner(stat, path), stat.mtimeSeconds(), stat.size(),
                        in);
            }
        }
        if (inodeKey != null) {
            firstNameOfInode.put(inodeKey, member);
        }
        files++;
        bytes += stat.size();
        listener.file(shown, stat.size());
        if (guarded != null && guarded.failure != null) {
            // the header was out already: the member keeps its size, padded with zeros, as GNU tar does
            notTaken(rel, "read failed after " + guarded.read + " bytes (" + reason(guarded.failure)
                    + "); the rest of the member is zeros");
        } else if (result > 0) {
            warn(shown + ": file changed as we read it (shrank by " + result + " bytes; padded with zeros)");
        } else if (result < 0) {
            warn(shown + ": file changed as we read it (grew; only the first " + stat.size() + " bytes archived)");
        } else if (file.content() != null) {
            if (file.changedWhileRead()) {
                warn(shown + ": file changed as we read it");
            }
        } else {
            try {
                if (!FileStat.of(path).mtime().equals(stat.mtime())) {
                    warn(shown + ": file changed as we read it");
                }
            } catch (NoSuchFileException e) {
                warn(shown + ": file removed while we read it");
            }
        }
    }

    private TarOutput.Owner owner(FileStat stat, Path path) {
        String user = userNames.computeIfAbsent(stat.uid(), uid -> principalName(path, true, uid));
        String group = groupNames.computeIfAbsent(stat.gid(), gid -> principalName(path, false, gid));
        return new TarOutput.Owner(stat.uid(), stat.gid(), user, group);
    }

    /** The user or group name GNU tar would record; empty when the id has no name on this system. */
    private static String principalName(Path path, boolean user, long id) {
        try {
            String name = user
                    ? Files.getOwner(path, LinkOption.NOFOLLOW_LINKS).getName()
                    : Files.readAttributes(path, java.nio.file.attribute.PosixFileAttributes.class,
                            LinkOption.NOFOLLOW_LINKS).group().getName();
            return name.equals(Long.toString(id)) ? "" : name;
        } catch (IOException | UnsupportedOperationException e) {
            return "";
        }
    }

    /** Reads a file's content; a read that fails ends the content, and the failure is kept for the summary. */
    private static final class ReadFailureAsEnd extends java.io.FilterInputStream {
        IOException failure;
        long read;

        ReadFailureAsEnd(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (failure != null) {
                return -1;
            }
            try {
                int n = super.read(b, off, len);
                if (n > 0) {
                    read += n;
                }
                return n;
            } catch (java.io.InterruptedIOException e) {
                throw e;
            } catch (IOException e) {
                failure = e;
                return -1;
            }
        }
    }

    /** What the operating system said about a file that could not be opened or read. */
    private static String reason(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        return String.valueOf(e.getMessage());
    }

    private void notTaken(String rel, String reason) {
        notTakenCount++;
        if (notTaken.size() < BackupSummary.NOT_TAKEN_KEPT) {
            // shown escaped, as every name that reaches people (see Names)
            notTaken.add(new NotTaken(Names.shown(rel), reason));
        }
        listener.warning(Names.shown(rel) + ": not taken: " + reason);
    }

    private void warn(String message) {
        warnings.add(message);
        listener.warning(message);
    }

    private String snapshotName(String rel) {
        return rel.isEmpty() ? "./" + dataset : "./" + dataset + "/" + rel;
    }

    private String memberName(String rel) {
        return snapshotName(rel);
    }

    private static String join(String rel, String name) {
        return rel.isEmpty() ? name : rel + "/" + name;
    }

}
