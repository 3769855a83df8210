package org.aiod.backup.job;

/** Why a job failed or was rejected: a stable code (the engine's error kinds, or the validator's) and a message. */
public record JobError(String code, String message) {
}
