package org.aiod.backup.cli;

import java.util.List;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * The artifact's entry point: without arguments the service; with arguments one command, run without starting
 * Quarkus at all (no port, no broker), exiting with its status.
 */
@QuarkusMain
public final class Main {

    private Main() {
    }

    public static void main(String... args) {
        if (args.length == 0) {
            Quarkus.run(args);
            return;
        }
        System.exit(new CommandLineTool(System.out, System.err).run(List.of(args)));
    }
}
