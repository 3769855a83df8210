package org.aiod.backup.engine;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A restore run: under the dataset's lock, checks that the spec's cycle and level can be restored and that its
 * destination (the dataset directory or its target) may be written (nothing is changed when they cannot), applies
 * the levels in order to a fresh staging directory in the destination ({@link Restorer}) and swaps it, or only the
 * spec's paths of it, in ({@link Staging}), then sets the destination's own attributes. A dry run makes the same
 * checks and answers what the restore would change ({@link RestorePlanner}) without writing anything.
 */
record RestoreRun(EngineOptions options, Layout layout) {

    RestoreSummary restore(RestoreSpec spec, ProgressListener listener) {
        String dataset = spec.dataset();
        long cycle = spec.cycle();
        Integer level = spec.level();
        DatasetChecks.requireUtf8FileNames();
        long started = System.nanoTime();
        Path datasetDir = layout.datasetDir(dataset);
        boolean inPlace = spec.target() == null;
        Path destination = inPlace ? datasetDir : spec.target();
        DatasetChecks.requireBackups(layout, dataset);
        if (!inPlace) {
            requireSeparate(destination, datasetDir, dataset);
        }
        try (DatasetLock lock = DatasetLock.acquire(layout.lockFile(dataset), dataset, options.lockTimeout())) {
            listener.phase(Phase.LOCKED);
            boolean datasetDirExists = DatasetChecks.isDatasetDirectory(dataset, datasetDir);
            boolean destinationExists = inPlace ? datasetDirExists : isTargetDirectory(destination);
            List<Path> chain = DatasetChecks.requireChain(layout, dataset, cycle, level, "restored");
            if (inPlace && !Files.isDirectory(options.dataRoot())) {
                throw new BackupException.NotWritable("data root " + options.dataRoot() + " does not exist", null);
            }
            if (destinationExists) {
                requireParentsAreDirectories(destination, spec.paths());
            }
            if (spec.dryRun()) {
                return plan(spec, chain, destination, destinationExists, started, lock.waited());
            }
            boolean created = false;
            if (!destinationExists) {
                if (inPlace) {
                    Files.createDirectory(datasetDir);
                } else {
                    Files.createDirectories(destination);
                }
                created = true;
            }
            Staging staging = Staging.into(layout, dataset, destination);
            Staging.Recovered recovered = staging.recover();
            if (!inPlace && !created && !spec.overwrite() && !isEmpty(destination)) {
                throw new BackupException.TargetNotEmpty("restore target " + destination + " is not empty;"
                        + " ask to overwrite it, or name an empty or new directory");
            }
            try {
                return restoreLevels(spec, chain, destination, staging, listener, started, lock.waited(),
                        recovered.notes());
            } catch (BackupException.NoSuchPath e) {
                if (created && !inPlace) {
                    // nothing of the refused restore is left: not even the target directory it made
                    Files.deleteIfExists(destination);
                }
                throw e;
            }
        } catch (IOException e) {
            throw FileOps.translate(e, "restoring dataset '" + dataset + "' cycle " + cycle);
        }
    }

