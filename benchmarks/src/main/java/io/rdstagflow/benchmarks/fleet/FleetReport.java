package io.rdstagflow.benchmarks.fleet;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of one fleet run. Rates are per second of virtual time, over the run (from the first
 * restore request to the end of the last operation) unless named otherwise.
 *
 * @param config                   what was run
 * @param succeeded                operations that answered {@code succeeded}
 * @param failed                   operations that answered {@code failed}
 * @param unfinished               operations still in progress when the run gave up
 * @param failures                 the first failure descriptions
 * @param failureTraces            for the first failed operations: their last events (polls,
 *                                 calls, budget waits) and the fake's history of the instance
 * @param virtualSeconds           the run's length in virtual time
 * @param wallMillis               the run's length in real time
 * @param peakInFlight             the most operations started and not ended at once
 * @param polls                    every poll the platform made
 * @param maxPollsPerOperation     the most polls one operation took
 * @param budgetWaits              polls answered "waiting for the engine's RDS API budget" (no call)
 * @param workWaits                polls whose instance was described but whose work (a step, a record)
 *                                 waited for the budget: "waiting for the engine's RDS API budget to ..."
 * @param pollErrors               polls that threw (a permanent RDS error)
 * @param describes                DescribeDBInstances calls that reached RDS
 * @param describedIds             instance identifiers those calls named, together
 * @param describesPerSecondAtPeak describes a second over the seconds with at least 90 % of the
 *                                 peak in flight
 * @param calls                    every RDS call that reached RDS (throttled ones included)
 * @param maxCallsPerMinute        the most calls in any 60 s of virtual time, divided by 60
 * @param maxCallsInASecond        the most calls in one second of virtual time
 * @param throttled                calls RDS answered {@code Throttling}
 * @param accountThrottles         the same as the fake's account counted them (-1: not kept)
 * @param budgetThrottles          throttling answers the engines' budgets were told of, all replicas
 * @param minBudgetRate            the lowest rate any replica's budget allowed itself, a second
 * @param startRefusals            restore requests a replica's budget refused (asked again later)
 * @param availableToSucceededP50  seconds from the instance becoming {@code available} to the
 *                                 operation's {@code succeeded}, median
 * @param availableToSucceededP99  the same, 99th percentile
 * @param pollLatencyP50Millis     a poll's virtual latency, median (see the harness's javadoc)
 * @param pollLatencyP99Millis     the same, 99th percentile
 * @param describedPollLatencyP99Millis the same over the polls whose instance was described (a poll
 *                                 that waited for the budget answers at once)
 * @param writePauses              pauses the engines made between retries of a tag write recording an
 *                                 accepted action (each at least one tick)
 * @param engineCpuNanosPerPoll    CPU of the poll's thread outside the fake, per poll
 * @param engineCpuNanosPerDescribedPoll the same over the polls whose instance was described
 *                                 (those that waited for the budget cost far less)
 * @param lastStartSeconds         when the last restore request was accepted, virtual seconds
 * @param describesOutsideAPoll    describes naming an instance no poll of it was in progress for
 * @param decisionsWithoutFreshDescribe polls that decided (not a budget wait, no error) without a
 *                                 describe of their instance sent after they began
 * @param missingRetryAfter        in-progress answers without a Retry-After
 * @param maxRetryAfterSeconds     the longest Retry-After answered
 * @param pollsLengthened          polls whose next one came later than the platform's interval
 *                                 because of a Retry-After
 * @param callsByOperation         calls per RDS operation
 * @param batchSizes               describes by number of identifiers (index 0 to 100)
 */
