package org.aiod.backup.job;

import java.util.List;

import org.aiod.backup.engine.RestorePlan;

/**
 * What a dry-run restore found it would change, as a job carries it (journal, HTTP, event): the engine's
 * {@link RestorePlan} as a wire type of its own. Each kind of change has its count and bytes over every entry and the
 * first paths in path order, at most {@link org.aiod.backup.engine.RestoreSpec#DEFAULT_PLAN_LIMIT}.
 *
 * @param create              files and symlinks of the level the destination lacks
 * @param replace             files and symlinks in both that differ (kind, size, mtime, mode, owner as root, link
 *                            target)
 * @param delete              files and symlinks of the destination that are not in the level
 * @param unchanged           entries of the level the destination already has as they are
 * @param directoriesToCreate directories of the level the destination lacks
 * @param directoriesToDelete directories of the destination not in the level
 */
public record JobPlan(Change create, Change replace, Change delete, long unchanged, long directoriesToCreate,
        long directoriesToDelete) {

    /**
     * One kind of change.
     *
     * @param count how many entries
     * @param bytes their size (for delete, the destination's)
     * @param paths the first of them, dataset-relative, in path order
     */
    public record Change(long count, long bytes, List<String> paths) {
    }

    static JobPlan of(RestorePlan plan) {
        return new JobPlan(change(plan.create()), change(plan.replace()), change(plan.delete()), plan.unchanged(),
                plan.directoriesToCreate(), plan.directoriesToDelete());
    }

    private static Change change(RestorePlan.Change change) {
        // the engine may list every path (a service's dry run keeps them all in plan files): the job keeps the first
        List<String> paths = change.paths();
        int shown = Math.min(paths.size(), org.aiod.backup.engine.RestoreSpec.DEFAULT_PLAN_LIMIT);
        return new Change(change.count(), change.bytes(), List.copyOf(paths.subList(0, shown)));
    }
}
