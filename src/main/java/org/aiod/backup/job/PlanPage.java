package org.aiod.backup.job;

import java.util.List;

/**
 * One page of a kind of change of a dry run's plan ({@code GET /api/jobs/{id}/plan}).
 *
 * @param kind   {@code create}, {@code replace} or {@code delete}
 * @param offset the index of the first path of the page in the whole list (in path order)
 * @param limit  how many paths were asked for at most
 * @param total  how many paths the whole list has (the plan's count)
 * @param paths  the page's paths, dataset-relative, escaped as in messages
 */
public record PlanPage(String kind, long offset, int limit, long total, List<String> paths) {
}
