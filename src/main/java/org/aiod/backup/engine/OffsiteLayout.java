package org.aiod.backup.engine;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the files of a level go in an {@link OffsiteStore}: the backup root's own layout under a prefix,
 * {@code <prefix>/<dataset>/<dataset>_<cycle>/<file>}, so that a copy of the bucket (say {@code aws s3 sync}) is a
 * backup root that GNU tar, the legacy scripts and this service read as they read the local one.
 */
public final class OffsiteLayout {

    private final String prefix;

    /** @param prefix the key prefix, {@code null} or empty for the bucket's top; slashes around it are ignored */
    public OffsiteLayout(String prefix) {
        String p = prefix == null ? "" : prefix.strip();
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        this.prefix = p;
    }

    /** The key prefix without slashes around it; empty for the bucket's top. */
    public String prefix() {
        return prefix;
    }

    /** The key of the file {@code fileName} of {@code cycle} of {@code dataset}. */
    public String key(String dataset, long cycle, String fileName) {
        if (!DatasetName.isValid(dataset)) {
            throw new BackupException.InvalidDataset("invalid dataset name '" + dataset + "'");
        }
        String relative = dataset + "/" + dataset + "_" + cycle + "/" + fileName;
        return prefix.isEmpty() ? relative : prefix + "/" + relative;
    }

    /** The prefix of every key of {@code cycle} of {@code dataset}, {@code <prefix>/<dataset>/<dataset>_<cycle>/}. */
    public String cyclePrefix(String dataset, long cycle) {
        return datasetPrefix(dataset) + dataset + "_" + cycle + "/";
    }

    /** The prefix of every key of {@code dataset}, ending with {@code /}. */
    public String datasetPrefix(String dataset) {
        if (!DatasetName.isValid(dataset)) {
            throw new BackupException.InvalidDataset("invalid dataset name '" + dataset + "'");
        }
        return prefix.isEmpty() ? dataset + "/" : prefix + "/" + dataset + "/";
    }

    /**
     * The objects of {@code dataset} among {@code objects} (a listing of {@link #datasetPrefix}), by cycle, then by
     * file name; keys that are not {@code <dataset>_<cycle>/<file>} under the dataset's prefix are left out.
     */
    public Map<Long, Map<String, OffsiteStore.StoredObject>> byCycle(String dataset,
            List<OffsiteStore.StoredObject> objects) {
        String datasetPrefix = datasetPrefix(dataset);
        Pattern relative = Pattern.compile(Pattern.quote(dataset) + "_(\\d{1,18})/([^/]+)");
        Map<Long, Map<String, OffsiteStore.StoredObject>> cycles = new TreeMap<>();
        for (OffsiteStore.StoredObject o : objects) {
            if (!o.key().startsWith(datasetPrefix)) {
                continue;
            }
            Matcher m = relative.matcher(o.key().substring(datasetPrefix.length()));
            if (m.matches()) {
                cycles.computeIfAbsent(Long.parseLong(m.group(1)), c -> new TreeMap<>()).put(m.group(2), o);
            }
        }
        return cycles;
    }

    /**
     * The levels that exist off-site in {@code cycleObjects} (one cycle's of {@link #byCycle}): level to the file
     * name of its archive. A level exists off-site once its archive is there.
     */
    public static Map<Integer, String> levels(String dataset, Map<String, OffsiteStore.StoredObject> cycleObjects) {
        Pattern archive = Layout.archivePattern(dataset);
        Map<Integer, String> levels = new TreeMap<>();
        for (String name : cycleObjects.keySet()) {
            Matcher m = archive.matcher(name);
            if (m.matches()) {
                levels.put(Integer.parseInt(m.group(1)), name);
            }
        }
        return levels;
    }

    /**
     * The files that make a level off-site, in the order they are uploaded: its archive (the level exists off-site
     * once it is there, as on disk), then the cycle's {@code SHA256SUMS} and snapshot file as they are at upload
     * time, the same order a backup commits them in.
     *
     * @param cycleDirectory the cycle directory on disk
     * @param archive        the level's archive in it
     */
    public static List<Path> levelFiles(String dataset, Path cycleDirectory, Path archive) {
        return List.of(archive, cycleDirectory.resolve(Layout.SUMS), cycleDirectory.resolve(dataset + ".snar"));
    }
}
