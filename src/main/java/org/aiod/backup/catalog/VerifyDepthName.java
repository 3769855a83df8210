package org.aiod.backup.catalog;

import java.util.Arrays;
import java.util.Locale;

/** How deep a verify looks, with its name on the wire ({@code checksums}, {@code drill}). */
public enum VerifyDepthName {
    /** Every archive of the dataset read to its end against its cycle's {@code SHA256SUMS}. */
    CHECKSUMS,
    /** A test restore of the newest restorable level into a scratch directory, every member checked, then removed. */
    DRILL;

    /** The name on the wire: {@code checksums} or {@code drill}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The depth named {@code label} ({@code checksums} or {@code drill}, any case).
     *
     * @throws IllegalArgumentException when it names none
     */
    public static VerifyDepthName of(String label) {
        return Arrays.stream(values()).filter(d -> d.label().equalsIgnoreCase(label)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown verify depth '" + label
                        + "' (known: checksums, drill)"));
    }
}
