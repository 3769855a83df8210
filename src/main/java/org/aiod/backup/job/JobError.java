package org.aiod.backup.job;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Why a job failed or was rejected: a stable code (the engine's error kinds, or the validator's) and a message.
 * Serialised as {@code {"code":"NO_SUCH_CYCLE","message":"..."}}: the code as its wire string.
 *
 * @param errorCode what went wrong, as the service's vocabulary names it
 */
public record JobError(@JsonProperty("code") ErrorCode errorCode, String message) {

    /** The code's wire string, such as {@code NO_SUCH_CYCLE}. */
    public String code() {
        return errorCode == null ? null : errorCode.name();
    }
}
