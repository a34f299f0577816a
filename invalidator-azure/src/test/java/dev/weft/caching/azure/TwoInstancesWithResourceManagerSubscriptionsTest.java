package dev.weft.caching.azure;

/** {@link TwoInstancesContract} with subscriptions both instances create through Azure Resource Manager. */
class TwoInstancesWithResourceManagerSubscriptionsTest extends TwoInstancesContract {

    @Override
    SubscriptionStrategy localStrategy(ServiceBusFixture fixture) {
        return ServiceBusFixture.resourceManager();
    }

    @Override
    String peerStrategy() {
        return "arm";
    }
}
