package dev.weft.caching.backend;

/**
 * Creates the backend Weft uses when the application set none. Found with {@link java.util.ServiceLoader};
 * {@code weft-backend-memory} provides the standard one. Applications do not implement this.
 */
public interface DefaultBackendProvider {

    /** Creates a new backend with default settings. */
    CachingBackend create();
}
