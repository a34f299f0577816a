/**
 * The Service Bus transport behind {@code AzureCacheInvalidator}: sending ({@code TopicSender}), receiving and
 * knowing whether the receive link delivers ({@code ServiceBusTransport}, {@code LinkMonitor}), finding a competing
 * consumer ({@code EchoTracker}, {@code SharedSubscriptionAlarm}), and provisioning subscriptions (existing, through
 * the administration API, through Resource Manager). Not an API: it may change in any release.
 */
package dev.weft.caching.azure.internal;
