package org.aiod.backup.engine;

import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The restore's staging directory and the swap that puts a verified tree in place. Both live inside the dataset
 * directory, the one place sure to be on the same file system when the dataset directory is a mount point; the
 * dataset directory itself is never renamed or removed. Every step is a rename, and the directory names record how
 * far a swap got, so that a run killed half-way is completed by the next run on the dataset.
 *
 * <pre>
 * .aiod-restore-ID   staging, not verified yet        -> deleted by recovery
 * .aiod-swap-ID      staged and verified              -> recovery completes the swap
 * .aiod-old-ID2      old content being moved aside    -> recovery moves the rest aside and completes the swap
 * .aiod-trash-ID2    old content, all moved aside     -> deleted once the staged tree is in place
 * </pre>
 *
 * <p>A name alone proves nothing: anyone who can write the dataset (or an archive restored into it) can create an
 * entry of any of these names. So the engine writes down, in its state under the backup root, each working
 * directory it is about to create (before creating it, synced) and then that directory's device and inode. Recovery
 * acts only on what is written down, and only on a real directory (lstat, never through a symlink) directly in the
 * dataset directory whose device and inode match; an entry that does not match is the dataset's own data, whatever
 * its name. Where the inode could not be written down yet (a run killed between creating the directory and
 * recording it), the directory is empty, and recovery removes it only if it is a real, empty directory.
 */
final class Staging {

    private static final String RESTORE = ".aiod-restore-";
    private static final String SWAP = ".aiod-swap-";
    private static final String OLD = ".aiod-old-";
    private static final String TRASH = ".aiod-trash-";

    /** What recovery found and did in one dataset directory. */
    record Recovered(int swapsCompleted, int stagingRemoved, List<String> notes) {
        static final Recovered NONE = new Recovered(0, 0, List.of());

        boolean any() {
            return swapsCompleted > 0 || stagingRemoved > 0 || !notes.isEmpty();
        }
    }

    /** A directory's identity: what lstat says of it, which a rename keeps. */
    record Key(long device, long inode) {
        static Key of(Path path) throws IOException {
            FileStat stat = FileStat.of(path);
            return new Key(stat.device(), stat.inode());
        }
    }

    /**
     * What the engine created in the dataset directory and not yet cleaned up: the staging directory (restore, then
     * swap) and the directory the old content moves into (old, then trash). A key is {@code null} while the
     * directory is about to be created; an id is {@code null} when there is no such directory.
     */
    private record Record(Path directory, List<String> paths, String stagingId, Key staging, String oldId, Key old) {
        private static final Pattern LINE = Pattern.compile(
                "(staging|old) ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}) (-|(\\d+) (\\d+))");
        /** The directory restored into, when it is not the dataset directory; a subset's paths, in order. */
        private static final Pattern NAMED = Pattern.compile("(directory|path) (\\S+)");

        String encode() {
            StringBuilder text = new StringBuilder();
            if (directory != null) {
                text.append("directory ").append(URLEncoder.encode(directory.toString(), StandardCharsets.UTF_8))
                        .append('\n');
            }
            for (String path : paths) {
                text.append("path ").append(URLEncoder.encode(path, StandardCharsets.UTF_8)).append('\n');
            }
            if (stagingId != null) {
                text.append(line("staging", stagingId, staging));
            }
            if (oldId != null) {
                text.append(line("old", oldId, old));
            }
            return text.toString();
        }

        private static String line(String role, String id, Key key) {
            return role + " " + id + " " + (key == null ? "-" : key.device() + " " + key.inode()) + "\n";
        }

