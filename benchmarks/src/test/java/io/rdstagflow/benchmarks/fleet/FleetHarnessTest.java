package io.rdstagflow.benchmarks.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A 200-operation fleet run in every build: the harness's invariants, asserted on behaviour
 * (never on timings): every operation succeeds, no poll decides on a describe older than itself,
 * the account stays under its rate and is never throttled, every in-progress answer carries a
 * Retry-After, and coalescing spends fewer describes than none. The big runs are
 * {@link FleetHarness}'s, by hand (docs/performance.md, "Fleet").
 */
class FleetHarnessTest {

  private static final int OPERATIONS = 200;
  private static FleetReport off;
  private static FleetReport on;

  @BeforeAll
  static void runBoth() {
    // A short real window: a tick of this fleet has a handful of polls, which join in well under it.
    FleetConfig config = FleetConfig.defaults(OPERATIONS).withRealWindow(Duration.ofMillis(5));
    off = FleetRun.run(config.withCoalesce(false));
    on = FleetRun.run(config.withCoalesce(true));
  }

  @Test
  void everyOperationSucceedsWithAndWithoutCoalescing() {
    for (FleetReport r : new FleetReport[] {off, on}) {
      assertThat(r.failures()).as(r.render()).isEmpty();
      assertThat(r.succeeded()).as(r.render()).isEqualTo(OPERATIONS);
      assertThat(r.unfinished()).isZero();
      assertThat(r.pollErrors()).isZero();
    }
  }

  @Test
  void noPollDecidesOnADescribeSentBeforeItBegan() {
    for (FleetReport r : new FleetReport[] {off, on}) {
      assertThat(r.describes()).isPositive();
      assertThat(r.describesOutsideAPoll()).as(r.render()).isZero();
      assertThat(r.decisionsWithoutFreshDescribe()).as(r.render()).isZero();
    }
  }

  @Test
  void theAccountStaysUnderItsRateAndIsNeverThrottled() {
    for (FleetReport r : new FleetReport[] {off, on}) {
      assertThat(r.throttled()).as(r.render()).isZero();
      assertThat(r.accountThrottles()).isZero();
      assertThat(r.budgetThrottles()).isZero();
      assertThat(r.maxCallsPerMinute()).as(r.render()).isLessThan(r.config().accountRate());
      assertThat(r.callsPerSecond()).isLessThan(r.config().replicaRate());
    }
  }

  @Test
  void everyInProgressAnswerCarriesARetryAfter() {
    for (FleetReport r : new FleetReport[] {off, on}) {
      assertThat(r.missingRetryAfter()).isZero();
      assertThat(r.polls()).isGreaterThanOrEqualTo(3L * OPERATIONS);
    }
  }

  @Test
  void coalescingSpendsFewerDescribesThanOneAPoll() {
    assertThat(off.describes()).as("without coalescing, each poll that got a token describes alone")
        .isEqualTo(off.polls() - off.budgetWaits());
    assertThat(off.idsPerDescribe()).isEqualTo(1.0);
    assertThat(on.idsPerDescribe()).as(on.render()).isGreaterThan(1.0);
    assertThat(on.describesPerSecond()).as("%s%n%s", off.render(), on.render())
        .isLessThan(off.describesPerSecond());
    assertThat(on.describes()).isLessThan(on.polls());
  }
}
