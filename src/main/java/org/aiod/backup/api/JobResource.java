package org.aiod.backup.api;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.aiod.backup.job.CommandRules;
import org.aiod.backup.job.ErrorCode;
import org.aiod.backup.job.Job;
import org.aiod.backup.job.JobPage;
import org.aiod.backup.job.JobProgress;
import org.aiod.backup.job.JobService;
import org.aiod.backup.job.JobState;
import org.aiod.backup.job.PlanKind;
import org.aiod.backup.job.PlanPage;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code GET /api/jobs} (paged, newest first) and {@code GET /api/jobs/{id}}: the journal; {@code GET /api/jobs/{id}/plan}:
 * a page of a dry run's plan.
 */
@Path("/api/jobs")
@Tag(name = "jobs", description = "Jobs from every source: HTTP, AMQP, the schedule, the CLI")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.VIEWER, Roles.OPERATOR, Roles.ADMIN})
public class JobResource {

    private final JobService jobs;
    private final ObjectMapper json;

    public JobResource(JobService jobs, ObjectMapper json) {
        this.jobs = jobs;
        this.json = json;
    }

    /** Where a job is found: the {@code Location} of a submission and the {@code instance} of its rejection. */
    static String location(String jobId) {
        return "/api/jobs/" + jobId;
    }

    @GET
    @Operation(summary = "List jobs", description = "Jobs in the journal, newest first (by the time they were "
            + "queued), optionally of one dataset, in one state, queued within a time range; at most limit of them "
            + "(default " + JobPage.DEFAULT_LIMIT + ", at most " + JobPage.MAX_LIMIT + "). When more match, the "
            + "answer has a Link header with rel=\"next\" (the same query with a cursor) and the cursor alone in "
            + "X-Next-Cursor. Needs role backup-viewer or above.")
    @APIResponse(responseCode = "200", description = "The jobs", content = @Content(
            mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = Job.class, type = SchemaType.ARRAY)))
    @APIResponse(responseCode = "400", description = "Unknown status, or a limit, cursor or time that is not one",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response list(
            @Parameter(description = "only jobs of this dataset") @QueryParam("dataset") String dataset,
            @Parameter(description = "only jobs in this state", schema = @Schema(implementation = JobState.class))
            @QueryParam("status") String status,
            @Parameter(description = "only jobs queued at or after this time (ISO-8601 with an offset)")
            @QueryParam("since") String since,
            @Parameter(description = "only jobs queued before this time (ISO-8601 with an offset)")
            @QueryParam("until") String until,
            @Parameter(description = "how many jobs at most, 1.." + JobPage.MAX_LIMIT + ", default "
                    + JobPage.DEFAULT_LIMIT) @QueryParam("limit") String limit,
            @Parameter(description = "where to continue: the cursor of the previous page's next link")
            @QueryParam("cursor") String cursor,
            @Context UriInfo uri) {
        JobPage.Position after = null;
        if (cursor != null) {
            after = JobPage.Position.of(cursor).orElseThrow(() -> new ApiException.InvalidInput(
                    ErrorCode.INVALID_PAGE, "cursor '" + cursor + "' is not one this service made: take it from"
                    + " the Link header of the previous page"));
        }
        JobPage page = jobs.page(new JobPage.Query(blankToNull(dataset),
                status == null || status.isBlank() ? null : state(status), time("since", since), time("until", until),
                (int) number("limit", limit, JobPage.DEFAULT_LIMIT, 1, JobPage.MAX_LIMIT), after));
        Response.ResponseBuilder answer = Response.ok(page.jobs());
        if (page.nextCursor() != null) {
            java.net.URI next = uri.getRequestUriBuilder().replaceQueryParam("cursor", page.nextCursor()).build();
            answer.link(next, "next").header("X-Next-Cursor", page.nextCursor());
        }
        return answer.build();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static java.time.Instant time(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        java.time.Instant instant = CommandRules.parseAt(value.trim());
        if (instant == null) {
            throw new ApiException.InvalidInput(ErrorCode.INVALID_PAGE, name + " '" + value + "' is not an ISO-8601"
                    + " time with an offset, such as 2026-11-30T02:00:00Z");
        }
        return instant;
    }

    @GET
    @Path("{id}")
    @Operation(summary = "Get a job", description = "The job and, while it runs, its last progress report under "
            + "progress (phase, files and bytes done and total, estimated, bytesPerSecond, etaSeconds). Needs role "
            + "backup-viewer or above.")
    @APIResponse(responseCode = "200", description = "The job", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Job.class)))
    @APIResponse(responseCode = "404", description = "No such job", content = @Content(
            mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public JsonNode get(@PathParam("id") String id) {
        return body(json, job(id), jobs.progress(id));
    }

    /**
     * A job as {@code GET /api/jobs/{id}} answers it: the job as stored and, while it runs, its last progress report
     * under {@code progress} (which the journal never holds).
     */
    static JsonNode body(ObjectMapper json, Job job, Optional<JobProgress> progress) {
        ObjectNode body = json.valueToTree(job);
        if (!job.status().isFinal()) {
            progress.ifPresent(p -> body.set("progress", json.valueToTree(p)));
        }
        return body;
    }

    private Job job(String id) {
        return jobs.find(id).orElseThrow(() -> new ApiException.NotFound(ErrorCode.UNKNOWN_JOB, "no job '" + id + "'"));
    }

    /** The most paths one page of a plan answers. */
    static final int MAX_PLAN_PAGE = 1000;

    @GET
    @Path("{id}/plan")
    @Operation(summary = "Page through a dry run's plan", description = "The paths of one kind of change of a "
            + "dry-run restore's plan, in path order, from offset, at most limit (at most " + MAX_PLAN_PAGE + "). "
            + "Needs role backup-viewer or above.")
    @APIResponse(responseCode = "200", description = "A page of the plan", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PlanPage.class)))
    @APIResponse(responseCode = "400", description = "A kind, offset or limit that is not one", content = @Content(
            mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No such job, or no plan kept for it", content = @Content(
            mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public PlanPage plan(@PathParam("id") String id,
            @Parameter(description = "create, replace or delete") @QueryParam("kind") String kind,
            @Parameter(description = "index of the first path, default 0") @QueryParam("offset") String offset,
            @Parameter(description = "how many paths at most, 1.." + MAX_PLAN_PAGE + ", default 100")
            @QueryParam("limit") String limit) {
        PlanKind planKind = PlanKind.of(kind == null ? "" : kind).orElseThrow(() -> new ApiException.InvalidInput(
                ErrorCode.INVALID_PAGE, "kind '" + kind + "' is not one of create, replace, delete"));
        long from = number("offset", offset, 0, 0, Long.MAX_VALUE);
        int count = (int) number("limit", limit, 100, 1, MAX_PLAN_PAGE);
        Job job = job(id);
        return jobs.planPage(job, planKind, from, count).orElseThrow(() -> new ApiException.NotFound(
                ErrorCode.NO_PLAN, "job '" + id + "' has no plan whose paths are kept", id));
    }

    private static long number(String name, String value, long absent, long min, long max) {
        if (value == null) {
            return absent;
        }
        try {
            long n = Long.parseLong(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new ApiException.InvalidInput(ErrorCode.INVALID_PAGE, name + " '" + value + "' is not a number from "
                + min + " to " + max);
    }

    private static JobState state(String status) {
        try {
            return JobState.valueOf(status.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ApiException.InvalidInput(ErrorCode.INVALID_STATUS, "unknown status '" + status
                    + "': expected one of " + Arrays.toString(JobState.values()));
        }
    }
}
