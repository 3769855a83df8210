package org.aiod.backup.engine;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A directory's listing ("dumpdir") as GNU tar stores it in a {@code D} member and in the snapshot file: one record
 * per entry, a code byte, the base name and a NUL, then one more NUL.
 */
final class Listing {

    /** The entry is a member of this archive. */
    static final byte IN_ARCHIVE = 'Y';
    /** The entry exists but is unchanged: it is in an earlier level. */
    static final byte UNCHANGED = 'N';
    /** The entry is a sub-directory, with a {@code D} member of its own. */
    static final byte DIRECTORY = 'D';
    /** GNU rename record: the full member name a directory had (followed by {@link #RENAME_TO}). */
    static final byte RENAME_FROM = 'R';
    /** GNU rename record: the full member name the directory of the preceding {@link #RENAME_FROM} has now. */
    static final byte RENAME_TO = 'T';
    /**
     * GNU rename record: a temporary directory is to be made in the directory named (a full member name); rename
     * records with an empty name mean that temporary directory. GNU tar writes one to break a cycle of renames.
     */
    static final byte TEMPORARY_DIRECTORY = 'X';

    /** Orders names as GNU tar does: bytewise (see {@link Names#compare}). */
    static final Comparator<String> NAME_ORDER = Names::compare;

    record Item(byte code, String name) {
    }

    private Listing() {
    }

