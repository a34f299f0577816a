package dev.weft.caching.azure.internal;

/** A pre-provisioned subscription: nothing to create, nothing to delete. Its absence shows when the link attaches. */
final class ExistingSubscription implements SubscriptionProvisioner {

    private final String name;

    ExistingSubscription(String name) {
        this.name = name;
    }

    @Override
    public String provision() {
        return name;
    }

    @Override
    public boolean recreate() {
        return false;
    }

    @Override
    public void delete() {
        // the application owns it
    }

    @Override
    public boolean createdByWeft() {
        return false;
    }
}
