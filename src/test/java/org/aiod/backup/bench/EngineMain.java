package org.aiod.backup.bench;

import java.nio.file.Path;

import org.aiod.backup.engine.Engine;
import org.aiod.backup.engine.EngineOptions;
import org.aiod.backup.engine.RestoreSpec;

/**
 * The engine as a whole process, for the benchmark's cold-JVM figures:
 * {@code backup|restore <dataRoot> <backupRoot> <dataset> [cycle]}.
 */
public final class EngineMain {

    public static void main(String[] args) {
        Engine engine = new Engine(EngineOptions.defaults(Path.of(args[1]), Path.of(args[2])).withCycleLength(100));
        if (args[0].equals("backup")) {
            System.out.println(engine.backup(args[3]));
        } else {
            System.out.println(engine.restore(new RestoreSpec(args[3], Long.parseLong(args[4]), null)));
        }
    }
}
