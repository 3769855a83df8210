package org.aiod.backup.api;

import java.time.Duration;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.BackPressureStrategy;

import org.aiod.backup.job.Job;
import org.aiod.backup.job.JobFeed;
import org.aiod.backup.job.JobProgress;
import org.aiod.backup.job.JobService;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code GET /api/jobs/stream}: Server-Sent Events of jobs as they change, for the console and for {@code curl -N}.
 * An event {@code job} carries a job as {@code GET /api/jobs/{id}} shows it (first one per unfinished job, then one
 * per transition); an event {@code progress} how far a running job is, at most once a second per job; a comment
 * every 15 s keeps proxies from closing an idle stream.
 */
@Path("/api/jobs/stream")
@Tag(name = "jobs")
@RolesAllowed({Roles.VIEWER, Roles.OPERATOR, Roles.ADMIN})
public class JobStreamResource {

    static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

    private final JobService jobs;
    private final JobFeed feed;
    private final ObjectMapper json;

    public JobStreamResource(JobService jobs, JobFeed feed, ObjectMapper json) {
        this.jobs = jobs;
        this.feed = feed;
        this.json = json;
    }

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(summary = "Watch jobs live", description = "Server-Sent Events: 'job' (a job as GET /api/jobs/{id} "
            + "answers it: each unfinished job when the stream opens, then every transition) and 'progress' (a "
            + "running job's phase, files and bytes, at most once a second per job). Needs role backup-viewer or "
            + "above.")
    public Multi<OutboundSseEvent> stream(@Context Sse sse) {
        Multi<OutboundSseEvent> changes = Multi.createFrom().<OutboundSseEvent>emitter(emitter -> {
            AutoCloseable subscription = feed.subscribe(new JobFeed.Subscriber() {
                @Override
                public void job(Job job) {
                    emitter.emit(event(sse, "job", job));
                }

                @Override
                public void progress(JobProgress progress) {
                    emitter.emit(event(sse, "progress", progress));
                }
            });
            emitter.onTermination(() -> {
                try {
                    subscription.close();
                } catch (Exception e) {
                    // closing a subscription only removes it from a set
                }
            });
            // subscribed first, then the snapshot: a transition in between is sent twice rather than never
            for (Job job : jobs.unfinished()) {
                emitter.emit(event(sse, "job", job));
            }
        }, BackPressureStrategy.BUFFER);
        Multi<OutboundSseEvent> keepAlive = Multi.createFrom().ticks().every(KEEP_ALIVE)
                .map(tick -> sse.newEventBuilder().comment("keep-alive").build());
        return Multi.createBy().merging().streams(changes, keepAlive);
    }

    private OutboundSseEvent event(Sse sse, String name, Object data) {
        try {
            return sse.newEventBuilder().name(name).mediaType(MediaType.APPLICATION_JSON_TYPE)
                    .data(String.class, json.writeValueAsString(data)).build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a " + name + " event cannot be written as JSON", e);
        }
    }
}