    private RestoreSummary restoreLevels(RestoreSpec spec, List<Path> archives, Path destination, Staging stagings,
            ProgressListener listener, long started, Duration lockWait, List<String> recoveryNotes)
            throws IOException {
        String dataset = spec.dataset();
        long cycle = spec.cycle();
        int level = archives.size() - 1;
        Map<String, String> sums = Checksums.read(layout.sums(dataset, cycle));
        Path staging = stagings.create();
        boolean asRoot = ((Integer) Files.getAttribute(staging, "unix:uid", LinkOption.NOFOLLOW_LINKS)) == 0;
        Restorer restorer = new Restorer(dataset, staging, asRoot, listener);
        Restorer.DirectoryAttributes root;
        try {
            long toRead = 0;
            for (Path archive : archives) {
                toRead += Files.size(archive);
            }
            listener.toRead(toRead);
            for (Path archive : archives) {
                restorer.apply(archive, sums.get(archive.getFileName().toString()));
            }
            root = restorer.finishDirectories();
            for (String path : spec.paths()) {
                if (!Files.exists(Names.resolve(staging, path), LinkOption.NOFOLLOW_LINKS)) {
                    throw RestorePlanner.noSuchPath(dataset, path, cycle, level);
                }
            }
            listener.phase(Phase.STAGED);
        } catch (IOException | RuntimeException | Error e) {
            // an Error too (OutOfMemoryError, StackOverflowError): the staging directory must not outlive the run
            try {
                stagings.discard(staging);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        if (spec.wholeTree()) {
            stagings.swap(staging, listener);
            if (root != null) {
                restorer.setDirectoryAttributes(destination, root);
            }
        } else {
            // the destination directory is not one of the paths: it keeps its own attributes
            stagings.swapPaths(staging, spec.paths(), listener);
        }
        List<String> warnings = new ArrayList<>(recoveryNotes);
        warnings.addAll(restorer.warnings());
        return new RestoreSummary(dataset, cycle, level, restorer.files(), restorer.bytes(),
                restorer.deleted(), List.copyOf(warnings), Duration.ofNanos(System.nanoTime() - started),
                lockWait);
    }

    /** A dry run: the same refusals as the restore, then what it would change; writes nothing. */
    private RestoreSummary plan(RestoreSpec spec, List<Path> archives, Path destination, boolean destinationExists,
            long started, Duration lockWait) throws IOException {
        String dataset = spec.dataset();
        int level = archives.size() - 1;
        if (spec.target() != null && destinationExists && !spec.overwrite() && !isEmpty(destination)) {
            throw new BackupException.TargetNotEmpty("restore target " + destination + " is not empty;"
                    + " ask to overwrite it, or name an empty or new directory");
        }
        Map<String, String> sums = Checksums.read(layout.sums(dataset, spec.cycle()));
        RestorePlanner planner = new RestorePlanner(dataset);
        for (Path archive : archives) {
            planner.apply(archive, sums.get(archive.getFileName().toString()));
        }
        planner.requirePaths(spec.paths(), spec.cycle(), level);
        // owners are set, so compared, when the restore runs as root: as the one who owns what it creates
        boolean asRoot = ((Integer) Files.getAttribute(layout.lockFile(dataset), "unix:uid",
                LinkOption.NOFOLLOW_LINKS)) == 0;
        RestorePlan plan = planner.plan(destination, spec.paths(), asRoot, spec.planLimit());
        List<String> warnings = new ArrayList<>();
        if (Staging.hasRecord(layout.stagingRecord(dataset))) {
            warnings.add("an interrupted restore of dataset '" + dataset + "' is recorded; the restore recovers it"
                    + " first, so what it changes may differ from this plan");
        }
        return new RestoreSummary(dataset, spec.cycle(), level, 0, 0, 0, List.copyOf(warnings),
                Duration.ofNanos(System.nanoTime() - started), lockWait, plan);
    }

    /**
     * A target must not be, contain or lie in the dataset directory (which a target restore never touches), nor the
     * backup root or the engine's state, nor contain the data root; compared as the paths really are where they
     * exist, so that a symlink on the way does not hide an overlap.
     */
    private void requireSeparate(Path target, Path datasetDir, String dataset) {
        Path real = real(target);
        for (Path other : List.of(datasetDir, layout.backupRoot(), layout.stateDir())) {
            Path otherReal = real(other.toAbsolutePath().normalize());
            if (real.startsWith(otherReal) || otherReal.startsWith(real)) {
                throw new BackupException.InvalidPath("restore target " + target + " overlaps " + other
                        + "; a restore of dataset '" + dataset + "' elsewhere must not touch it");
            }
        }
        if (real(options.dataRoot().toAbsolutePath().normalize()).startsWith(real)) {
            throw new BackupException.InvalidPath("restore target " + target + " contains the data root "
                    + options.dataRoot());
        }
    }

    /** {@code path} with its longest existing ancestor resolved to its real path. */
    private static Path real(Path path) {
        Path existing = path;
        while (existing != null) {
            try {
                return existing.toRealPath().resolve(existing.relativize(path));
            } catch (IOException e) {
                existing = existing.getParent();
            }
        }
        return path;
    }

    /** Whether the target exists, never following it: a symlink or a file there is refused as a dataset path is. */
    private static boolean isTargetDirectory(Path target) {
        FileStat stat;
        try {
            stat = FileStat.of(target);
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw FileOps.translate(e, "reading restore target " + target);
        }
        if (stat.isDirectory()) {
            return true;
        }
        throw new BackupException.NotADirectory("restore target " + target + " is "
                + (stat.isSymlink() ? "a symbolic link" : stat.isRegular() ? "a regular file" : "a special file")
                + ", not a directory; refusing to follow or replace it");
    }

    /**
     * Each listed path's parents must be real directories in the destination, or absent: the swap never moves
     * anything through a symlink, and replacing a file that stands in for a parent is not what was asked for.
     */
    private static void requireParentsAreDirectories(Path destination, List<String> paths) throws IOException {
        for (String path : paths) {
            Staging.BlockedParent blocked = Staging.blockedParent(destination, path);
            if (blocked != null) {
                throw new BackupException.NotADirectory("restore path '" + Names.shown(path) + "': "
                        + blocked.path() + " is " + (blocked.stat().isSymlink() ? "a symbolic link" : "not a directory")
                        + " in the destination; restore its parent instead");
            }
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            return !entries.iterator().hasNext();
        }
    }
}
