package org.aiod.backup.cli;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import org.aiod.backup.job.Job;
import org.aiod.backup.job.JobSource;
import org.aiod.backup.job.JobState;
import org.aiod.backup.job.JobType;

/**
 * Jackson for a process that lives for one command. Loading and initialising Jackson (its classes, the modules found
 * on the class path, the serializers of {@link Job}) is a large share of a short command's start: about as much as
 * a no-change incremental's walk of 15 000 files. So the command line's own mapper is built only when a command
 * writes {@code --json}, and a command that ends by writing its job into the journal has Jackson loaded on a second
 * thread while the main thread reads the configuration (the journal's mapper, built after it, finds
 * the classes loaded, initialised and introspected). {@code --help}, {@code list} and {@code verify <dataset>
 * <cycle>} without {@code --json} never load it.
 */
final class JsonStart {

    private JsonStart() {
    }

    /**
     * The command line's {@code --json} mapper, as the service's ObjectMapper writes (Quarkus's defaults, which
     * application.properties leaves alone): the modules on the class path (java.time among them) and instants as
     * ISO-8601 strings, not numbers. Built on first use.
     */
    static ObjectMapper mapper() {
        return Holder.MAPPER;
    }

    private static final class Holder {
        static final ObjectMapper MAPPER = JsonMapper.builder().findAndAddModules()
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();
    }

    /**
     * Starts loading Jackson on a daemon thread: the command's mapper when it writes {@code --json}, else a mapper
     * configured as the journal's, each writing a job held in memory (nothing is written anywhere). A failure there
     * is left for the real use to meet and report; the thread never prints. The caller {@link #await}s it before it
     * uses anything that may use Jackson, so that Jackson's classes are never initialised by two threads at once
     * (the main thread reads the configuration meanwhile, which does not use Jackson).
     */
    static Thread warmUp(boolean json) {
        Thread thread = new Thread(() -> {
            try {
                ObjectMapper warm = json ? mapper() : JsonMapper.builder().findAndAddModules()
                        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();
                warm.writeValueAsBytes(new Job("warm-up", null, null, JobType.BACKUP, "warm-up", 0L, 0,
                        JobSource.CLI, JobState.SUCCEEDED, Instant.EPOCH, Instant.EPOCH, Instant.EPOCH, 0L, 0L,
                        "warm-up", null, List.of(), null));
            } catch (Exception | LinkageError e) {
                // the journal's or the command's own use of Jackson meets the same failure and says what it is
            }
        }, "aiod-json-warm-up");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** Waits for {@code warmUp} (when there is one) to end. */
    static void await(Thread warmUp) {
        if (warmUp == null) {
            return;
        }
        try {
            warmUp.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
