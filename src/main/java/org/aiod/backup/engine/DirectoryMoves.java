package org.aiod.backup.engine;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The directories of a new level that the previous level had under another name (same device and inode), and the
 * rename records ({@code R}/{@code T} pairs of the top directory's listing) that move each one there at restore
 * time, as GNU tar records a renamed directory: its unchanged files are then {@code N} under the new name and cost
 * nothing but a listing.
 *
 * <p>The records are applied in order, each one a rename(2) of the tree as the previous level left it and the
 * records before it changed it, before any listing's deletions (see docs/design.md, Listing). The plan simulates
 * that: directories are moved in pre-order of their new names, so a parent is in place before its children; what
 * stands at a new name is first moved out of the way: a directory still to be moved to a temporary name in the top
 * directory (which breaks cycles without GNU tar's {@code X} record, which its own legacy restore command cannot
 * apply); a directory that is gone at this level to a temporary name inside the directory moved there (or, when it
 * holds that one, inside its parent below the top), whose listing's deletions then remove it (GNU tar lists a
 * directory's entries for its deletions before it applies the rename records, so a temporary name in the top
 * directory would stay). A move that would need anything else (a file standing at the new name) is not recorded:
 * that directory is written as a new one, every file in it, as before.
 */
final class DirectoryMoves {

    /** A directory of the new level, in pre-order. */
    record Found(String rel, long device, long inode) {
    }

    /** One rename record, dataset-relative names. */
    record Move(String from, String to) {
    }

    private final Map<String, String> identities;
    private final List<Move> records;

    private DirectoryMoves(Map<String, String> identities, List<Move> records) {
        this.identities = identities;
        this.records = records;
    }

    /**
     * The previous level's name (dataset-relative) of the directory {@code rel} of this level, or {@code null} when
     * it is new (or its move is not recorded).
     */
    String identity(String rel) {
        return identities.get(rel);
    }

    List<Move> records() {
        return records;
    }

    /**
     * The plan for the directories {@code found} (pre-order) against {@code previous}, whose records are named
     * {@code prefix} ({@code ./<dataset>}) and {@code prefix/rel}.
     */
    static DirectoryMoves plan(SnapshotFile.Snapshot previous, String prefix, List<Found> found) {
        // GNU tar 1.34 leaves stale inodes in the records of some directories it saw renamed (two records with one
        // inode): an inode of two records identifies neither
        Map<String, String> byInode = new HashMap<>();
        Set<String> ambiguous = new HashSet<>();
        for (SnapshotFile.Directory d : previous.directories().values()) {
            String rel = relative(prefix, d.name());
            if (rel != null && byInode.put(d.device() + ":" + d.inode(), rel) != null) {
                ambiguous.add(d.device() + ":" + d.inode());
            }
        }
        ambiguous.forEach(byInode::remove);
        Set<String> unrecorded = new HashSet<>();
        while (true) {
            Map<String, String> identities = new HashMap<>();
            // every directory but the top, in pre-order: a move (old name to new), or a new one (old name null);
            // the others stay where they are, inside their parent
            List<Move> placed = new ArrayList<>();
            for (Found f : found) {
                if (f.rel().isEmpty()) {
                    continue; // the top directory is never moved; it is judged by its own name as before
                }
                // its own name first, as GNU tar looks a directory up, then its device and inode under another
                SnapshotFile.Directory named = previous.directories().get(snapshotName(prefix, f.rel()));
                String old = unrecorded.contains(f.rel()) ? null
                        : named != null && named.device() == f.device() && named.inode() == f.inode() ? f.rel()
                                : byInode.get(f.device() + ":" + f.inode());
                if (old == null || old.isEmpty()) {
                    placed.add(new Move(null, f.rel()));
                    continue;
                }
                identities.put(f.rel(), old);
                String parentOld = parent(f.rel()).isEmpty() ? "" : identities.get(parent(f.rel()));
                if (parentOld == null || !old.equals(join(parentOld, base(f.rel())))) {
                    placed.add(new Move(old, f.rel()));
                }
            }
            List<Move> records = sequence(previous, prefix, placed, unrecorded);
            if (records != null) {
                return new DirectoryMoves(identities, records);
            }
        }
    }