        static Record decode(String text, Path file) {
            Path directory = null;
            List<String> paths = new ArrayList<>();
            String stagingId = null;
            Key staging = null;
            String oldId = null;
            Key old = null;
            for (String line : text.split("\n")) {
                if (line.isEmpty()) {
                    continue;
                }
                Matcher named = NAMED.matcher(line);
                if (named.matches()) {
                    String value = URLDecoder.decode(named.group(2), StandardCharsets.UTF_8);
                    if (named.group(1).equals("directory")) {
                        directory = Path.of(value);
                    } else {
                        paths.add(value);
                    }
                    continue;
                }
                Matcher m = LINE.matcher(line);
                if (!m.matches()) {
                    throw new BackupException.IoFailure("staging record " + file + " has an unreadable line '"
                            + line + "'; check the dataset directory for .aiod-* working directories and remove the"
                            + " record", null);
                }
                Key key = m.group(4) == null ? null
                        : new Key(Long.parseLong(m.group(4)), Long.parseLong(m.group(5)));
                if (m.group(1).equals("staging")) {
                    stagingId = m.group(2);
                    staging = key;
                } else {
                    oldId = m.group(2);
                    old = key;
                }
            }
            return new Record(directory, List.copyOf(paths), stagingId, staging, oldId, old);
        }
    }

    /** The dataset directory: where a record that names no directory was made. */
    private final Path datasetDir;
    /** Where this staging works: the dataset directory, or the target directory of a restore elsewhere. */
    private final Path dir;
    private final Path recordFile;
    private final Path tmpDir;
    private Record record;

    /**
     * @param datasetDir the dataset directory, already checked to be a real directory
     * @param dir        the directory restored into: the dataset directory, or a target directory already checked
     *                   to be a real directory; a record names it when it is not the dataset directory
     * @param recordFile where the working directories are written down, under the backup root's state directory
     * @param tmpDir     where the record's new versions are written before they are renamed into place
     */
    Staging(Path datasetDir, Path dir, Path recordFile, Path tmpDir) {
        this.datasetDir = datasetDir;
        this.dir = dir;
        this.recordFile = recordFile;
        this.tmpDir = tmpDir;
    }

    /** The staging of {@code dataset} in its place in the layout; its directory must have been checked. */
    static Staging of(Layout layout, String dataset) {
        return into(layout, dataset, layout.datasetDir(dataset));
    }

    /**
     * The staging of a restore of {@code dataset} into {@code dir} (its dataset directory or a target directory).
     * The dataset's one record is used either way: the dataset's lock lets one restore of it run at a time, and
     * every run recovers what the record names before it starts its own.
     */
    static Staging into(Layout layout, String dataset, Path dir) {
        return new Staging(layout.datasetDir(dataset), dir, layout.stagingRecord(dataset), layout.tmpDir(dataset));
    }

    /** Whether a killed run left working directories written down for this dataset. */
    static boolean hasRecord(Path recordFile) {
        return Files.exists(recordFile);
    }

    /** Creates a fresh staging directory; {@link #recover} must have run first. */
    Path create() throws IOException {
        String id = UUID.randomUUID().toString();
        Path named = dir.equals(datasetDir) ? null : dir;
        write(new Record(named, List.of(), id, null, null, null));
        Path staging = Files.createDirectory(dir.resolve(RESTORE + id));
        write(new Record(named, List.of(), id, Key.of(staging), null, null));
        return staging;
    }

    /** Deletes a staging directory that will not be swapped in (the restore failed), and its record. */
    void discard(Path staging) throws IOException {
        if (isOurs(staging, record.staging())) {
            FileOps.deleteRecursively(staging);
        }
        clear();
    }

    /** Replaces the content of the dataset directory with the verified tree in {@code staging}. */
    void swap(Path staging, ProgressListener listener) throws IOException {
        if (!isOurs(staging, record.staging())) {
            // never follow a symlink out of the dataset, whatever put it there
            throw new BackupException.UnsafeMember("staging directory " + staging
                    + " is no longer the directory this restore created");
        }
        Files.move(staging, dir.resolve(SWAP + record.stagingId()), StandardCopyOption.ATOMIC_MOVE);
        FileOps.syncDirectory(dir);
        completeSwap(listener, new ArrayList<>());
    }

