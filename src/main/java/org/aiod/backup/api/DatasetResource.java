package org.aiod.backup.api;

import java.time.Instant;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.aiod.backup.catalog.DatasetCatalog;
import io.quarkus.scheduler.Scheduler;
import io.quarkus.scheduler.Trigger;

import org.aiod.backup.job.Job;
import org.aiod.backup.job.JobService;
import org.aiod.backup.job.JobState;
import org.aiod.backup.job.JobType;
import org.aiod.backup.schedule.BackupScheduler;
import org.aiod.backup.schedule.VerifyScheduler;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code GET /api/datasets} and {@code GET /api/datasets/{name}}: what is on disk, as the dataset catalog reads it. */
@Path("/api/datasets")
@Tag(name = "datasets", description = "Managed datasets and their backups")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.VIEWER, Roles.OPERATOR, Roles.ADMIN})
public class DatasetResource {

    private final DatasetCatalog catalog;
    private final JobService jobs;
    private final Scheduler scheduler;
    /** Each level's off-site state (issue #14); field-injected to leave the constructor as it is. */
    @jakarta.inject.Inject
    org.aiod.backup.offsite.OffsiteService offsite;

    public DatasetResource(DatasetCatalog catalog, JobService jobs, Scheduler scheduler) {
        this.catalog = catalog;
        this.jobs = jobs;
        this.scheduler = scheduler;
    }

    @GET
    @Operation(summary = "List datasets", description = "Every managed dataset: whether its data directory exists, "
            + "the size of its backups, its archives by verify state, when its last backup succeeded and failed (from "
            + "the journal), when the schedules run next, and one line per cycle. Needs role backup-viewer or above.")
    @APIResponse(responseCode = "200", description = "The datasets", content = @Content(
            mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = DatasetSummary.class, type = SchemaType.ARRAY)))
    public List<DatasetSummary> list() {
        Instant nextBackup = nextFire(BackupScheduler.IDENTITY);
        Instant nextVerify = nextFire(VerifyScheduler.IDENTITY);
        return catalog.datasets().stream().map(d -> DatasetSummary.of(d, new DatasetSummary.ServiceFacts(
                lastBackupEnded(d.name(), JobState.SUCCEEDED, JobState.PARTIAL),
                lastBackupEnded(d.name(), JobState.FAILED), nextBackup, nextVerify))).toList();
    }

    /** When the last backup of {@code dataset} that ended in one of {@code states} finished; {@code null}: none. */
    private Instant lastBackupEnded(String dataset, JobState... states) {
        List<JobState> wanted = List.of(states);
        return jobs.lastFinished(dataset, JobType.BACKUP, wanted).map(Job::finishedAt).orElse(null);
    }

    private Instant nextFire(String identity) {
        Trigger trigger = scheduler.getScheduledJob(identity);
        return trigger == null ? null : trigger.getNextFireTime();
    }

    @GET
    @Path("{name}")
    @Operation(summary = "Get a dataset", description = "Its cycles and levels: archive sizes, times and each "
            + "archive's checksum state: listed in its cycle's SHA256SUMS, unlisted, verified (when, how deep) or "
            + "corrupt, as the last verify found it; with off-site copies on, its off-site state. Needs role backup-viewer or above.")
    @APIResponse(responseCode = "200", description = "The dataset", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = DatasetView.class)))
    @APIResponse(responseCode = "404", description = "Not a managed dataset", content = @Content(
            mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public DatasetView get(@PathParam("name") String name) {
        return catalog.dataset(name).map(d -> DatasetView.of(d, offsite.enabled() ? offsite::level : null)).orElseThrow(
                () -> new ApiException.NotFound(org.aiod.backup.job.ErrorCode.UNKNOWN_DATASET, "unknown dataset '" + name + "'"));
    }
}
