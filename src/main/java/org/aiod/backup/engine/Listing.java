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

    static Set<String> names(byte[] data) {
        Set<String> names = new HashSet<>();
        for (Item item : decode(data)) {
            if (isEntryCode(item.code())) {
                names.add(item.name());
            }
        }
        return names;
    }

    static boolean isEntryCode(byte code) {
        return code == IN_ARCHIVE || code == UNCHANGED || code == DIRECTORY;
    }
}