    static byte[] encode(List<Item> sortedItems) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * sortedItems.size() + 1);
        for (Item item : sortedItems) {
            out.write(item.code());
            out.writeBytes(Names.encode(item.name()));
            out.write(0);
        }
        out.write(0);
        return out.toByteArray();
    }

    /**
     * Decodes a listing. Rename records ({@code R}/{@code T}, full paths) are returned as items too; callers that only
     * want directory entries use {@link #entries}.
     */
    static List<Item> decode(byte[] data) {
        List<Item> items = new ArrayList<>();
        int i = 0;
        while (i < data.length && data[i] != 0) {
            int end = i;
            while (end < data.length && data[end] != 0) {
                end++;
            }
            items.add(new Item(data[i], Names.decode(data, i + 1, end - i - 1)));
            i = end + 1;
        }
        return items;
    }

    /** The directory entries of a listing: items coded Y, N or D. */
    static List<Item> entries(byte[] data) {
        List<Item> all = decode(data);
        all.removeIf(item -> !isEntryCode(item.code()));
        return all;
    }

    /** The names of the entries coded {@code code}, decoding no other name (most of a listing is N). */
    static List<String> namesCoded(byte[] data, byte code) {
        List<String> names = new ArrayList<>();
        int i = 0;
        while (i < data.length && data[i] != 0) {
            int end = i;
            while (end < data.length && data[end] != 0) {
                end++;
            }
            if (data[i] == code) {
                names.add(Names.decode(data, i + 1, end - i - 1));
            }
            i = end + 1;
        }
        return names;
    }

    /** The rename records ({@code R}, {@code T}, {@code X}) of a listing, in order, decoding no other name. */
    static List<Item> renames(byte[] data) {
        List<Item> renames = new ArrayList<>();
        int i = 0;
        while (i < data.length && data[i] != 0) {
            int end = i;
            while (end < data.length && data[end] != 0) {
                end++;
            }
            if (isRenameCode(data[i])) {
                renames.add(new Item(data[i], Names.decode(data, i + 1, end - i - 1)));
            }
            i = end + 1;
        }
        return renames;
    }

    static Set<String> names(byte[] data) {
        Set<String> names = new HashSet<>();
        for (Item item : decode(data)) {
            if (isEntryCode(item.code())) {
                names.add(item.name());
            }
        }
        return names;
    }

    static boolean isRenameCode(byte code) {
        return code == RENAME_FROM || code == RENAME_TO || code == TEMPORARY_DIRECTORY;
    }

    static boolean isEntryCode(byte code) {
        return code == IN_ARCHIVE || code == UNCHANGED || code == DIRECTORY;
    }

    /**
     * The entries of a listing (every record but the rename records; GNU tar's are Y, N and D), looked up by name without an object per entry: one int per entry, the
     * offset of its record, ordered by the name's bytes. A listing of millions of short names (at most
     * {@link ArchiveLimits#LISTING} bytes) then costs a few bytes per entry beside its own bytes, not the hundred or
     * so a String in a map costs, so that any listing a restore accepts fits a small heap.
     */
    static final class Index {
        private final byte[] data;
        private final int[] offsets;

        private Index(byte[] data, int[] offsets) {
            this.data = data;
            this.offsets = offsets;
        }

        static Index of(byte[] data) {
            int count = 0;
            for (int i = 0; i < data.length && data[i] != 0; i = end(data, i) + 1) {
                if (isIndexed(data[i])) {
                    count++;
                }
            }
            int[] offsets = new int[count];
            int n = 0;
            boolean sorted = true;
            for (int i = 0; i < data.length && data[i] != 0; i = end(data, i) + 1) {
                if (isIndexed(data[i])) {
                    if (n > 0 && compareRecords(data, offsets[n - 1], i) > 0) {
                        sorted = false;
                    }
                    offsets[n++] = i;
                }
            }
            if (!sorted) {
                // GNU tar and the engine write sorted listings; anything else is sorted here, stably, so that of
                // two records of one name the later one wins, as it would when applied in order
                mergeSort(data, offsets, new int[offsets.length], 0, offsets.length);
            }
            return new Index(data, offsets);
        }

        /** The code of the entry {@code name}, or 0 when the listing has none. */
        byte code(String name) {
            byte[] key = Names.encode(name);
            int low = 0;
            int high = offsets.length - 1;
            int found = -1;
            while (low <= high) {
                int mid = (low + high) >>> 1;
                int c = compareName(data, offsets[mid], key);
                if (c < 0) {
                    low = mid + 1;
                } else if (c > 0) {
                    high = mid - 1;
                } else {
                    found = mid;
                    low = mid + 1; // the last record of that name
                }
            }
            return found < 0 ? 0 : data[offsets[found]];
        }

        private static boolean isIndexed(byte code) {
            return !isRenameCode(code);
        }

        private static int end(byte[] data, int record) {
            int end = record + 1;
            while (end < data.length && data[end] != 0) {
                end++;
            }
            return end;
        }

        /** Compares the name of the record at {@code a} with that at {@code b}, unsigned bytes. */
        private static int compareRecords(byte[] data, int a, int b) {
            int i = a + 1;
            int j = b + 1;
            while (true) {
                int x = i < data.length ? data[i] & 0xff : 0;
                int y = j < data.length ? data[j] & 0xff : 0;
                if (x != y || x == 0) {
                    return Integer.compare(x, y);
                }
                i++;
                j++;
            }
        }

        private static int compareName(byte[] data, int record, byte[] key) {
            int i = record + 1;
            for (int k = 0; k < key.length; k++, i++) {
                int x = i < data.length ? data[i] & 0xff : 0;
                int y = key[k] & 0xff;
                if (x != y) {
                    return Integer.compare(x, y);
                }
            }
            return i < data.length && data[i] != 0 ? 1 : 0;
        }

        private static void mergeSort(byte[] data, int[] a, int[] tmp, int from, int to) {
            if (to - from < 2) {
                return;
            }
            int mid = (from + to) >>> 1;
            mergeSort(data, a, tmp, from, mid);
            mergeSort(data, a, tmp, mid, to);
            int i = from;
            int j = mid;
            int k = from;
            while (i < mid && j < to) {
                tmp[k++] = compareRecords(data, a[i], a[j]) <= 0 ? a[i++] : a[j++];
            }
            while (i < mid) {
                tmp[k++] = a[i++];
            }
            while (j < to) {
                tmp[k++] = a[j++];
            }
            System.arraycopy(tmp, from, a, from, to - from);
        }
    }
}
