package org.aiod.backup.api;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.aiod.backup.job.ErrorCode;
import org.aiod.backup.job.Job;
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
 * {@code GET /api/jobs} and {@code GET /api/jobs/{id}}: the journal, newest first; {@code GET /api/jobs/{id}/plan}:
 * a page of a dry run's plan.
 */
@Path("/api/jobs")
@Tag(name = "jobs", description = "Jobs from every source: HTTP, AMQP, the schedule, the CLI")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.VIEWER, Roles.OPERATOR, Roles.ADMIN})
public class JobResource {

    private final JobService jobs;

    public JobResource(JobService jobs) {
        this.jobs = jobs;
    }

    /** Where a job is found: the {@code Location} of a submission and the {@code instance} of its rejection. */
    static String location(String jobId) {
        return "/api/jobs/" + jobId;
    }

    @GET
    @Operation(summary = "List jobs", description = "Jobs in the journal, newest first, optionally of one dataset "
            + "and in one state. Needs role backup-viewer or above.")
    @APIResponse(responseCode = "200", description = "The jobs", content = @Content(
            mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = Job.class, type = SchemaType.ARRAY)))
    @APIResponse(responseCode = "400", description = "Unknown status", content = @Content(
            mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public List<Job> list(
            @Parameter(description = "only jobs of this dataset") @QueryParam("dataset") String dataset,
            @Parameter(description = "only jobs in this state", schema = @Schema(implementation = JobState.class))
            @QueryParam("status") String status) {
        return jobs.list(dataset, status == null || status.isBlank() ? null : state(status));
    }

    @GET
    @Path("{id}")
    @Operation(summary = "Get a job", description = "Needs role backup-viewer or above.")
    @APIResponse(responseCode = "200", description = "The job", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Job.class)))
    @APIResponse(responseCode = "404", description = "No such job", content = @Content(
            mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Job get(@PathParam("id") String id) {
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
        Job job = get(id);
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
