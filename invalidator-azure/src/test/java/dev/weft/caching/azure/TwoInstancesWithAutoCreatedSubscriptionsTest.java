package dev.weft.caching.azure;

/** {@link TwoInstancesContract} with subscriptions both instances create through the administration API. */
class TwoInstancesWithAutoCreatedSubscriptionsTest extends TwoInstancesContract {

    @Override
    SubscriptionStrategy localStrategy(ServiceBusFixture fixture) {
        return SubscriptionStrategy.autoCreate();
    }

    @Override
    String peerStrategy() {
        return "auto";
    }
}
