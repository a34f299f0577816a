package dev.weft.spring.boot;

/** The values of {@code weft.invalidator.type}. */
public enum InvalidatorType {
    /** No invalidator: the memory backend alone, for an application that runs as one instance. */
    NONE,
    /** {@code RedisCacheInvalidator} over Redis pub/sub, configured by {@code weft.redis.*}. */
    REDIS,
    /** {@code AzureCacheInvalidator} over an Azure Service Bus topic, configured by {@code weft.azure.*}. */
    AZURE
}
