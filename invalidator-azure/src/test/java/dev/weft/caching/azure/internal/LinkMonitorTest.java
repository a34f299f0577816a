package dev.weft.caching.azure.internal;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The link monitor's rules, on a made-up clock. */
class LinkMonitorTest {

    static final long SECOND = 1_000_000_000L;

    final List<String> events = new ArrayList<>();
    final LinkMonitor monitor = new LinkMonitor(Duration.ofSeconds(10), Duration.ofSeconds(5), new LinkMonitor.Link() {
        @Override
        public void subscribed() {
            events.add("subscribed");
        }

        @Override
        public void lost(String reason) {
            events.add("lost: " + reason);
        }

        @Override
        public void probe(boolean judged) {
            events.add("probe " + (judged ? "judged" : "unjudged"));
        }
    });

    @Test
    void theFirstDeliveryIsTheSubscription() {
        monitor.start(0);
        monitor.delivered(SECOND);
        monitor.delivered(2 * SECOND);
        assertThat(events).containsExactly("subscribed");
        assertThat(monitor.state()).isEqualTo(LinkMonitor.State.UP);
    }

    @Test
    void whileConnectingItProbesEveryInterval() {
        monitor.start(0);
        monitor.tick(0);
        monitor.tick(9 * SECOND);
        monitor.tick(10 * SECOND);
        assertThat(events).containsExactly("probe unjudged", "probe unjudged");
    }

    @Test
    void aQuietLinkIsProbedAfterTheIntervalAndOneAnsweredProbeKeepsItUp() {
        monitor.start(100 * SECOND);
        monitor.delivered(0);
        monitor.tick(9 * SECOND);
        assertThat(events).containsExactly("subscribed");
        monitor.tick(16 * SECOND);
        assertThat(events).containsExactly("subscribed", "probe judged");
        monitor.delivered(16 * SECOND + 1000);
        monitor.tick(20 * SECOND);
        assertThat(events).containsExactly("subscribed", "probe judged");
    }

    @Test
    void anUnansweredProbeLosesTheLinkAndTheNextDeliveryRestoresIt() {
        monitor.start(100 * SECOND);
        monitor.delivered(0);
        monitor.tick(16 * SECOND);
        monitor.probeAccepted(16 * SECOND);
        monitor.tick(20 * SECOND);
        assertThat(events).hasSize(2);
        monitor.tick(21 * SECOND);
        assertThat(events.get(2)).startsWith("lost: nothing arrived within PT5S of a probe");
        monitor.tick(31 * SECOND);
        assertThat(events.get(3)).isEqualTo("probe unjudged");
        monitor.delivered(32 * SECOND);
        assertThat(events.get(4)).isEqualTo("subscribed");
    }

    @Test
    void aProcessorErrorLosesTheLinkAndProbesAtOnce() {
        monitor.start(100 * SECOND);
        monitor.delivered(0);
        monitor.failed("pump ended", SECOND);
        monitor.failed("pump ended again", SECOND);
        monitor.tick(SECOND);
        assertThat(events).containsExactly("subscribed", "lost: pump ended", "probe unjudged");
    }

    /** Issue 14, case 6: a probe the SDK is still retrying against a busy namespace proves nothing yet. */
    @Test
    void theProbeTimeoutRunsFromTheProbesAcceptanceNotFromItsRequest() {
        monitor.start(100 * SECOND);
        monitor.delivered(0);
        monitor.tick(16 * SECOND);
        monitor.tick(40 * SECOND);
        assertThat(events).containsExactly("subscribed", "probe judged");
        monitor.probeAccepted(40 * SECOND);
        monitor.tick(44 * SECOND);
        assertThat(monitor.state()).isEqualTo(LinkMonitor.State.UP);
        monitor.tick(45 * SECOND);
        assertThat(monitor.state()).isEqualTo(LinkMonitor.State.DOWN);
    }

    @Test
    void aProbeThatCouldNotBeSentIsNoVerdictAndAnotherFollowsAnIntervalLater() {
        monitor.start(100 * SECOND);
        monitor.delivered(0);
        monitor.tick(16 * SECOND);
        monitor.probeNotSent(false, 17 * SECOND);
        monitor.tick(26 * SECOND);
        assertThat(events).containsExactly("subscribed", "probe judged");
        monitor.tick(27 * SECOND);
        assertThat(events).containsExactly("subscribed", "probe judged", "probe judged");
        assertThat(monitor.state()).isEqualTo(LinkMonitor.State.UP);
    }

    /** Issue 14, case 6: a slow probe on a throttled namespace must not make every instance clear its cache. */
    @Test
    void whileTheNamespaceThrottlesTheProbeTimeoutIsFourTimesAsLong() {
        monitor.start(100 * SECOND);
        monitor.delivered(0);
        monitor.throttled(15 * SECOND);
        monitor.tick(16 * SECOND);
        monitor.probeAccepted(16 * SECOND);
        monitor.tick(30 * SECOND);
        assertThat(monitor.state()).as("5 s timeout stretched to 20 s").isEqualTo(LinkMonitor.State.UP);
        monitor.tick(36 * SECOND);
        assertThat(monitor.state()).as("a link that really stopped still shows").isEqualTo(LinkMonitor.State.DOWN);
        assertThat(events.get(2)).contains("throttling");
    }

    @Test
    void nothingHappensAfterClose() {
        monitor.start(0);
        monitor.close();
        monitor.delivered(SECOND);
        monitor.tick(100 * SECOND);
        assertThat(events).isEmpty();
    }
}
