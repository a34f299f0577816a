package dev.weft.caching.tests;

import dev.weft.caching.CachingServices;
import dev.weft.caching.memory.MemoryCachingBackend;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives each test a new memory backend on a fake clock, with caching on, and closes it afterwards. Weft's
 * configuration is process-wide, so these tests run one at a time (Surefire's default).
 */
final class CacheFixture implements BeforeEachCallback, AfterEachCallback {

    final FakeTicker ticker = new FakeTicker();
    MemoryCachingBackend backend;

    @Override
    public void beforeEach(ExtensionContext context) {
        backend = MemoryCachingBackend.builder().ticker(ticker).executor(Runnable::run).build();
        CachingServices.setDefaultBackend(backend);
        CachingServices.setEnabled(true);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        CachingServices.setEnabled(true);
        backend.close();
    }
}
