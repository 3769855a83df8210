package org.aiod.backup.job;

import com.fasterxml.jackson.annotation.JsonValue;

/** Where a command came from. */
public enum JobSource {
    AMQP, HTTP, SCHEDULE, CLI;

    @JsonValue
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
