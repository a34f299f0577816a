package dev.weft.caching.azure.internal;

import com.azure.core.amqp.AmqpRetryOptions;
import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.administration.ServiceBusAdministrationClient;
import com.azure.messaging.servicebus.administration.ServiceBusAdministrationClientBuilder;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * How to reach one namespace and topic: the credentials (a connection string, or a host name and a
 * {@link TokenCredential}), the SDK settings, and the builders configured with them. The default credential is
 * created on first use only, so that an application authenticated by a connection string never touches
 * azure-identity's environment probing.
 *
 * <p>Thread-safe.
 */
final class NamespaceAccess {

    private final String connectionString;
    private final String namespace;
    private final TokenCredential givenCredential;
    private final String topic;
    private final AmqpRetryOptions retryOptions;
    private final Consumer<ServiceBusClientBuilder> customizer;
    private final HttpClient httpClient;
    private final Duration messageTimeToLive;
    private TokenCredential defaultCredential;

    /**
     * @param connectionString  the connection string, or {@code null} to use a token credential
     * @param namespace         the fully qualified namespace (from the connection string when there is one)
     * @param credential        the application's credential, or {@code null} for a lazy {@code DefaultAzureCredential}
     * @param customizer        applied to every {@code ServiceBusClientBuilder} after Weft's settings, or {@code null}
     * @param httpClient        the management clients' HTTP client, or {@code null}
     */
    NamespaceAccess(String connectionString, String namespace, TokenCredential credential, String topic,
                           AmqpRetryOptions retryOptions, Consumer<ServiceBusClientBuilder> customizer,
                           HttpClient httpClient, Duration messageTimeToLive) {
        this.connectionString = connectionString;
        this.namespace = namespace;
        this.givenCredential = credential;
        this.topic = topic;
        this.retryOptions = retryOptions;
        this.customizer = customizer;
        this.httpClient = httpClient;
        this.messageTimeToLive = messageTimeToLive;
    }

    /** The fully qualified namespace, e.g. {@code my-namespace.servicebus.windows.net}. */
    String namespace() {
        return namespace;
    }

    String topic() {
        return topic;
    }

    Duration messageTimeToLive() {
        return messageTimeToLive;
    }

    /** The management clients' HTTP client, or {@code null} for azure-core's default. */
    HttpClient httpClient() {
        return httpClient;
    }

    /** What authenticates the AMQP connection, for messages: never the key itself. */
    String authentication() {
        return connectionString != null ? "a connection string" : givenCredential != null ? "the given TokenCredential"
                : "DefaultAzureCredential";
    }

    /**
     * A client builder with Weft's settings, then the application's customizer. One builder is one AMQP connection:
     * the clients built from it share it.
     */
    ServiceBusClientBuilder clientBuilder() {
        ServiceBusClientBuilder builder = new ServiceBusClientBuilder().retryOptions(new AmqpRetryOptions(retryOptions));
        if (connectionString != null) {
            builder.connectionString(connectionString);
        } else {
            builder.credential(namespace, tokenCredential());
        }
        if (customizer != null) {
            customizer.accept(builder);
        }
        return builder;
    }

    /** An administration client (Atom API of the namespace) with the same credentials. */
    ServiceBusAdministrationClient administrationClient() {
        ServiceBusAdministrationClientBuilder builder = new ServiceBusAdministrationClientBuilder();
        if (connectionString != null) {
            builder.connectionString(connectionString);
        } else {
            builder.credential(namespace, tokenCredential());
        }
        if (httpClient != null) {
            builder.httpClient(httpClient);
        }
        return builder.buildClient();
    }

    /** The application's credential, or a {@code DefaultAzureCredential} created on the first call. */
    synchronized TokenCredential tokenCredential() {
        if (givenCredential != null) {
            return givenCredential;
        }
        if (defaultCredential == null) {
            defaultCredential = new DefaultAzureCredentialBuilder().build();
        }
        return defaultCredential;
    }
}
