package org.aiod.backup.job;

import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The options of a restore beside its cycle and level, as the caller sent them (valid or not: a rejected command
 * echoes them). Every field is optional and {@code null} when absent; absent, each means today's restore: in place
 * ({@code target}), the whole tree ({@code paths}), by cycle and level ({@code at}), for real ({@code dryRun}).
 *
 * @param target    the absolute directory to restore into instead of the dataset's
 * @param overwrite whether an existing, non-empty {@code target} may be replaced
 * @param paths     dataset-relative files or directories: only those are restored
 * @param at        an ISO-8601 instant with an offset, instead of a cycle and level: the last level completed at or
 *                  before it, across cycles
 * @param dryRun    change nothing and answer the plan of what the restore would do
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RestoreOptions(String target, Boolean overwrite, List<String> paths, String at, Boolean dryRun) {

    /** No option: today's restore in place of the whole tree. */
    public static final RestoreOptions NONE = new RestoreOptions(null, null, null, null, null);

    public RestoreOptions {
        // a list as sent may hold nulls (a rule refuses them), which List.copyOf would not take
        paths = paths == null ? null : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(paths));
    }

    public boolean overwriteAsked() {
        return Boolean.TRUE.equals(overwrite);
    }

    public boolean dryRunAsked() {
        return Boolean.TRUE.equals(dryRun);
    }

    /** The paths, empty for the whole tree. */
    public List<String> pathsAsked() {
        return paths == null ? List.of() : paths;
    }

    /**
     * The same options with defaults written as absent ({@code false}, an empty list), so that two ways of asking for
     * the same restore compare equal; {@code null} when nothing is asked, which is what a job of a restore without
     * options keeps (its journal file and HTTP body stay as they were).
     */
    public RestoreOptions canonical() {
        RestoreOptions c = new RestoreOptions(target, overwriteAsked() ? Boolean.TRUE : null,
                pathsAsked().isEmpty() ? null : paths, at, dryRunAsked() ? Boolean.TRUE : null);
        return c.equals(NONE) ? null : c;
    }

    /** Whether {@code a} and {@code b} (either may be {@code null}) ask for the same restore. */
    public static boolean same(RestoreOptions a, RestoreOptions b) {
        return Objects.equals(a == null ? null : a.canonical(), b == null ? null : b.canonical());
    }
}
