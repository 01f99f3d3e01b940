package io.rdstagflow.testkit;

import io.rdstagflow.core.OperationStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntConsumer;
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
 * <p>It drives any handler: {@link #run(Supplier)} polls a supplier of the library's
 * {@link OperationStatus}; {@link #run(Supplier, Function)} polls a broker's own LastOperation
 * handler, whatever its response type, with a function that reads the OSB state (and any
 * {@code Retry-After}) from that response. Hooks configured with
 * {@link Builder#beforeEachPoll(IntConsumer)} and {@link Builder#afterEachPoll(Consumer)} run
 * between polls, so a test or demo can restart a broker, inject a fault or advance other state at a
 * precise point of the operation.
 *
 * <p>An exception thrown by the poll, the conversion or a hook propagates unchanged: in a test it
 * is a bug in the code under test, not an answer.
 *
 * <p>Immutable and thread-safe; {@code run} advances the shared clock, so run one poll driver per
 * clock at a time.
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
  private final IntConsumer beforeEachPoll;
  private final Consumer<PollHistory.Poll> afterEachPoll;

  private PollDriver(Builder b) {
    this.clock = b.clock;
    this.calls = b.calls;
    this.interval = b.interval;
    this.firstPollAfter = b.firstPollAfter == null ? b.interval : b.firstPollAfter;
    this.maxPolls = b.maxPolls;
    this.timeLimit = b.timeLimit;
    this.beforeEachPoll = b.beforeEachPoll;
    this.afterEachPoll = b.afterEachPoll;
  }

  /** A builder for a driver that advances {@code clock}. */
  public static Builder on(VirtualClock clock) {
    return new Builder(clock);
  }

  /**
   * Polls {@code status} until it is final or a limit is reached, advancing the clock before each
   * poll. Each poll's {@link PollHistory.Poll#answer()} is the status itself.
   *
   * @return every poll with its time, answer and (if a call log was given) the RDS calls made
   *         during it
   * @throws NullPointerException if {@code status} is {@code null} or answers {@code null}
   */
  public PollHistory run(Supplier<OperationStatus> status) {
    Objects.requireNonNull(status, "status");
    return run(status, Function.identity());
  }

  /**
   * Polls a handler with its own response type, such as a broker's LastOperation handler
   * returning its framework's response object, until the status read from a response is final or
   * a limit is reached. The clock is advanced before each poll, as in {@link #run(Supplier)}.
   *
   * <pre>{@code
   * PollHistory h = driver.run(
   *     () -> broker.lastOperation(instanceId),                  // the broker's own response
   *     r -> r.state().equals("succeeded") ? OperationStatus.succeeded(r.description())
   *         : r.state().equals("failed") ? OperationStatus.failed(r.description())
   *         : OperationStatus.inProgress(r.description()));
   * MyResponse last = h.last().answer(MyResponse.class);
   * }</pre>
   *
   * @param <T>      the handler's response type
   * @param poll     makes one poll and returns the handler's response; called once per poll
   * @param toStatus reads the OSB state (and any {@code Retry-After}) from a response; called once
   *                 per response
   * @return every poll with its time, status, the handler's response and (if a call log was given)
   *         the RDS calls made during it
   * @throws NullPointerException if an argument is {@code null}, or the poll or the conversion
   *                              answers {@code null}
   */
  public <T> PollHistory run(Supplier<? extends T> poll,
      Function<? super T, OperationStatus> toStatus) {
    Objects.requireNonNull(poll, "poll");
    Objects.requireNonNull(toStatus, "toStatus");
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
      int number = polls.size() + 1;
      beforeEachPoll.accept(number);
      // Taken after the hook: calls the hook makes are not the poll's.
      CallLog.Mark mark = calls == null ? null : calls.mark();
      T response = poll.get();
      Objects.requireNonNull(response, "the poll answered null");
      OperationStatus answer = toStatus.apply(response);
      Objects.requireNonNull(answer, "the status function answered null for " + response);
      PollHistory.Poll made = new PollHistory.Poll(number, clock.instant(), answer,
          mark == null ? List.of() : calls.since(mark), response);
      polls.add(made);
      afterEachPoll.accept(made);
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
    private IntConsumer beforeEachPoll = n -> { };
    private Consumer<PollHistory.Poll> afterEachPoll = p -> { };

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

    /**
     * Runs {@code hook} before each poll, with the poll's number (from 1), after the clock has
     * been advanced to the poll's time: the place to restart a broker or inject a fault between
     * polls. RDS calls the hook makes are not counted among the poll's calls. Replaces an earlier
     * hook; none if not set.
     */
    public Builder beforeEachPoll(IntConsumer hook) {
      this.beforeEachPoll = Objects.requireNonNull(hook, "hook");
      return this;
    }

    /**
     * Runs {@code hook} after each poll with the poll as recorded (also after the final poll), to
     * assert on each answer as it comes or to change the world before the next one. Replaces an
     * earlier hook; none if not set.
     */
    public Builder afterEachPoll(Consumer<PollHistory.Poll> hook) {
      this.afterEachPoll = Objects.requireNonNull(hook, "hook");
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
