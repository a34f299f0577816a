package dev.weft.caching.azure.internal;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class SubscriptionNamesTest {

    static final String SERVICE_RULE = "[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9_])?";

    @Test
    void namesArePrefixHostAndRandomWithinTheServiceRules() {
        String name = new SubscriptionNames("shop", "web-01.example.com").next();
        assertThat(name).matches("shop-web-01-example-c-[0-9a-f]{8}").matches(SERVICE_RULE)
                .hasSizeLessThanOrEqualTo(50);
    }

    @Test
    void longAndOddPrefixesAndHostsStayWithinFiftyCharacters() {
        String name = new SubscriptionNames("--a-very-long-prefix", "HOST_WITH__ODD..chars-and-more-length").next();
        assertThat(name).matches(SERVICE_RULE).hasSizeLessThanOrEqualTo(50).startsWith("a-very-long-prefix-host");
        assertThat(new SubscriptionNames("weft", "").next()).matches("weft-[0-9a-f]{8}");
    }

    @Test
    void namesAreUnique() {
        SubscriptionNames names = new SubscriptionNames("weft", "host");
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            seen.add(names.next());
        }
        assertThat(seen).hasSize(1000);
    }
}
