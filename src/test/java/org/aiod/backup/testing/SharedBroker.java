package org.aiod.backup.testing;

import io.quarkus.test.common.QuarkusTestResource;

/**
 * Registers {@link ArtemisTestResource} for every {@code @QuarkusTest} of the project ({@code restrictToAnnotatedClass
 * = false}): all of them share one broker and one application start. Nothing to do in a test class but use it.
 */
@QuarkusTestResource(value = ArtemisTestResource.class, restrictToAnnotatedClass = false)
public final class SharedBroker {
    private SharedBroker() {
    }
}