    /**
     * The records that put each moved directory of {@code placed} in place, parents first, or null after adding
     * to {@code unrecorded} a move that cannot be made. A new directory ({@code from} null) needs no record, only
     * its name cleared of a directory still to be moved, which would otherwise carry away what is put inside it.
     */
    private static List<Move> sequence(SnapshotFile.Snapshot previous, String prefix, List<Move> placed,
            Set<String> unrecorded) {
        List<Move> records = new ArrayList<>();
        Set<String> pending = new HashSet<>();
        placed.forEach(m -> {
            if (m.from() != null) {
                pending.add(m.from());
            }
        });
        String random = Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        int temporaries = 0;
        Map<String, Set<String>> namesBefore = new HashMap<>();
        for (Move move : placed) {
            if (move.from() != null) {
                pending.remove(move.from());
            } else if (pending.isEmpty()) {
                continue; // a new directory: only a directory still to be moved would have to be cleared away
            }
            String standing = before(move.to(), records);
            if (standing != null && move.from() == null && !pending.contains(standing)) {
                continue; // a new directory where one that is gone stood: the restore merges and prunes them
            }
            if (standing != null && !pending.contains(standing) && !namesBefore.computeIfAbsent(parent(standing),
                    dir -> names(previous, prefix, dir)).contains(base(standing))) {
                standing = null; // nothing stood there at the previous level
            }
            if (standing != null) {
                String temporary = ".aiod-rename-" + random + "-" + temporaries++;
                if (pending.contains(standing)) {
                    records.add(new Move(move.to(), temporary));
                } else if (previous.directories().containsKey(snapshotName(prefix, standing))
                        && !isAtOrBelow(current(move.from(), records), move.to())) {
                    // a directory that is gone: into the one moved here, whose listing then deletes it
                    records.add(new Move(move.to(), join(current(move.from(), records), temporary)));
                } else if (!parent(move.to()).isEmpty()
                        && previous.directories().containsKey(snapshotName(prefix, standing))) {
                    records.add(new Move(move.to(), join(parent(move.to()), temporary)));
                } else {
                    unrecorded.add(move.to());
                    return null;
                }
            }
            if (move.from() != null) {
                records.add(new Move(current(move.from(), records), move.to()));
            }
        }
        return records;
    }

    /** Where {@code old} (a name of the previous level) is after {@code records}. */
    static String current(String old, List<Move> records) {
        String path = old;
        for (Move r : records) {
            path = replacePrefix(path, r.from(), r.to());
        }
        return path;
    }

    /**
     * The name at the previous level of what stands at {@code path} after {@code records}, if anything stood there
     * then; null when a record moved it away and none put anything there since.
     */
    private static String before(String path, List<Move> records) {
        String old = path;
        for (int i = records.size() - 1; i >= 0; i--) {
            Move r = records.get(i);
            if (isAtOrBelow(old, r.to())) {
                old = r.from() + old.substring(r.to().length());
            } else if (isAtOrBelow(old, r.from())) {
                return null; // moved away by that record, nothing put there since
            }
        }
        return old;
    }

    /** The entry names of directory {@code dir} at the previous level (none when it had no such directory). */
    private static Set<String> names(SnapshotFile.Snapshot previous, String prefix, String dir) {
        SnapshotFile.Directory d = previous.directories().get(snapshotName(prefix, dir));
        return d == null ? Set.of() : Listing.names(d.listing());
    }

    private static String replacePrefix(String path, String from, String to) {
        return isAtOrBelow(path, from) ? to + path.substring(from.length()) : path;
    }

    private static boolean isAtOrBelow(String path, String dir) {
        return path.equals(dir) || path.startsWith(dir + "/");
    }

    /** The listing bytes of the top directory's {@code D} member: its entries, then the records. */
    byte[] appendTo(byte[] listing, String prefix) {
        if (records.isEmpty()) {
            return listing;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(listing.length + 64 * records.size());
        out.write(listing, 0, listing.length - 1); // without the NUL that ends it
        for (Move r : records) {
            out.write(Listing.RENAME_FROM);
            out.writeBytes(Names.encode(snapshotName(prefix, r.from())));
            out.write(0);
            out.write(Listing.RENAME_TO);
            out.writeBytes(Names.encode(snapshotName(prefix, r.to())));
            out.write(0);
        }
        out.write(0);
        return out.toByteArray();
    }

    private static String relative(String prefix, String name) {
        if (name.equals(prefix)) {
            return "";
        }
        return name.startsWith(prefix + "/") ? name.substring(prefix.length() + 1) : null;
    }

    private static String snapshotName(String prefix, String rel) {
        return rel.isEmpty() ? prefix : prefix + "/" + rel;
    }

    private static String parent(String rel) {
        int slash = rel.lastIndexOf('/');
        return slash < 0 ? "" : rel.substring(0, slash);
    }

    private static String base(String rel) {
        return rel.substring(rel.lastIndexOf('/') + 1);
    }

    private static String join(String dir, String name) {
        return dir.isEmpty() ? name : dir + "/" + name;
    }
}
