package org.aiod.backup.engine;

import static org.aiod.backup.engine.TarInput.corrupt;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveStructSparse;

/**
 * Applies levels, in order, to a staging directory with GNU tar's incremental semantics: at each {@code D} member
 * the directory is made to hold exactly the names of its listing. Every member path is checked to stay inside the
 * dataset and never to pass through a symlink; every archive's SHA-256 is computed as it is read and compared
 * with {@code SHA256SUMS} once it has been read to the end.
 */
final class Restorer {

    /** A directory's attributes, applied once all levels are in, deepest first, as GNU tar delays them too. */
    record DirectoryAttributes(String rel, int mode, long uid, long gid, long mtimeSeconds) {
    }

    private static final int BUFFER = 1 << 16;

    private final String dataset;
    private final Path staging;
    private final boolean restoreOwners;
    private final ProgressListener listener;
    private final List<String> warnings = new ArrayList<>();
    private final byte[] buffer = new byte[BUFFER];
    private static final int UNKNOWN_MODE = -1;
    private static final int KEEP_MODE = -2;
    private final int newFileMode;
    private final boolean createdAsRootRoot;
    /** Writes small files of the first level on other threads; null when the machine has one core. */
    private final FileWriters writers = FileWriters.forThisMachine();
    private boolean firstArchive = true;
    private final int newDirectoryMode;
    private List<DirectoryAttributes> directories = new ArrayList<>();
    private String safeParent;
    /** Where the rename records of a cycle (with an X record) in the archive being applied moved directories to. */
    private final java.util.Set<String> renameTargets = new java.util.HashSet<>();
    /** The member being applied, for messages. */
    private String currentMember = "";
    private long files;
    private long bytes;
    private long deleted;

    Restorer(String dataset, Path staging, boolean restoreOwners, ProgressListener listener) throws IOException {
        // a file is created with 0666 less the umask, like the staging directory with 0777 less it: a member whose
        // mode is that needs no chmod (the common case, and one system call less per file)
        int stagingMode = (Integer) Files.getAttribute(staging, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        int umask = ~stagingMode & 0777;
        this.newFileMode = 0666 & ~umask;
        // a file created by root is owned by root:root unless a set-group-id directory hands down its group
        this.createdAsRootRoot = restoreOwners && (stagingMode & 02000) == 0;
        this.newDirectoryMode = 0777 & ~umask;
        this.dataset = dataset;
        this.staging = staging;
        this.restoreOwners = restoreOwners;
        this.listener = listener;
    }

    long files() {
        return files;
    }

    long bytes() {
        return bytes;
    }

    long deleted() {
        return deleted;
    }

    List<String> warnings() {
        return warnings;
    }

    /**
     * Applies one archive. {@code expectedSha256} is its line in SHA256SUMS, or {@code null} when it has none.
     *
     * @throws BackupException.CorruptArchive if it cannot be read to the end or does not match its checksum
     * @throws BackupException.UnsafeMember   if a member would land outside the dataset
     */
    void apply(Path archive, String expectedSha256) throws IOException {
        directories = new ArrayList<>();
        renameTargets.clear();
        safeParent = null;
        try (InflatingReadAhead input = InflatingReadAhead.open(archive, listener)) {
            try {
                input.requireOpened();
            } catch (IOException e) {
                throw corrupt(archive, e);
            }
            try {
                applyMembers(archive, input.stream());
            } catch (BackupException | IOException e) {
                // a damaged archive can still inflate into plausible but wrong headers: when the archive does not
                // match its checksum, that is the error to report, whatever the member it led to
                if (expectedSha256 != null) {
                    try {
                        input.drainForChecksum();
                    } catch (IOException unreadable) {
                        e.addSuppressed(unreadable);
                    }
                    byte[] digest = input.sha256();
                    String actual = digest == null ? null : Checksums.hex(digest);
                    if (actual != null && !expectedSha256.equals(actual)) {
                        throw new BackupException.CorruptArchive(archive + " does not match its checksum in "
                                + Layout.SUMS + " (expected " + expectedSha256 + ", found " + actual + ")", e);
                    }
                }
                if (e instanceof BackupException.UnsafeMember unsafe) {
                    throw new BackupException.UnsafeMember(archive.getFileName() + ": " + unsafe.getMessage());
                }
                throw e;
            }
            firstArchive = false;
            String actual = Checksums.hex(input.sha256());
            if (expectedSha256 == null) {
                warn(archive.getFileName() + ": no checksum in " + Layout.SUMS + "; verified by its "
                        + (Compression.ofArchive(archive.getFileName().toString()) == Compression.GZIP ? "gzip CRC"
                                : "zstd frame checksum") + " only");
            } else if (!expectedSha256.equals(actual)) {
                throw new BackupException.CorruptArchive(archive + " does not match its checksum in " + Layout.SUMS
                        + " (expected " + expectedSha256 + ", found " + actual + ")", null);
            }
        }
    }

    /** Applies every member, then reads the compressed stream and the file to their ends. */
    private void applyMembers(Path archive, InputStream decompressed) throws IOException {
        TarInput tar = new TarInput(decompressed);
        boolean complete = false;
        try {
            while (true) {
                TarInput.Member member = tar.next(archive);
                if (member == null) {
                    break;
                }
                if (member.kind() != TarInput.Kind.FILE) {
                    writers.awaitAll();
                }
                apply(archive, member, tar);
            }
            writers.awaitAll();
            complete = true;
        } finally {
            if (!complete) {
                // the caller deletes the staging directory next: no write may still be going on in it
                try {
                    writers.awaitAll();
                } catch (IOException | RuntimeException suppressed) {
                    // the failure being thrown is the one to report
                }
            }
        }
        try {
            // the rest of the decompressed stream: its CRC (or zstd checksum) is checked at its end, and the file read
            // to its end for the SHA-256
            decompressed.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw corrupt(archive, e);
        }
    }

    /** Sets the attributes of every directory of the last level applied, deepest first; returns the root's. */
    DirectoryAttributes finishDirectories() throws IOException {
        directories.sort(Comparator.comparingInt((DirectoryAttributes d) -> depth(d.rel())).reversed());
        DirectoryAttributes root = null;
        for (DirectoryAttributes d : directories) {
            if (d.rel().isEmpty()) {
                root = d;
                continue;
            }
            Path dir = Names.resolve(staging, d.rel());
            if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                setAttributes(dir, d.mode(), d.uid(), d.gid(), d.mtimeSeconds(), newDirectoryMode);
            }
        }
        return root;
    }

