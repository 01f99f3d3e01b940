package io.rdstagflow.testkit;

import io.rdstagflow.core.OperationStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link PollDriver} saw: each poll's time, answer and RDS calls, and why it stopped.
 *
 * <p>Immutable and thread-safe.
 *
 * @param startedAt  the clock when polling began (the operation's start)
 * @param polls      the polls, first to last; never empty unless a limit stopped polling before
 *                   the first
 * @param stopReason why polling stopped
 */
public record PollHistory(Instant startedAt, List<Poll> polls, PollDriver.StopReason stopReason) {

  /**
   * One poll.
   *
   * @param number the poll's number, from 1
   * @param at     the clock when the poll was made
   * @param status the answer
   * @param calls  the RDS calls made during the poll (empty unless the driver records a fake's
   *               calls)
   * @param answer what the polled handler returned: the status itself for
   *               {@link PollDriver#run(java.util.function.Supplier)}, the handler's own response
   *               for {@link PollDriver#run(java.util.function.Supplier, java.util.function.Function)}
   */
  public record Poll(int number, Instant at, OperationStatus status, List<RecordedCall> calls,
      Object answer) {
    /**
     * Copies {@code calls}.
     *
     * @throws NullPointerException if an argument is {@code null}
     */
    public Poll {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(answer, "answer");
      calls = List.copyOf(calls);
    }

    /** A poll whose answer is its status, as {@link PollDriver#run(java.util.function.Supplier)} makes. */
    public Poll(int number, Instant at, OperationStatus status, List<RecordedCall> calls) {
      this(number, at, status, calls, status);
    }

    /**
     * The handler's response as {@code type}.
     *
     * @throws ClassCastException if the response is not a {@code type}
     */
    public <T> T answer(Class<T> type) {
      return type.cast(answer);
    }

    /** The number of calls of {@code operation} during this poll. */
    public long count(String operation) {
      return calls.stream().filter(c -> c.operation().equals(operation)).count();
    }

    /** {@code true} if this poll made any write call. */
    public boolean wrote() {
      return calls.stream().anyMatch(RecordedCall::isWrite);
    }
  }

  /** Copies {@code polls}. */
  public PollHistory {
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(stopReason, "stopReason");
    polls = List.copyOf(polls);
  }

  /**
   * The last poll.
   *
   * @throws IllegalStateException if no poll was made
   */
  public Poll last() {
    if (polls.isEmpty()) {
      throw new IllegalStateException("no poll was made; stopped by " + stopReason);
    }
    return polls.get(polls.size() - 1);
  }

  /** The last answer ({@link #last()}'s status). */
  public OperationStatus finalStatus() {
    return last().status();
  }

  /** {@code true} if polling stopped on {@code succeeded}. */
  public boolean succeeded() {
    return stopReason == PollDriver.StopReason.SUCCEEDED;
  }

  /** Time from the start to the last poll. */
  public Duration elapsed() {
    return polls.isEmpty() ? Duration.ZERO : Duration.between(startedAt, last().at());
  }

  /** All calls of all polls, in order. */
  public List<RecordedCall> calls() {
    return polls.stream().flatMap(p -> p.calls().stream()).toList();
  }

  /** One line per poll: number, elapsed time, answer and the operations called. */
  public String render() {
    StringBuilder sb = new StringBuilder();
    for (Poll p : polls) {
      sb.append('#').append(p.number()).append(" +").append(Duration.between(startedAt, p.at()))
          .append(' ').append(p.status().state().osbValue()).append(" \"")
          .append(p.status().description()).append('"');
      p.status().retryAfter().ifPresent(r -> sb.append(" retry-after ").append(r));
      sb.append(" calls ").append(p.calls().stream().map(c -> c.operation()
          + (c.threw() ? "!" + c.errorCode().orElseThrow() : "")).toList()).append('\n');
    }
    sb.append("stopped: ").append(stopReason).append('\n');
    return sb.toString();
  }
}
