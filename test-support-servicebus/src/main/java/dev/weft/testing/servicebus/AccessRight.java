package dev.weft.testing.servicebus;

/**
 * A claim a Service Bus shared access policy grants, with the meaning the real service gives it: {@link #SEND}
 * to publish to an entity, {@link #LISTEN} to receive from it (and peek, renew locks), {@link #MANAGE} to create,
 * read and delete entities through the administration API. As in the service, {@code MANAGE} implies the other two.
 */
public enum AccessRight {
    /** Receive, peek and settle messages. */
    LISTEN("Listen"),
    /** Publish messages. */
    SEND("Send"),
    /** Administer entities; implies {@link #LISTEN} and {@link #SEND}. */
    MANAGE("Manage");

    private final String claim;

    AccessRight(String claim) {
        this.claim = claim;
    }

    /** The claim's name as the service spells it in error messages ({@code 'Send' claim(s) are required}). */
    public String claimName() {
        return claim;
    }
}