    /** Applies a directory's recorded attributes to {@code dir} (the dataset directory, after the swap). */
    void setDirectoryAttributes(Path dir, DirectoryAttributes d) throws IOException {
        setAttributes(dir, d.mode(), d.uid(), d.gid(), d.mtimeSeconds(), UNKNOWN_MODE);
    }

    private void apply(Path archive, TarInput.Member member, TarInput tar) throws IOException {
        TarArchiveEntry entry = member.entry();
        String rel = relativePath(member.name(), member.name());
        if (rel.isEmpty() && member.kind() != TarInput.Kind.DUMPDIR && member.kind() != TarInput.Kind.DIRECTORY) {
            throw new BackupException.UnsafeMember("member '" + Names.shown(member.name())
                    + "' would replace the dataset directory with something that is not a directory");
        }
        currentMember = member.name();
        switch (member.kind()) {
            case DUMPDIR -> {
                Path dir = directory(rel);
                applyListing(archive, rel, dir, member.listing());
                directories.add(new DirectoryAttributes(rel, entry.getMode(), entry.getLongUserId(),
                        entry.getLongGroupId(), modTimeSeconds(entry)));
            }
            case DIRECTORY -> {
                directory(rel);
                directories.add(new DirectoryAttributes(rel, entry.getMode(), entry.getLongUserId(),
                        entry.getLongGroupId(), modTimeSeconds(entry)));
            }
            case FILE -> extractFile(archive, rel, entry, tar.content());
            case SYMLINK -> {
                Path path = replaceable(rel);
                Files.createSymbolicLink(path, Names.path(member.linkName()));
                safeParent = null; // a symlink may now stand where a directory was expected
                setAttributes(path, entry.getMode(), entry.getLongUserId(), entry.getLongGroupId(),
                        modTimeSeconds(entry), KEEP_MODE);
                files++;
                listener.file(Names.shown(rel), 0);
            }
            case HARDLINK -> {
                String targetRel = relativePath(member.linkName(), member.name());
                Path target = Names.resolve(staging, targetRel);
                checkParent(targetRel);
                if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
                    throw new BackupException.UnsafeMember("member '" + Names.shown(member.name()) + "' links to '"
                            + Names.shown(member.linkName()) + "', which is not a regular file extracted before it");
                }
                Path path = replaceable(rel);
                Files.createLink(path, target);
                files++;
                listener.file(Names.shown(rel), 0);
            }
            case OTHER -> warn(Names.shown(member.name()) + ": special file (type '" + (char) entry.getLinkFlag()
                    + "') not restored");
        }
    }

    private void extractFile(Path archive, String rel, TarArchiveEntry entry, InputStream content)
            throws IOException {
        checkParent(rel);
        Path path = Names.resolve(staging, rel);
        String shownName = Names.shown(currentMember);
        long size = entry.isSparse() ? entry.getRealSize() : entry.getSize();
        if (firstArchive && writers.takes(size)) {
            // level 0 into an empty staging directory: nothing can stand in the way, so the file can be written
            // on another thread while the next members are read; a name that does exist is a duplicate member
            FileWriters.Room room = writers.room((int) size);
            readMember(archive, entry, content, room.array(), room.offset(), (int) size);
            int mode = entry.getMode();
            long uid = entry.getLongUserId();
            long gid = entry.getLongGroupId();
            long mtime = modTimeSeconds(entry);
            Path target = path;
            writers.submit(() -> {
                try (FileChannel channel = FileChannel.open(target, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                    HoleWriter out = new HoleWriter(channel);
                    out.write(room.array(), room.offset(), (int) size);
                    out.finish();
                } catch (FileAlreadyExistsException e) {
                    throw new BackupException.CorruptArchive(archive + " holds member " + shownName
                            + " twice", e);
                }
                setAttributes(target, mode, uid, gid, mtime, newFileMode);
                return null;
            }, size);
            files++;
            bytes += size;
            listener.file(Names.shown(rel), size);
            return;
        }
        FileChannel created;
        try {
            // the common case, a name not yet there, costs no look-up; O_EXCL never follows a symlink
            created = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS);
        } catch (FileAlreadyExistsException e) {
            if (firstArchive) {
                // the staging directory started empty: the archive names this file twice
                throw new BackupException.CorruptArchive(archive + " holds member " + shownName + " twice", e);
            }
            path = replaceable(rel);
            created = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS);
        }
        try (FileChannel channel = created) {
            HoleWriter out = new HoleWriter(channel);
            List<TarArchiveStructSparse> regions = entry.isSparse() ? sparseMap(archive, entry) : List.of();
            if (regions.isEmpty()) {
                copy(archive, entry, content, out, Long.MAX_VALUE);
            } else {
                // the data regions only: the holes between them are skipped, never produced as zeros
                for (TarArchiveStructSparse region : regions) {
                    long hole = region.getOffset() - out.position();
                    skip(archive, entry, content, hole);
                    out.skip(hole);
                    if (copy(archive, entry, content, out, region.getNumbytes()) != region.getNumbytes()) {
                        throw corrupt(archive, new IOException("sparse member " + Names.shown(Names.fromLatin1(entry.getName()))
                                + " ends inside its data region at offset " + region.getOffset()));
                    }
                }
                out.skip(size - out.position());
            }
            if (out.position() != size) {
                throw corrupt(archive, new IOException("member " + shownName + " has " + out.position()
                        + " bytes, its header says " + size));
            }
            out.finish();
        }
        setAttributes(path, entry.getMode(), entry.getLongUserId(), entry.getLongGroupId(), modTimeSeconds(entry),
                newFileMode);
        files++;
        bytes += size;
        listener.file(Names.shown(rel), size);
    }

    /** Copies up to {@code limit} bytes of content; returns how many there were. */
    private long copy(Path archive, TarArchiveEntry entry, InputStream content, HoleWriter out, long limit)
            throws IOException {
        long copied = 0;
        while (copied < limit) {
            int n;
            try {
                // whole buffers, so that blocks of zeros are seen aligned
                n = content.readNBytes(buffer, 0, (int) Math.min(buffer.length, limit - copied));
            } catch (IOException | RuntimeException e) {
                throw corrupt(archive, e);
            }
            if (n == 0) {
                break;
            }
            out.write(buffer, 0, n);
            copied += n;
        }
        return copied;
    }

    private void skip(Path archive, TarArchiveEntry entry, InputStream content, long length) throws IOException {
        long left = length;
        try {
            while (left > 0) {
                long skipped = content.skip(left);
                if (skipped <= 0) {
                    break;
                }
                left -= skipped;
            }
        } catch (IOException | RuntimeException e) {
            throw corrupt(archive, e);
        }
        if (left > 0) {
            throw corrupt(archive, new IOException("sparse member " + Names.shown(Names.fromLatin1(entry.getName())) + " ends inside a hole"));
        }
    }

    /** The data regions of a sparse member, in order, checked to lie within its size. */
    private static List<TarArchiveStructSparse> sparseMap(Path archive, TarArchiveEntry entry) throws IOException {
        List<TarArchiveStructSparse> regions;
        try {
            regions = entry.getOrderedSparseHeaders();
        } catch (IOException | RuntimeException e) {
            throw corrupt(archive, e);
        }
        long end = 0;
        for (TarArchiveStructSparse region : regions) {
            if (region.getOffset() < end || region.getNumbytes() > entry.getRealSize() - region.getOffset()) {
                throw corrupt(archive, new IOException("sparse member " + Names.shown(Names.fromLatin1(entry.getName())) + " has a data region ("
                        + region.getOffset() + ", " + region.getNumbytes() + " bytes) outside its size "
                        + entry.getRealSize() + " or out of order"));
            }
            end = region.getOffset() + region.getNumbytes();
        }
        return regions;
    }

    /** Reads a member of {@code size} bytes into {@code into} from {@code offset}; more or fewer is corruption. */
    private void readMember(Path archive, TarArchiveEntry entry, InputStream content, byte[] into, int offset,
            int size) throws IOException {
        try {
            if (content.readNBytes(into, offset, size) != size || content.read() >= 0) {
                throw new IOException("member " + Names.shown(currentMember) + " does not have the " + size
                        + " bytes its header says");
            }
        } catch (IOException | RuntimeException e) {
            throw corrupt(archive, e);
        }
    }

    /**
     * GNU tar's rules at a {@code D} member: rename records first, then delete every entry whose name is not in
     * the listing, is listed as a directory but is not one, or is listed as in-archive but is a directory.
     */
    private void applyListing(Path archive, String rel, Path dir, byte[] listing) throws IOException {
        applyRenames(archive, listing);
        if (RenameRecords.isUnder(rel, renameTargets)) {
            // what the records of a cycle moved here must hold every entry the listing says is unchanged: one
            // missing means they did not put back what they moved (GNU tar 1.34 writes some cycles twice). Only
            // cycles (X records): elsewhere an unchanged entry may be missing for a reason the archive knows of (a
            // file that could not be read at the level before, see "Files that cannot be read")
            for (String name : Listing.namesCoded(listing, Listing.UNCHANGED)) {
                if (!Files.exists(Names.resolve(dir, name), LinkOption.NOFOLLOW_LINKS)) {
                    throw RenameRecords.unchangedMissing(archive, currentMember, name);
                }
            }
        }
        Listing.Index codes = Listing.Index.of(listing);
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String name = Names.fileName(entry);
                byte code = codes.code(name);
                boolean isDirectory = Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS);
                if (code == 0 || code == Listing.DIRECTORY && !isDirectory
                        || code == Listing.IN_ARCHIVE && isDirectory) {
                    FileOps.deleteRecursively(entry);
                    deleted++;
                    safeParent = null;
                }
            }
        }
    }

    /**
     * The rename records of a listing, in order, as GNU tar applies them: each a rename(2) of one path to another
     * inside the staging directory, the target's missing parents created. A record that cannot be applied (its
     * source missing, its target there and not an empty directory, the temporary directory left holding what was
     * moved into it) fails the restore: the levels after it would silently lose what it moves.
     */
    private void applyRenames(Path archive, byte[] listing) throws IOException {
        List<RenameRecords.Step> steps = RenameRecords.of(dataset, listing, currentMember, archive);
        if (steps.isEmpty()) {
            return;
        }
        Path temporary = null;
        boolean cycle = steps.stream().anyMatch(RenameRecords.Step::makesTemporary);
        for (RenameRecords.Step step : steps) {
            if (step.makesTemporary()) {
                requireTemporaryGone(archive, temporary);
                Path parent = step.temporaryIn().isEmpty() ? staging
                        : renamePath(archive, step.temporaryIn(), null, step.temporaryIn(), false);
                if (!Files.isDirectory(parent, LinkOption.NOFOLLOW_LINKS)) {
                    throw RenameRecords.notApplicable(archive, currentMember, null, null, "the directory '"
                            + Names.shown(step.temporaryIn()) + "' for its temporary directory does not exist", null);
                }
                temporary = Files.createTempDirectory(parent, ".aiod-rename-");
                continue;
            }
            String from = step.from();
            String to = step.to();
            Path source = from == null ? temporary : renamePath(archive, from, from, to, false);
            Path target = to == null ? temporary : renamePath(archive, to, from, to, true);
            if (!Files.exists(source, LinkOption.NOFOLLOW_LINKS)) {
                throw RenameRecords.notApplicable(archive, currentMember, from, to, "its source is missing", null);
            }
            if (to != null && from != null && to.startsWith(from + "/")) {
                throw RenameRecords.notApplicable(archive, currentMember, from, to,
                        "its target lies inside its source", null);
            }
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                // rename(2) replaces an empty directory with a directory, and nothing else
                if (!Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS) || !isEmptyDirectory(target)) {
                    throw RenameRecords.notApplicable(archive, currentMember, from, to,
                            "its target exists and is not an empty directory", null);
                }
                Files.delete(target);
            }
            try {
                Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw RenameRecords.notApplicable(archive, currentMember, from, to, e.toString(), e);
            }
            if (to != null && cycle) {
                renameTargets.add(to);
            }
            safeParent = null;
        }
        requireTemporaryGone(archive, temporary);
    }

    /** A temporary directory of rename records must end empty (then it is removed) or moved away. */
    private void requireTemporaryGone(Path archive, Path temporary) throws IOException {
        if (temporary == null || !Files.exists(temporary, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!isEmptyDirectory(temporary)) {
            throw RenameRecords.notApplicable(archive, currentMember, null, null,
                    "what the records moved into the temporary directory is never moved out of it", null);
        }
        Files.delete(temporary);
    }

    private static boolean isEmptyDirectory(Path path) throws IOException {
        if (!Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(path)) {
            return !entries.iterator().hasNext();
        }
    }

    /**
     * The path in the staging directory of {@code rel}, a name of a rename record: no directory on the way may be a
     * symlink ({@code UNSAFE_MEMBER}); a missing one is created for a target, as GNU tar creates it, and makes a
     * source missing; any other file on the way makes the record inapplicable.
     */
    private Path renamePath(Path archive, String rel, String from, String to, boolean target) throws IOException {
        Path current = staging;
        String[] parts = rel.split("/");
        for (int i = 0; i < parts.length - 1; i++) {
            current = Names.resolve(current, parts[i]);
            if (Files.isSymbolicLink(current)) {
                throw new BackupException.UnsafeMember("member '" + Names.shown(currentMember)
                        + "': rename record '" + Names.shown(rel) + "' would pass through the symlink '"
                        + Names.shown(String.join("/", java.util.Arrays.copyOf(parts, i + 1))) + "'");
            }
            if (!Files.exists(current, LinkOption.NOFOLLOW_LINKS) && target) {
                Files.createDirectory(current);
                safeParent = null;
            } else if (!Files.isDirectory(current, LinkOption.NOFOLLOW_LINKS)) {
                throw RenameRecords.notApplicable(archive, currentMember, from, to, "'"
                        + Names.shown(String.join("/", java.util.Arrays.copyOf(parts, i + 1)))
                        + "' is not a directory", null);
            }
        }
        return Names.resolve(current, parts[parts.length - 1]);
    }

    /** Makes {@code rel} a real directory (creating it, or replacing what else stands there). */
    private Path directory(String rel) throws IOException {
        if (rel.isEmpty()) {
            return staging;
        }
        checkParent(rel);
        Path dir = Names.resolve(staging, rel);
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                Files.delete(dir);
                safeParent = null;
            }
            Files.createDirectory(dir);
        }
        return dir;
    }

    /** The path for a new non-directory member, with whatever stood there removed (links are never followed). */
    private Path replaceable(String rel) throws IOException {
        checkParent(rel);
        Path path = Names.resolve(staging, rel);
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            FileOps.deleteRecursively(path);
            safeParent = null;
        } else {
            Files.deleteIfExists(path);
        }
        return path;
    }

    /**
     * Every directory between the staging root and {@code rel}'s parent must be a real directory: a symlink there
     * would carry the member outside the dataset. Missing directories (archives without {@code D} members for
     * them) are created. The last parent checked is remembered, as members come directory by directory.
     */
    private void checkParent(String rel) throws IOException {
        int slash = rel.lastIndexOf('/');
        String parent = slash < 0 ? "" : rel.substring(0, slash);
        if (parent.isEmpty() || parent.equals(safeParent)) {
            return;
        }
        Path current = staging;
        int end = 0;
        for (String part : parent.split("/")) {
            current = Names.resolve(current, part);
            end += (end == 0 ? 0 : 1) + part.length();
            if (Files.isSymbolicLink(current)) {
                throw new BackupException.UnsafeMember("member '" + Names.shown(currentMember)
                        + "' would be written through the symlink '" + Names.shown(parent.substring(0, end)) + "'");
            }
            if (!Files.isDirectory(current, LinkOption.NOFOLLOW_LINKS)) {
                if (Files.exists(current, LinkOption.NOFOLLOW_LINKS)) {
                    Files.delete(current);
                }
                Files.createDirectory(current);
            }
        }
        safeParent = parent;
    }

    /**
     * A path named in {@code member} (its name, link target or rename record) relative to the dataset: it must be
     * {@code ./<dataset>} or below it, without {@code ..}, never absolute.
     */
    String relativePath(String path, String member) {
        return relativePath(dataset, path, member);
    }

    /** {@link #relativePath(String, String)} of a member of {@code dataset}'s archives; {@link RestorePlanner} too. */
    static String relativePath(String dataset, String path, String member) {
        String what = path.equals(member) ? "member '" + Names.shown(member) + "'"
                : "member '" + Names.shown(member) + "' names '" + Names.shown(path) + "', which";
        if (path.startsWith("/")) {
            throw new BackupException.UnsafeMember(what + " is an absolute path");
        }
        String[] parts = path.split("/");
        StringBuilder rel = new StringBuilder();
        boolean first = true;
        for (String part : parts) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                throw new BackupException.UnsafeMember(what + " contains '..'");
            }
            if (first) {
                if (!part.equals(dataset)) {
                    throw new BackupException.UnsafeMember(what + " is outside dataset '" + dataset
                            + "' (members must be named ./" + dataset + "/...)");
                }
                first = false;
                continue;
            }
            if (rel.length() > 0) {
                rel.append('/');
            }
            rel.append(part);
        }
        if (first) {
            throw new BackupException.UnsafeMember(what + " is outside dataset '" + dataset + "'");
        }
        return rel.toString();
    }

    /**
     * @param currentMode the mode {@code path} has now if known (it was just created), {@link #UNKNOWN_MODE}, or
     *                    {@link #KEEP_MODE} for symlinks, whose mode means nothing
     */
    private void setAttributes(Path path, int mode, long uid, long gid, long mtimeSeconds, int currentMode)
            throws IOException {
        if (restoreOwners && !(createdAsRootRoot && uid == 0 && gid == 0)
                && !FastAttributes.setOwner(path, (int) uid, (int) gid)) {
            Files.setAttribute(path, "unix:uid", (int) uid, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(path, "unix:gid", (int) gid, LinkOption.NOFOLLOW_LINKS);
        }
        if (currentMode != KEEP_MODE && (mode & 07777) != currentMode) {
            // unix:mode carries setuid, setgid and sticky too, which PosixFilePermission cannot express
            Files.setAttribute(path, "unix:mode", mode & 07777, LinkOption.NOFOLLOW_LINKS);
        }
        if (currentMode != UNKNOWN_MODE && FastAttributes.setMtime(path, mtimeSeconds)) {
            // an entry this restore created: its atime was its creation, now; one system call instead of five
            return;
        }
        FileTime mtime = FileTime.from(mtimeSeconds, java.util.concurrent.TimeUnit.SECONDS);
        try {
            Files.getFileAttributeView(path, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .setTimes(mtime, null, null);
        } catch (UnsupportedOperationException e) {
            // symlink times cannot be set on this platform; GNU tar does not always manage either
        }
    }

    private static long modTimeSeconds(TarArchiveEntry entry) {
        return entry.getLastModifiedTime().toInstant().getEpochSecond();
    }

    private static int depth(String rel) {
        return rel.isEmpty() ? 0 : rel.split("/").length;
    }

    private void warn(String message) {
        warnings.add(message);
        listener.warning(message);
    }
}
