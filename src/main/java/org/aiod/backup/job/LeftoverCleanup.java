package org.aiod.backup.job;

import java.util.List;
import java.util.Map;

/**
 * Removes what runs killed mid-way left behind (temporary archives, staging directories of restores), once, at
 * start-up, before jobs found {@code RUNNING} in the journal are marked interrupted. The job service uses the bean
 * implementing it when there is one; without one nothing is cleaned at start-up and the engine clears a dataset's
 * leftovers at its next run.
 */
@FunctionalInterface
public interface LeftoverCleanup {

    /**
     * Cleans every dataset's leftovers.
     *
     * @return per dataset, what was removed (paths or short descriptions, as an operator should read them); a
     *         dataset with nothing left over is absent
     */
    Map<String, List<String>> clean();
}
