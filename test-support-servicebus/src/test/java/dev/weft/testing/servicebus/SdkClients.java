package dev.weft.testing.servicebus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

import com.azure.core.amqp.AmqpRetryMode;
import com.azure.core.amqp.AmqpRetryOptions;
import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusErrorContext;
import com.azure.messaging.servicebus.ServiceBusProcessorClient;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import com.azure.messaging.servicebus.models.ServiceBusReceiveMode;

/**
 * Builds real SDK clients against a test endpoint with test-friendly retry options, and closes them all at the
 * end of a test. Not thread-safe (one per test).
 */
final class SdkClients {

    /**
     * Short tries and few retries, so a failure surfaces in seconds instead of minutes. The SDK adds a fixed
     * 4 s to the retry delay before capping it with maxDelay, so maxDelay must stay above delay + 4 s.
     */
    static final AmqpRetryOptions RETRY = new AmqpRetryOptions()
        .setMode(AmqpRetryMode.FIXED)
        .setMaxRetries(2)
        .setDelay(Duration.ofMillis(100))
        .setMaxDelay(Duration.ofSeconds(5))
        .setTryTimeout(Duration.ofSeconds(5));

    private final List<AutoCloseable> resources = new ArrayList<>();

    ServiceBusClientBuilder builder(String connectionString) {
        return new ServiceBusClientBuilder().connectionString(connectionString).retryOptions(RETRY);
    }

    ServiceBusSenderClient sender(String connectionString, String topic) {
        ServiceBusSenderClient sender = builder(connectionString).sender().topicName(topic).buildClient();
        resources.add(sender);
        return sender;
    }

    /** A started processor that records what it receives and every error it reports. */
    RecordingProcessor processor(String connectionString, String topic, String subscription,
                                 ServiceBusReceiveMode mode) {
        RecordingProcessor recording = new RecordingProcessor();
        ServiceBusClientBuilder.ServiceBusProcessorClientBuilder builder = builder(connectionString)
            .processor()
            .topicName(topic)
            .subscriptionName(subscription)
            .receiveMode(mode)
            .processMessage(context -> recording.received.add(context.getMessage()))
            .processError(context -> recording.errors.add(context));
        if (mode == ServiceBusReceiveMode.RECEIVE_AND_DELETE) {
            // there is nothing to complete; without this every message logs an error
            builder.disableAutoComplete();
        }
        recording.client = builder.buildProcessorClient();
        resources.add(recording.client);
        recording.client.start();
        return recording;
    }

    void track(AutoCloseable resource) {
        resources.add(resource);
    }

    /** Closes every client, newest first. */
    void close() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    /** A processor and what it saw. */
    static final class RecordingProcessor {
        final BlockingQueue<ServiceBusReceivedMessage> received = new LinkedBlockingQueue<>();
        final List<ServiceBusErrorContext> errors = new CopyOnWriteArrayList<>();
        ServiceBusProcessorClient client;
    }
}
