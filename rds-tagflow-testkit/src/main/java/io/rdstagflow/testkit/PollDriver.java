package io.rdstagflow.testkit;

import io.rdstagflow.core.OperationStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Polls an operation's status the way a platform polls an OSB broker's LastOperation endpoint,
 * on a {@link VirtualClock}: wait an interval, poll, repeat until the answer is
 * {@code succeeded} or {@code failed} or a limit is reached. Returns the whole {@link PollHistory}
 * for assertions and printing.
 *
 * <p>Timing follows Cloud Foundry's Cloud Controller: the first poll comes one interval after the
 * operation began (default 60 s, CF's default), and an {@code OperationStatus#retryAfter()} hint
 * only ever lengthens the wait before the next poll (CF honours {@code Retry-After} when it asks
 * for more time than its own interval, never less). Limits default to CF's 7 days.
 *
 * <p>An exception thrown by the status supplier propagates unchanged: in a test it is a bug in
 * the code under test, not an answer.
 *
 * <p>Immutable and thread-safe; {@link #run(Supplier)} advances the shared clock, so run one poll
 * driver per clock at a time.
 */
public final class PollDriver {

  /** Why polling stopped. */
  public enum StopReason {
    /** The last poll answered {@code succeeded}. */
    SUCCEEDED,
    /** The last poll answered {@code failed}. */
    FAILED,
    /** The maximum number of polls was made without a final answer. */
    POLL_LIMIT,
    /** The next poll would have come after the time limit. */
    TIME_LIMIT
  }

  private final VirtualClock clock;
  private final CallLog calls;
  private final Duration interval;
  private final Duration firstPollAfter;
  private final int maxPolls;
  private final Duration timeLimit;

  private PollDriver(Builder b) {
    this.clock = b.clock;
    this.calls = b.calls;
    this.interval = b.interval;
    this.firstPollAfter = b.firstPollAfter == null ? b.interval : b.firstPollAfter;
    this.maxPolls = b.maxPolls;
    this.timeLimit = b.timeLimit;
  }

  /** A builder for a driver that advances {@code clock}. */
  public static Builder on(VirtualClock clock) {
    return new Builder(clock);
  }

  /**
   * Polls {@code status} until it is final or a limit is reached, advancing the clock before each
   * poll.
   *
   * @return every poll with its time, answer and (if a call log was given) the RDS calls made
   *         during it
   */
  public PollHistory run(Supplier<OperationStatus> status) {
    Objects.requireNonNull(status, "status");
    Instant start = clock.instant();
    Instant deadline = start.plus(timeLimit);
    List<PollHistory.Poll> polls = new ArrayList<>();
    Duration wait = firstPollAfter;
    while (true) {
      if (polls.size() >= maxPolls) {
        return new PollHistory(start, polls, StopReason.POLL_LIMIT);
      }
      if (clock.instant().plus(wait).isAfter(deadline)) {
        return new PollHistory(start, polls, StopReason.TIME_LIMIT);
      }
      clock.advance(wait);
      CallLog.Mark mark = calls == null ? null : calls.mark();
      OperationStatus answer = status.get();
      Objects.requireNonNull(answer, "the status supplier answered null");
      polls.add(new PollHistory.Poll(polls.size() + 1, clock.instant(), answer,
          mark == null ? List.of() : calls.since(mark)));
      switch (answer.state()) {
        case SUCCEEDED:
          return new PollHistory(start, polls, StopReason.SUCCEEDED);
        case FAILED:
          return new PollHistory(start, polls, StopReason.FAILED);
        default:
          break;
      }
      wait = answer.retryAfter().filter(r -> r.compareTo(interval) > 0).orElse(interval);
    }
  }

  /** Configures a {@link PollDriver}. Not thread-safe. */
  public static final class Builder {
    private final VirtualClock clock;
    private CallLog calls;
    private Duration interval = Duration.ofSeconds(60);
    private Duration firstPollAfter;
    private int maxPolls = Integer.MAX_VALUE;
    private Duration timeLimit = Duration.ofDays(7);

    private Builder(VirtualClock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Records, for each poll, the calls {@code fake} received during it.
     */
    public Builder recordingCallsOf(FakeRds fake) {
      this.calls = fake.calls();
      return this;
    }

    /**
     * The platform's polling interval; 60 s if not set.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder interval(Duration interval) {
      this.interval = positive(interval, "interval");
      return this;
    }

    /**
     * How long after the start the first poll comes; one {@link #interval(Duration)} if not set.
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder firstPollAfter(Duration delay) {
      Objects.requireNonNull(delay, "delay");
      if (delay.isNegative()) {
        throw new IllegalArgumentException("firstPollAfter must not be negative: " + delay);
      }
      this.firstPollAfter = delay;
      return this;
    }

    /**
     * The most polls to make; unlimited if not set (the time limit still applies).
     *
     * @throws IllegalArgumentException if less than 1
     */
    public Builder maxPolls(int maxPolls) {
      if (maxPolls < 1) {
        throw new IllegalArgumentException("maxPolls must be at least 1: " + maxPolls);
      }
      this.maxPolls = maxPolls;
      return this;
    }

    /**
     * How long after the start polling may go on; 7 days (Cloud Foundry's limit) if not set.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder timeLimit(Duration timeLimit) {
      this.timeLimit = positive(timeLimit, "timeLimit");
      return this;
    }

    /** The configured driver. */
    public PollDriver build() {
      return new PollDriver(this);
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + d);
      }
      return d;
    }
  }
}
