package org.aiod.backup.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.quarkus.resteasy.reactive.jackson.CustomDeserialization;

import org.aiod.backup.catalog.DatasetCatalog;
import org.aiod.backup.job.CommandRules;
import org.aiod.backup.job.ErrorCode;
import org.aiod.backup.job.Job;
import org.aiod.backup.job.JobCommand;
import org.aiod.backup.job.JobService;
import org.aiod.backup.job.JobSource;
import org.aiod.backup.job.JobState;
import org.aiod.backup.job.RestoreOptions;
import org.aiod.backup.job.Submission;
import org.aiod.backup.job.VerifyResult;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code POST /api/backups}, {@code POST /api/restores}, {@code POST /api/prunes} and {@code POST /api/verifications}:
 * each body becomes a job command from source
 * {@code http}, submitted like a message's. A new job answers {@code 202} and a request id already known answers
 * {@code 200}, both with the job and its {@code Location}. A command the validator rejects is journaled as a
 * {@code REJECTED} job (its event is published, like any rejection) and answers a problem naming that job: 404 when
 * the dataset, cycle or level does not exist, 400 when the command is invalid. A body that is not a JSON object of
 * the right shape never becomes a command and is not journaled: the caller gets the answer right away. Bodies are
 * read strictly ({@link StrictCommandReader}): an unknown field, a number given as a string or with a fraction,
 * anything after the object are refused, as over AMQP; so is a request id that is not 1 to 128 characters of
 * {@code [A-Za-z0-9._:-]}.
 *
 * <p>A prune without {@code dataset} prunes every managed dataset, as a {@code prune-commands} message without one
 * does: one job per dataset (request id {@code <requestId>:<dataset>}), answered {@code 202} (or {@code 200} when
 * every one was known) with the JSON array of the jobs, in dataset order, and no {@code Location}; a job that was
 * rejected is in the array with its state and error (its event is published like any other), not a problem.
 */
@Path("/api")
@Tag(name = "commands", description = "Start backups, restores, prunes and verifications")
// the answers every command shares; each operation adds its own 400 and 404
@APIResponse(responseCode = "202", description = "Queued; the job, whose Location to poll",
        headers = @Header(name = HttpHeaders.LOCATION, description = "/api/jobs/{id}"),
        content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Job.class)))
@APIResponse(responseCode = "200", description = "The request id is known: its job, not run again",
        content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Job.class)))
