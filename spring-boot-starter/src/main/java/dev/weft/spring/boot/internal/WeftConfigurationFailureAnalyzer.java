package dev.weft.spring.boot.internal;

import dev.weft.caching.CachingConfigurationException;
import dev.weft.spring.boot.InvalidWeftPropertyException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a start-up that failed on Weft's configuration the way Spring Boot reports its own: what is wrong, with the
 * property named, and what to do. Covers {@link InvalidWeftPropertyException} and any other
 * {@link CachingConfigurationException} thrown while the context started (a profile a bean used too early, an
 * invalidator created by the application itself). Values of binding errors (a duration that does not parse) are
 * reported by Spring Boot's own analyzer.
 */
public final class WeftConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<CachingConfigurationException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, CachingConfigurationException cause) {
        if (cause instanceof InvalidWeftPropertyException p) {
            String description = "Weft could not start: property '" + p.property() + "'"
                    + (p.value() != null ? " (value '" + p.value() + "')" : "") + ": " + p.reason();
            return new FailureAnalysis(description, p.action() + " The weft.* properties are described in "
                    + "docs/spring-boot.md.", cause);
        }
        return new FailureAnalysis("Weft could not start: " + cause.getMessage(),
                "Correct the configuration the message names (the weft.* properties are described in "
                        + "docs/spring-boot.md).", cause);
    }
}
