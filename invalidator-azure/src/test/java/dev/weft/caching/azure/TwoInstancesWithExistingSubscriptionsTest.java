package dev.weft.caching.azure;

/** {@link TwoInstancesContract} with pre-provisioned subscriptions, {@code web-1} here and {@code web-2} there. */
class TwoInstancesWithExistingSubscriptionsTest extends TwoInstancesContract {

    @Override
    SubscriptionStrategy localStrategy(ServiceBusFixture fixture) {
        return fixture.existing("web-1");
    }

    @Override
    String peerStrategy() {
        return "existing:web-2";
    }
}