    /**
     * Replaces only {@code paths} (dataset-relative, normalized, none under another) of the directory with their
     * trees in the verified {@code staging}; the rest of the directory is left as it is, and the rest of the staged
     * tree deleted. The paths are written down first, so that recovery completes the same swap. Their parents must
     * be real directories in the directory restored into, or absent (they are created).
     */
    void swapPaths(Path staging, List<String> paths, ProgressListener listener) throws IOException {
        if (!isOurs(staging, record.staging())) {
            throw new BackupException.UnsafeMember("staging directory " + staging
                    + " is no longer the directory this restore created");
        }
        write(new Record(record.directory(), List.copyOf(paths), record.stagingId(), record.staging(), null, null));
        Files.move(staging, dir.resolve(SWAP + record.stagingId()), StandardCopyOption.ATOMIC_MOVE);
        FileOps.syncDirectory(dir);
        completeSwap(listener, new ArrayList<>());
    }

    /**
     * Completes or discards what a killed restore left in the dataset directory, as written down in its record;
     * entries that are not written down are the dataset's data and are left alone.
     */
    Recovered recover() throws IOException {
        if (!Files.exists(recordFile)) {
            return Recovered.NONE;
        }
        Record recorded = Record.decode(Files.readString(recordFile, StandardCharsets.UTF_8), recordFile);
        Path recordedDir = recorded.directory() == null ? datasetDir : recorded.directory();
        if (!recordedDir.equals(dir)) {
            // an interrupted restore into another directory: recovered there, by what its record says
            Staging there = new Staging(datasetDir, recordedDir, recordFile, tmpDir);
            there.record = recorded;
            return there.recoverRecorded();
        }
        record = recorded;
        return recoverRecorded();
    }