@APIResponse(responseCode = "409", description = "The request id was used for another command",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@APIResponse(responseCode = "503", description = "The job queue is full; retry after Retry-After seconds",
        headers = @Header(name = HttpHeaders.RETRY_AFTER), content = @Content(mediaType = Problem.MEDIA_TYPE,
                schema = @Schema(implementation = Problem.class)))
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class CommandResource {

    private final JobService jobs;
    private final DatasetCatalog catalog;

    public CommandResource(JobService jobs, DatasetCatalog catalog) {
        this.jobs = jobs;
        this.catalog = catalog;
    }

    @POST
    @Path("backups")
    @RolesAllowed({Roles.OPERATOR, Roles.ADMIN})
    @Operation(summary = "Back up a dataset",
            description = "Queues the next level of the dataset's current cycle (level 0 of a new cycle when the "
                    + "current one is full). Needs role backup-operator or backup-admin.")
    @APIResponse(responseCode = "400", description = "Invalid body or dataset name", content = @Content(
            mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "Unknown dataset, or its directory is missing",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @CustomDeserialization(StrictCommandReader.class)
    public Response backup(BackupRequest request) {
        require(request);
        requireRequestId(request.requestId());
        return answer(JobCommand.backup(request.dataset(), request.requestId(), JobSource.HTTP));
    }

    @POST
    @Path("restores")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Restore a dataset",
            description = "Queues a restore that makes <data-root>/<dataset>, or the target directory, exactly the"
                    + " tree of the given level (default: the cycle's last level) or of the last level completed at"
                    + " or before `at`; with paths only those; with dryRun nothing is changed and the job answers"
                    + " the plan. Needs role backup-admin.")
    @APIResponse(responseCode = "400", description = "Invalid body, dataset name, cycle or level", content = @Content(
            mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "The target is not under backup.restore.allowed-targets "
            + "(TARGET_NOT_ALLOWED), or the role is too low", content = @Content(mediaType = Problem.MEDIA_TYPE,
                    schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "Unknown dataset, no such cycle or no such level, no level at"
            + " that time", content = @Content(mediaType = Problem.MEDIA_TYPE,
                    schema = @Schema(implementation = Problem.class)))
    @CustomDeserialization(StrictCommandReader.class)
    public Response restore(RestoreRequest request) {
        require(request);
        requireRequestId(request.requestId());
        return answer(JobCommand.restore(request.dataset(), request.cycle(), request.level(), request.options(),
                request.requestId(), JobSource.HTTP));
    }

    @POST
    @Path("prunes")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Prune a dataset's old cycles",
            description = "Queues a prune that removes, each whole, the cycles of the dataset that backup.retention.*"
                    + " does not keep; with dryRun nothing is removed and the job lists what would go and the bytes it"
                    + " would free. With no retention set nothing is removed (a warning says so). Without dataset,"
                    + " one prune job per managed dataset, answered with the array of the jobs and no Location. Needs"
                    + " role backup-admin, a dry run too.")
    @APIResponse(responseCode = "400", description = "Invalid body or dataset name", content = @Content(
            mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "Unknown dataset", content = @Content(
            mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @CustomDeserialization(StrictCommandReader.class)
    public Response prune(PruneRequest request) {
        require(request);
        requireRequestId(request.requestId());
        JobCommand.Prune prune = JobCommand.prune(request.dataset(), request.dryRun(), request.requestId(),
                JobSource.HTTP);
        return prune.everyDataset() ? answerEach(prune) : answer(prune);
    }

    /**
     * A prune of every managed dataset, one job each, submitted in dataset order. A full queue part-way answers
     * 503: the jobs queued so far run, and the same request id again answers them from the journal.
     */
    private Response answerEach(JobCommand.Prune every) {
        List<Job> answered = new ArrayList<>();
        boolean allKnown = true;
        for (String dataset : catalog.names()) {
            JobCommand.Prune one = every.of(dataset);
            Submission submission = jobs.submit(one);
            checkSameCommand(submission, one);
            answered.add(submission.job());
            allKnown &= submission.existing();
        }
        return Response.status(allKnown && !answered.isEmpty() ? Response.Status.OK : Response.Status.ACCEPTED)
                .entity(answered).build();
    }

    @POST
    @Path("verifications")
    @RolesAllowed({Roles.OPERATOR, Roles.ADMIN})
    @Operation(summary = "Verify a dataset's archives",
            description = "Queues a verify: depth checksums (default) reads every archive to its end against"
                    + " SHA256SUMS; drill also restores the newest level into a scratch directory and checks every"
                    + " member. Damage ends the job FAILED with VERIFY_FAILED and the per-level results. Needs role"
                    + " backup-operator or backup-admin.")
    @APIResponse(responseCode = "400", description = "Invalid body, dataset name or depth", content = @Content(
            mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "Unknown dataset", content = @Content(
            mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @CustomDeserialization(StrictCommandReader.class)
    public Response verify(VerifyRequest request) {
        require(request);
        requireRequestId(request.requestId());
        return answer(JobCommand.verify(request.dataset(), request.depth(), request.requestId(), JobSource.HTTP));
    }

    private Response answer(JobCommand command) {
        Submission submission = jobs.submit(command);
        Job job = submission.job();
        checkSameCommand(submission, command);
        if (job.status() == JobState.REJECTED) {
            throw ApiException.rejected(job);
        }
        return Response.status(submission.existing() ? Response.Status.OK : Response.Status.ACCEPTED)
                .header(HttpHeaders.LOCATION, JobResource.location(job.jobId()))
                .entity(job)
                .build();
    }

    private static void checkSameCommand(Submission submission, JobCommand command) {
        Job job = submission.job();
        if (submission.existing() && !sameCommand(job, command)) {
            throw new ApiException.Conflict(ErrorCode.REQUEST_ID_CONFLICT, "request id '" + command.requestId()
                    + "' was used for another command: " + job.type() + " of dataset '" + job.dataset() + "'",
                    job.jobId());
        }
    }

    /** Whether a known job is the one {@code command} asks for (a finished restore records the level it chose). */
    private static boolean sameCommand(Job job, JobCommand command) {
        return job.type() == command.type() && Objects.equals(job.dataset(), command.dataset())
                && command.match(new JobCommand.Cases<Boolean>() {
                    @Override
                    public Boolean backup(JobCommand.Backup backup) {
                        return true;
                    }

                    @Override
                    public Boolean restore(JobCommand.Restore restore) {
                        if (!RestoreOptions.same(job.options(), restore.options())) {
                            return false;
                        }
                        // a restore by `at` names no cycle: the one its job chose is recorded when it ran
                        return restore.options().at() != null || Objects.equals(job.cycle(), restore.cycle())
                                && (restore.level() == null || Objects.equals(job.level(), restore.level()));
                    }

                    @Override
                    public Boolean prune(JobCommand.Prune prune) {
                        // false and absent are the same command
                        return job.prune() != null && job.prune().dryRunAsked() == prune.dryRunAsked();
                    }

                    @Override
                    public Boolean verify(JobCommand.Verify verify) {
                        return job.verify() != null && VerifyResult.sameDepth(job.verify().depth(), verify.depth());
                    }
                });
    }

    /** An ill-formed request id never becomes a command: it would be journaled, logged and echoed in events. */
    private static void requireRequestId(String requestId) {
        String problem = CommandRules.requestIdProblem(requestId);
        if (problem != null) {
            throw new ApiException.InvalidInput(ErrorCode.INVALID_BODY, problem);
        }
    }

    private static void require(Object body) {
        if (body == null) {
            throw new ApiException.InvalidInput(ErrorCode.INVALID_COMMAND, "a JSON body is required");
        }
    }
}
