package org.aiod.backup.job;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Whether a restore target lies under one of the allowed directories. Both sides are made absolute and normalized,
 * and the longest part of each that exists is resolved to its real path, so that a symlink on the way
 * ({@code /srv/restore/x -> /etc}) cannot lead a target out of an allowed directory.
 */
final class RestoreTargets {

    private RestoreTargets() {
    }

    /** Whether {@code target} is one of {@code allowed} or lies under one. */
    static boolean isAllowed(Path target, List<Path> allowed) {
        Path real = real(target);
        return allowed.stream().map(RestoreTargets::real).anyMatch(real::startsWith);
    }

    /** {@code path} absolute and normalized, its longest existing part resolved through its symlinks. */
    static Path real(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        Path existing = absolute;
        Deque<Path> missing = new ArrayDeque<>();
        while (existing.getParent() != null && !Files.exists(existing)) {
            missing.push(existing.getFileName());
            existing = existing.getParent();
        }
        Path resolved;
        try {
            resolved = existing.toRealPath();
        } catch (IOException e) {
            // it vanished or cannot be read: compare what was named, the engine then fails on it by its own rules
            resolved = existing;
        }
        while (!missing.isEmpty()) {
            resolved = resolved.resolve(missing.pop());
        }
        return resolved.normalize();
    }
}