    private Recovered recoverRecorded() throws IOException {
        String what = dir.equals(datasetDir) ? "dataset directory " : "restore target ";
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            // the directory is gone, and every working directory with it
            clear();
            return new Recovered(0, 0, List.of(what + dir
                    + " no longer exists; dropped the record of an interrupted restore"));
        }
        if (!FileStat.of(dir).isDirectory()) {
            // never followed: whatever stands there now is not the directory the restore worked in
            clear();
            return new Recovered(0, 0, List.of(what + dir + " is no longer a real directory; dropped the"
                    + " record of an interrupted restore and left it alone"));
        }
        List<String> notes = new ArrayList<>();
        int swapsCompleted = 0;
        int stagingRemoved = 0;
        if (record.stagingId() != null) {
            Path swap = dir.resolve(SWAP + record.stagingId());
            Path restore = dir.resolve(RESTORE + record.stagingId());
            if (isOurs(swap, record.staging())) {
                completeSwap(ProgressListener.NONE, notes);
                return new Recovered(1, 0, List.copyOf(notes));
            }
            if (isOurs(restore, record.staging()) || record.staging() == null && isEmptyDirectory(restore)) {
                FileOps.deleteRecursively(restore);
                stagingRemoved++;
            }
            noteIfNotOurs(swap, record.staging(), notes);
            noteIfNotOurs(restore, record.staging(), notes);
        }
        if (record.oldId() != null) {
            Path old = dir.resolve(OLD + record.oldId());
            Path trash = dir.resolve(TRASH + record.oldId());
            if (isOurs(trash, record.old())) {
                // the staged tree was all moved in: only the old content is left to delete
                FileOps.deleteRecursively(trash);
                swapsCompleted++;
            } else if (isOurs(old, record.old())) {
                // no staged tree of ours goes with it (nothing is moved in before the rename to trash): put the old
                // content back where it came from
                if (record.paths().isEmpty()) {
                    moveAll(old, dir);
                } else {
                    for (int i = 0; i < record.paths().size(); i++) {
                        Path aside = old.resolve(Integer.toString(i));
                        if (Files.exists(aside, LinkOption.NOFOLLOW_LINKS)) {
                            Files.move(aside, inPlace(record.paths().get(i)), StandardCopyOption.ATOMIC_MOVE);
                        }
                    }
                }
                Files.delete(old);
                FileOps.syncDirectory(dir);
                notes.add("the staged tree of an interrupted restore was not found; put the dataset's content back");
            } else if (record.old() == null && isEmptyDirectory(old)) {
                Files.delete(old);
            }
            noteIfNotOurs(trash, record.old(), notes);
            noteIfNotOurs(old, record.old(), notes);
        }
        clear();
        return new Recovered(swapsCompleted, stagingRemoved, List.copyOf(notes));
    }

    private void completeSwap(ProgressListener listener, List<String> notes) throws IOException {
        Path swap = dir.resolve(SWAP + record.stagingId());
        Path trash = record.oldId() == null ? null : dir.resolve(TRASH + record.oldId());
        if (trash == null || !isOurs(trash, record.old())) {
            Path old = oldDirectory(notes);
            if (record.paths().isEmpty()) {
                for (Path entry : contentEntries(swap, old)) {
                    Files.move(entry, old.resolve(entry.getFileName()), StandardCopyOption.ATOMIC_MOVE);
                }
            } else {
                // each path's old content is moved aside under its index; one already there was moved before
                for (int i = 0; i < record.paths().size(); i++) {
                    Path aside = old.resolve(Integer.toString(i));
                    Path current = inPlace(record.paths().get(i));
                    if (!Files.exists(aside, LinkOption.NOFOLLOW_LINKS)
                            && Files.exists(current, LinkOption.NOFOLLOW_LINKS)) {
                        Files.move(current, aside, StandardCopyOption.ATOMIC_MOVE);
                    }
                }
            }
            trash = dir.resolve(TRASH + record.oldId());
            Files.move(old, trash, StandardCopyOption.ATOMIC_MOVE);
            FileOps.syncDirectory(dir);
        }
        listener.phase(Phase.OLD_CONTENT_MOVED);
        if (record.paths().isEmpty()) {
            moveAll(swap, dir);
            Files.delete(swap);
        } else {
            List<Path> created = new ArrayList<>();
            for (String path : record.paths()) {
                Path staged = Names.resolve(swap, path);
                if (Files.exists(staged, LinkOption.NOFOLLOW_LINKS)) {
                    Path into = inPlace(path);
                    created.addAll(createParents(swap, path));
                    Files.move(staged, into, StandardCopyOption.ATOMIC_MOVE);
                }
            }
            // parents the destination lacked get the staged directories' attributes, deepest first, once their
            // content is in (moving it in changed their mtimes)
            for (int i = created.size() - 1; i >= 0; i--) {
                copyDirectoryAttributes(swap.resolve(dir.relativize(created.get(i))), created.get(i));
            }
            FileOps.deleteRecursively(swap); // the rest of the staged tree, not asked for
        }
        FileOps.syncDirectory(dir);
        listener.phase(Phase.SWAPPED);
        FileOps.deleteRecursively(trash);
        clear();
    }

    /** The directory the old content moves into: the one written down, or a new one written down first. */
    private Path oldDirectory(List<String> notes) throws IOException {
        if (record.oldId() != null) {
            Path old = dir.resolve(OLD + record.oldId());
            if (isOurs(old, record.old())) {
                return old;
            }
            if (record.old() == null && isEmptyDirectory(old)) {
                Files.delete(old); // created by a run killed before it could write its inode down
            } else {
                noteIfNotOurs(old, record.old(), notes);
            }
        }
        String id = UUID.randomUUID().toString();
        write(new Record(record.directory(), record.paths(), record.stagingId(), record.staging(), id, null));
        Path old = Files.createDirectory(dir.resolve(OLD + id));
        write(new Record(record.directory(), record.paths(), record.stagingId(), record.staging(), id, Key.of(old)));
        return old;
    }

    /** Whether {@code path} is a real directory (not a symlink) whose identity is {@code key}. */
    private static boolean isOurs(Path path, Key key) throws IOException {
        if (key == null) {
            return false;
        }
        try {
            FileStat stat = FileStat.of(path);
            return stat.isDirectory() && stat.device() == key.device() && stat.inode() == key.inode();
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    private static boolean isEmptyDirectory(Path path) throws IOException {
        try {
            if (!FileStat.of(path).isDirectory()) {
                return false;
            }
        } catch (NoSuchFileException e) {
            return false;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(path)) {
            return !entries.iterator().hasNext();
        }
    }

    private static void noteIfNotOurs(Path path, Key key, List<String> notes) throws IOException {
        if (Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS) && !isOurs(path, key)) {
            notes.add(path + " is not the directory the engine created there; left alone as the dataset's data");
        }
    }

    /**
     * {@code path} (dataset-relative) in the directory restored into; every parent on the way must be a real
     * directory or absent, never a symlink, so that nothing is moved through one.
     */
    private Path inPlace(String path) throws IOException {
        BlockedParent blocked = blockedParent(dir, path);
        if (blocked != null) {
            throw new BackupException.NotADirectory("restore path '" + Names.shown(path) + "': "
                    + blocked.path() + " is not a real directory in " + dir + "; refusing to follow or replace it");
        }
        return Names.resolve(dir, path);
    }

    /** A parent of a restore path that is there but is not a real directory, and what it is. */
    record BlockedParent(Path path, FileStat stat) {
    }

    /**
     * The first parent of {@code path} (dataset-relative) in {@code dir} that exists but is not a real directory (a
     * symlink to one is not), or null: every parent is a real directory, up to one that is absent.
     */
    static BlockedParent blockedParent(Path dir, String path) throws IOException {
        Path current = dir;
        String[] parts = path.split("/");
        for (int i = 0; i < parts.length - 1; i++) {
            current = Names.resolve(current, parts[i]);
            FileStat stat;
            try {
                stat = FileStat.of(current);
            } catch (NoSuchFileException e) {
                return null;
            }
            if (!stat.isDirectory()) {
                return new BlockedParent(current, stat);
            }
        }
        return null;
    }

    /** Creates the missing parents of {@code path} in the directory restored into; returns them, outermost first. */
    private List<Path> createParents(Path swap, String path) throws IOException {
        inPlace(path);
        List<Path> created = new ArrayList<>();
        Path current = dir;
        String[] parts = path.split("/");
        for (int i = 0; i < parts.length - 1; i++) {
            current = Names.resolve(current, parts[i]);
            if (!Files.exists(current, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(current);
                created.add(current);
            }
        }
        return created;
    }

    private static void copyDirectoryAttributes(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        FileStat stat = FileStat.of(from);
        if (((Integer) Files.getAttribute(to, "unix:uid", LinkOption.NOFOLLOW_LINKS)) == 0) {
            Files.setAttribute(to, "unix:uid", (int) stat.uid(), LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(to, "unix:gid", (int) stat.gid(), LinkOption.NOFOLLOW_LINKS);
        }
        Files.setAttribute(to, "unix:mode", stat.permissions(), LinkOption.NOFOLLOW_LINKS);
        Files.setLastModifiedTime(to, java.nio.file.attribute.FileTime.from(stat.mtimeSeconds(),
                java.util.concurrent.TimeUnit.SECONDS));
    }

    private static void moveAll(Path from, Path to) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(from)) {
            for (Path entry : entries) {
                Files.move(entry, to.resolve(entry.getFileName()), StandardCopyOption.ATOMIC_MOVE);
            }
        }
    }

    /** The dataset's own entries: everything but the two working directories of this swap. */
    private List<Path> contentEntries(Path swap, Path old) throws IOException {
        List<Path> content = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                if (!entry.equals(swap) && !entry.equals(old)) {
                    content.add(entry);
                }
            }
        }
        return content;
    }

    private void write(Record next) throws IOException {
        Files.createDirectories(recordFile.getParent());
        byte[] text = next.encode().getBytes(StandardCharsets.UTF_8);
        FileOps.writeAtomically(recordFile, tmpDir, out -> out.write(text));
        record = next;
    }

    private void clear() throws IOException {
        if (Files.deleteIfExists(recordFile)) {
            FileOps.syncDirectory(recordFile.getParent());
        }
        record = null;
    }
}
