package org.aiod.backup.engine;

import java.nio.file.Path;

/**
 * Runs one backup, restore or prune in a child JVM and kills that JVM on the spot ({@code Runtime.halt}, no shutdown
 * hooks, no finally blocks) when the run reaches a given point: the closest thing to {@code kill -9} at an exact
 * step. Arguments: {@code dataRoot backupRoot backup|restore|drill|prune haltAt [cycle level [target [path...]]]} (for
 * prune: {@code [keepLast]}), where haltAt
 * is a {@link Phase} name or {@code FILE:n} (after the n-th file), target a directory to restore into ({@code -}:
 * in place) and the paths a subset to restore.
 */
public final class CrashingRunMain {

    static final int HALTED = 137;

    public static void main(String[] args) {
        Engine engine = new Engine(EngineOptions.defaults(Path.of(args[0]), Path.of(args[1])).withCycleLength(100));
        String haltAt = args[3];
        ProgressListener listener = new ProgressListener() {
            private int files;

            @Override
            public void phase(Phase phase) {
                if (phase.name().equals(haltAt)) {
                    Runtime.getRuntime().halt(HALTED);
                }
            }

            @Override
            public void file(String path, long bytes) {
                if (haltAt.equals("FILE:" + ++files)) {
                    Runtime.getRuntime().halt(HALTED);
                }
            }
        };
        if (args[2].equals("backup")) {
            engine.backup("x", listener);
        } else if (args[2].equals("drill")) {
            engine.verify("x", VerifyDepth.DRILL, listener);
        } else if (args[2].equals("prune")) {
            engine.prune("x", new RetentionPolicy(Integer.parseInt(args[4]), null, 0, 0, 0,
                    java.time.ZoneOffset.UTC), false, listener);
        } else {
            RestoreSpec spec = new RestoreSpec("x", Long.parseLong(args[4]), Integer.valueOf(args[5]));
            if (args.length > 6 && !args[6].equals("-")) {
                spec = spec.withTarget(Path.of(args[6]));
            }
            if (args.length > 7) {
                spec = spec.withPaths(java.util.Arrays.asList(args).subList(7, args.length));
            }
            engine.restore(spec, listener);
        }
        System.exit(0);
    }
}
