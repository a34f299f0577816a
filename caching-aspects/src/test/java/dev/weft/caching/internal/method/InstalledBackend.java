package dev.weft.caching.internal.method;

import dev.weft.caching.backend.CachingBackend;
import dev.weft.caching.internal.CachingRuntime;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Installs a backend as the runtime's for each test, with caching on, and puts back what was there afterwards (or
 * resets the runtime's backend when there was none): {@code @RegisterExtension final InstalledBackend installed =
 * new InstalledBackend(backend);}, declared after the backend's field.
 */
final class InstalledBackend implements BeforeEachCallback, AfterEachCallback {

    private final CachingBackend backend;
    private CachingBackend previous;

    InstalledBackend(CachingBackend backend) {
        this.backend = backend;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        CachingRuntime.setEnabled(true);
        previous = CachingRuntime.setBackend(backend);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (previous != null) {
            CachingRuntime.setBackend(previous);
        } else {
            CachingRuntime.resetBackend(backend);
        }
    }
}
