package dev.weft.spring.boot;

import dev.weft.spring.boot.actuate.WeftEndpointAutoConfiguration;
import dev.weft.spring.boot.actuate.WeftMetricsAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.io.support.SpringFactoriesLoader;

import java.util.List;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;

/** The starter's auto-configurations in an {@link ApplicationContextRunner}, and how a failed start is reported. */
final class WeftContextRunner {

    private WeftContextRunner() {
    }

    static ApplicationContextRunner runner() {
        return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(WeftAutoConfiguration.class,
                BootLine.healthAutoConfiguration(), WeftEndpointAutoConfiguration.class,
                WeftMetricsAutoConfiguration.class));
    }

    /**
     * What Spring Boot would print for this failed start: the first analysis of the analyzers registered in
     * spring.factories (Boot's and Weft's), as {@code FailureAnalyzers} does.
     */
    static FailureAnalysis analysis(AssertableApplicationContext context) {
        assertThat(context).hasFailed();
        Throwable failure = context.getStartupFailure();
        List<FailureAnalyzer> analyzers = SpringFactoriesLoader.forDefaultResourceLocation()
                .load(FailureAnalyzer.class, SpringFactoriesLoader.ArgumentResolver.none(),
                        SpringFactoriesLoader.FailureHandler.handleMessage((message, e) -> { }));
        return analyzers.stream().map(a -> a.analyze(failure)).filter(Objects::nonNull).findFirst()
                .orElseThrow(() -> new AssertionError("no failure analyzer explains " + failure, failure));
    }

    /** Asserts that the start failed and that the report names {@code property}. */
    static void assertStartFailsNaming(AssertableApplicationContext context, String property) {
        FailureAnalysis analysis = analysis(context);
        assertThat(analysis.getDescription() + "\n" + analysis.getAction()).as("the failure report")
                .contains(property);
    }
}
