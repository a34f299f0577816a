package dev.weft.caching.azure.internal;

/**
 * Gets this instance's subscription ready, and removes it when Weft created it. One per transport; called from one
 * thread at a time (start, the recovery task, close).
 */
interface SubscriptionProvisioner {

    /**
     * Makes sure the subscription exists (creating it when the strategy says so) and returns its name.
     *
     * @throws dev.weft.caching.CachingConfigurationException when it cannot: a missing topic, a missing right (the
     *                                                          message names it), a service error
     */
    String provision();

    /**
     * Creates the subscription again under the same name after it disappeared (deleted by AutoDeleteOnIdle after a
     * long outage, or by an operator), so that the processor, which retries the name, finds it. Returns whether it
     * did; a pre-provisioned subscription is never re-created.
     */
    boolean recreate();

    /** Deletes the subscription if Weft created it; best effort: logs and never throws. */
    void delete();

    /** Whether Weft created (and so deletes) the subscription. */
    boolean createdByWeft();
}
