package org.aiod.backup.job;

import java.util.List;

import org.aiod.backup.engine.NotTaken;

/**
 * What a {@code PARTIAL} job could not take: how many files, and the first {@link #SHOWN} of them with why, so that a
 * job view and an event stay small however many files were missed.
 *
 * @param total how many files the level lacks
 * @param files the first of them, at most {@link #SHOWN}
 */
public record MissedFiles(long total, List<File> files) {

    /** Files named in a job's view and event; the rest are only counted (the service log has them all). */
    public static final int SHOWN = 100;

    /** One file not taken: its path relative to the dataset, and why. */
    public record File(String path, String reason) {
    }

    static MissedFiles of(List<NotTaken> first, long total) {
        return new MissedFiles(total, first.stream().limit(SHOWN).map(n -> new File(n.path(), n.reason())).toList());
    }
}
