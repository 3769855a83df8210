package org.aiod.backup.job;

import java.util.concurrent.CompletionStage;

/** Where a finished job's completion event goes; the stage completes once the event is accepted downstream. */
public interface JobEventSink {

    CompletionStage<Void> publish(Job job);
}
