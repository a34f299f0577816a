package dev.weft.testing.history;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The oracle on histories written by hand. Times are in nanoseconds; the bound here is 1,000 ns. */
class StalenessCheckerTest {

    @TempDir
    Path dir;

    private Path history(String name, String... lines) throws Exception {
        Path file = dir.resolve(name);
        Files.write(file, List.of(lines));
        return file;
    }

    @Test
    void aReadThatMissedAWriteWithinTheBoundIsCountedNotAViolation() throws Exception {
        StalenessChecker.Report r = new StalenessChecker()
                .add("A", history("A", "W k 1 100 200"), Long.MAX_VALUE)
                .add("B", history("B", "R k 0 150 160", "R k 0 700 710", "R k 1 1300 1310"), Long.MAX_VALUE)
                .check(Duration.ofNanos(1_000));
        assertThat(r.staleReads()).as("the read at 700 missed the write completed at 200").isEqualTo(1);
        assertThat(r.maxStaleness()).isEqualTo(Duration.ofNanos(500));
        assertThat(r.violations()).isEmpty();
    }

    @Test
    void aReadPastTheBoundIsAViolation() throws Exception {
        StalenessChecker.Report r = new StalenessChecker()
                .add("A", history("A", "W k 1 100 200", "W k 2 300 400"), Long.MAX_VALUE)
                .add("B", history("B", "R k 1 1300 1310"), Long.MAX_VALUE)
                .check(Duration.ofNanos(1_000));
        assertThat(r.readsPastTheBound()).isZero();
        assertThat(r.maxStaleness()).as("measured from the first missed write, at 400").isEqualTo(Duration.ofNanos(900));
        r = new StalenessChecker()
                .add("A", history("A2", "W k 1 100 200"), Long.MAX_VALUE)
                .add("B", history("B2", "R k 0 1500 1510"), Long.MAX_VALUE)
                .check(Duration.ofNanos(1_000));
        assertThat(r.readsPastTheBound()).isEqualTo(1);
        assertThat(r.violations()).singleElement().asString().contains("B read k = 0");
    }

    @Test
    void aKilledProcessesDatabaseChangeCountsAsAWriteCompletedAtTheKill() throws Exception {
        Path a = history("A", "W k 1 100 200", "D k 2 300");
        Path b = history("B", "R k 1 2000 2010", "R k 1 5000 5010");
        assertThat(new StalenessChecker().add("A", a, Long.MAX_VALUE).add("B", b, Long.MAX_VALUE)
                .check(Duration.ofNanos(1_000)).staleReads()).as("not killed: an unfinished write").isZero();
        StalenessChecker.Report killed = new StalenessChecker().add("A", a, 3_000).add("B", b, Long.MAX_VALUE)
                .check(Duration.ofNanos(1_000));
        assertThat(killed.staleReads()).isEqualTo(1);
        assertThat(killed.readsPastTheBound()).isEqualTo(1);
    }
}