public record FleetReport(
    FleetConfig config,
    int succeeded,
    int failed,
    int unfinished,
    List<String> failures,
    List<String> failureTraces,
    double virtualSeconds,
    long wallMillis,
    int peakInFlight,
    long polls,
    int maxPollsPerOperation,
    long budgetWaits,
    long workWaits,
    long pollErrors,
    long describes,
    long describedIds,
    double describesPerSecondAtPeak,
    long calls,
    double maxCallsPerMinute,
    int maxCallsInASecond,
    long throttled,
    long accountThrottles,
    long budgetThrottles,
    double minBudgetRate,
    long startRefusals,
    double availableToSucceededP50,
    double availableToSucceededP99,
    long pollLatencyP50Millis,
    long pollLatencyP99Millis,
    long describedPollLatencyP99Millis,
    long writePauses,
    double engineCpuNanosPerPoll,
    double engineCpuNanosPerDescribedPoll,
    double lastStartSeconds,
    long describesOutsideAPoll,
    long decisionsWithoutFreshDescribe,
    long missingRetryAfter,
    long maxRetryAfterSeconds,
    long pollsLengthened,
    Map<String, Long> callsByOperation,
    long[] batchSizes) {

  /** Every operation succeeded. */
  public boolean allSucceeded() {
    return succeeded == config.operations();
  }

  /** Decisions on a describe older than the poll, as far as the harness can see: must be 0. */
  public long staleDecisions() {
    return describesOutsideAPoll + decisionsWithoutFreshDescribe;
  }

  public double describesPerSecond() {
    return describes / Math.max(1, virtualSeconds);
  }

  public double callsPerSecond() {
    return calls / Math.max(1, virtualSeconds);
  }

  public double pollsPerOperation() {
    return (double) polls / config.operations();
  }

  public double idsPerDescribe() {
    return describes == 0 ? 0 : (double) describedIds / describes;
  }

  /** The report as text, a figure a line. */
  public String render() {
    StringBuilder b = new StringBuilder();
    b.append(config.describe()).append('\n');
    line(b, "operations", "%d succeeded, %d failed, %d unfinished (peak in flight %d)", succeeded, failed,
        unfinished, peakInFlight);
    for (String f : failures) {
      line(b, "  failure", "%s", f);
    }
    line(b, "run", "%s of virtual time (the last restore accepted at %s) in %.1f s of real time",
        hms(virtualSeconds), hms(lastStartSeconds), wallMillis / 1000.0);
    line(b, "describes", "%d, %.3f/s (%.3f/s at peak), %.1f instances each", describes, describesPerSecond(),
        describesPerSecondAtPeak, idsPerDescribe());
    line(b, "RDS calls", "%d, %.3f/s; the busiest minute %.2f/s, the busiest second %d", calls, callsPerSecond(),
        maxCallsPerMinute, maxCallsInASecond);
    line(b, "throttled", "%d calls (the account counted %s; the budgets were told of %d, lowest rate %.2f/s)",
        throttled, accountThrottles < 0 ? "n/a" : Long.toString(accountThrottles), budgetThrottles, minBudgetRate);
    line(b, "polls", "%d, %.1f per operation (most %d); %d waited for the budget to describe, %d described and"
        + " waited for it to act; %d threw; %d restore requests refused by a budget", polls, pollsPerOperation(),
        maxPollsPerOperation, budgetWaits, workWaits, pollErrors, startRefusals);
    line(b, "available->succeeded", "p50 %.0f s, p99 %.0f s", availableToSucceededP50, availableToSucceededP99);
    line(b, "poll latency", "p50 %d ms, p99 %d ms (virtual); p99 of polls that were described %d ms; %d write"
        + " retries paused", pollLatencyP50Millis, pollLatencyP99Millis, describedPollLatencyP99Millis, writePauses);
    line(b, "engine CPU", "%.1f us per poll, %.1f us per poll that was described", engineCpuNanosPerPoll / 1000,
        engineCpuNanosPerDescribedPoll / 1000);
    line(b, "stale decisions", "%d (describes outside their instance's poll %d, decisions without a describe"
        + " sent during the poll %d)", staleDecisions(), describesOutsideAPoll, decisionsWithoutFreshDescribe);
    line(b, "Retry-After", "missing on %d in-progress answers; longest %d s; %d polls lengthened by it",
        missingRetryAfter, maxRetryAfterSeconds, pollsLengthened);
    line(b, "calls by operation", "%s", callsByOperation);
    for (String t : failureTraces) {
      b.append("  failed ").append(t);
    }
    return b.toString();
  }

  /** The column headings of {@link #markdownRow()}. */
  public static String markdownHeader() {
    return "| N | K | coalescing | describes/s | RDS calls/s (busiest min) | throttled | polls/op"
        + " | available→succeeded p50 / p99 | poll latency p99 | engine CPU/poll (described) | stale decisions"
        + " | ended |\n"
        + "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |";
  }

  /** One line of the figures table in {@code docs/performance.md}. */
  public String markdownRow() {
    return String.format(Locale.ROOT,
        "| %,d | %d | %s | %.2f | %.2f (%.2f) | %d | %.1f | %s / %s | %,d ms | %.0f µs (%.0f µs) | %d | %s |",
        config.operations(), config.replicas(),
        config.coalesce() ? "on, " + FleetConfig.human(config.window()) : "off",
        describesPerSecond(), callsPerSecond(), maxCallsPerMinute, throttled, pollsPerOperation(),
        minutes(availableToSucceededP50), minutes(availableToSucceededP99), pollLatencyP99Millis,
        engineCpuNanosPerPoll / 1000, engineCpuNanosPerDescribedPoll / 1000, staleDecisions(),
        unfinished == 0 && failed == 0 ? "all succeeded in " + hms(virtualSeconds)
            : succeeded + " succeeded, " + failed + " failed, " + unfinished + " unfinished at " + hms(virtualSeconds));
  }

  private static String minutes(double seconds) {
    if (Double.isNaN(seconds)) {
      return "-";
    }
    return seconds < 600 ? String.format(Locale.ROOT, "%.0f s", seconds)
        : String.format(Locale.ROOT, "%.0f min", seconds / 60);
  }

  static String hms(double seconds) {
    Duration d = Duration.ofSeconds(Math.round(seconds));
    return String.format(Locale.ROOT, "%d:%02d:%02d", d.toHours(), d.toMinutesPart(), d.toSecondsPart());
  }

  private static void line(StringBuilder b, String label, String format, Object... args) {
    b.append(String.format(Locale.ROOT, "  %-22s ", label)).append(String.format(Locale.ROOT, format, args))
        .append('\n');
  }
}
