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

    /** Read by Quarkus's HTTP root handler when the server starts. */
    static final String URI_VALIDATION = "vertx.disableURIValidation";

    private Main() {
    }

    public static void main(String... args) {
        if (args.length == 0) {
            // Quarkus answers a request target that is not a valid URI with a bare 400 before any application code;
            // without its check, the API's first route checks the same and answers a problem (api.RequestLimits)
            if (System.getProperty(URI_VALIDATION) == null) {
                System.setProperty(URI_VALIDATION, "true");
            }
            Quarkus.run(args);
            return;
        }
        System.exit(new CommandLineTool(System.out, System.err).run(List.of(args)));
    }
}
