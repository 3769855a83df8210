package org.aiod.backup.engine;

import java.util.regex.Pattern;

/**
 * The one rule of what a dataset may be called: 1 to 128 characters of {@code [A-Za-z0-9._-]}, starting with a letter
 * or digit. A name is one path component under the data and backup roots, never {@code .}, {@code ..} or hidden, so
 * it can never lead out of them; the engine refuses any other name, and the job runner rejects a command naming one
 * before it reaches the engine.
 */
public final class DatasetName {

    /** A whole dataset name, its length included. */
    public static final Pattern PATTERN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private DatasetName() {
    }

    /** Whether {@code name} is a valid dataset name ({@code null} is not). */
    public static boolean isValid(String name) {
        return name != null && PATTERN.matcher(name).matches();
    }
}
