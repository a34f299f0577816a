package dev.weft.spring.boot.internal;

import dev.weft.caching.CachingServices;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;

/**
 * With {@code weft.enabled=false}: turns caching off for the JVM while the context runs (every cached method runs its
 * body), and back on when it closes, since the switch outlives the context.
 */
public final class CachingSwitchedOff implements DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger("dev.weft.caching");

    /** Turns caching off. */
    public CachingSwitchedOff() {
        CachingServices.setEnabled(false);
        LOG.info("Weft caching is off (weft.enabled=false): every cached method runs its body");
    }

    @Override
    public void destroy() {
        CachingServices.setEnabled(true);
    }
}
