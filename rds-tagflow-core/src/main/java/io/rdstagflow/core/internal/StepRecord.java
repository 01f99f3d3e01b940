package io.rdstagflow.core.internal;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The recorded state of one step of an operation, as its tag holds it. Immutable; every change is a
 * named transition that refuses a move the engine never makes:
 *
 * <pre>
 *   pending --attempted--> running --started--> started --done--> done
 *      \          \--retrying--> running            \--failed--> failed
 *       \--------------------------------------------------------^
 *   failed --reset--> pending (an operator's retry)
 * </pre>
 */
public final class StepRecord {

  /** Where a step stands. */
  public enum Status {
    /** Not attempted yet. */
    PENDING,
    /** Attempted; it answered {@code waiting} or {@code retry}, or met a transient error. */
    RUNNING,
    /** Its asynchronous operation was accepted; complete once a settled describe shows it. */
    STARTED,
    /** Finished. */
    DONE,
    /** Failed for good; the operation has failed. */
    FAILED;

    private final String word = name().toLowerCase(Locale.ROOT);

    /** The word written in the tag. */
    public String word() {
      return word;
    }
  }

  private final String name;
  private final int seq;
  private final Status status;
  private final Instant firstAttemptAt;
  private final Instant startedAt;
  private final int tries;
  private final Instant dueAt;
  private final String reason;

  StepRecord(String name, int seq, Status status, Instant firstAttemptAt, Instant startedAt, int tries,
      Instant dueAt, String reason) {
    this.name = Objects.requireNonNull(name, "name");
    this.seq = seq;
    this.status = Objects.requireNonNull(status, "status");
    this.firstAttemptAt = firstAttemptAt;
    this.startedAt = startedAt;
    this.tries = tries;
    this.dueAt = dueAt;
    this.reason = reason;
  }

  /** A step not attempted yet. */
  public static StepRecord pending(String name, int seq) {
    return new StepRecord(name, seq, Status.PENDING, null, null, 0, null, null);
  }

  // ---- transitions ----

  /**
   * Attempted without a counted outcome ({@code waiting}, a transient error): the first attempt's
   * time is recorded once, with what it met.
   */
  public StepRecord attempted(Instant now, String lastError) {
    require(status == Status.PENDING || status == Status.RUNNING, "attempted");
    if (firstAttemptAt != null) {
      return this;
    }
    return new StepRecord(name, seq, Status.RUNNING, now, null, tries, dueAt, lastError);
  }

  /** Its asynchronous operation was accepted now; counted as a try. */
  public StepRecord started(Instant now) {
    require(status == Status.PENDING || status == Status.RUNNING, "started");
    return new StepRecord(name, seq, Status.STARTED, firstAttemptOr(now), now, tries + 1, null, null);
  }

  /** A counted failure; the next attempt waits until {@code due}. */
  public StepRecord retrying(Instant now, Instant due, String why) {
    require(status == Status.PENDING || status == Status.RUNNING, "retrying");
    return new StepRecord(name, seq, Status.RUNNING, firstAttemptOr(now), null, tries + 1, due, why);
  }

  /** Finished. */
  public StepRecord done() {
    require(status != Status.FAILED, "done");
    return new StepRecord(name, seq, Status.DONE, null, null, tries, null, null);
  }

  /** Failed for good, after {@code countedTries} tries. */
  public StepRecord failed(Instant now, int countedTries, String why) {
    require(status != Status.DONE, "failed");
    return new StepRecord(name, seq, Status.FAILED, firstAttemptOr(now), null, countedTries, null, why);
  }

  /** An operator's retry: pending again, tries and clock reset. */
  public StepRecord reset() {
    return pending(name, seq);
  }

  /** Its deadline clock restarted at {@code now} (an operator's retry after the flow failed as a whole). */
  public StepRecord clockRestarted(Instant now) {
    if (status == Status.DONE || firstAttemptAt == null) {
      return this;
    }
    return new StepRecord(name, seq, status, now, startedAt, tries, dueAt, reason);
  }

  private Instant firstAttemptOr(Instant now) {
    return firstAttemptAt != null ? firstAttemptAt : now;
  }

  private void require(boolean legal, String transition) {
    if (!legal) {
      throw new IllegalStateException("step " + name + " cannot go from " + status.word() + " to " + transition);
    }
  }

  // ---- reading ----

  /** The step's name. */
  public String name() {
    return name;
  }

  /** Its position in the flow, from 1. */
  public int seq() {
    return seq;
  }

  /** Where it stands. */
  public Status status() {
    return status;
  }

  /** When it was first attempted. */
  public Optional<Instant> firstAttemptAt() {
    return Optional.ofNullable(firstAttemptAt);
  }

  /** When its asynchronous operation was accepted, for {@link Status#STARTED}. */
  public Optional<Instant> startedAt() {
    return Optional.ofNullable(startedAt);
  }

  /** Counted tries. */
  public int tries() {
    return tries;
  }

  /** When the next attempt is due after a counted retry. */
  public Optional<Instant> dueAt() {
    return Optional.ofNullable(dueAt);
  }

  /** Why it waits, was retried or failed. */
  public Optional<String> reason() {
    return Optional.ofNullable(reason);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StepRecord r && r.name.equals(name) && r.seq == seq && r.status == status
        && Objects.equals(r.firstAttemptAt, firstAttemptAt) && Objects.equals(r.startedAt, startedAt)
        && r.tries == tries && Objects.equals(r.dueAt, dueAt) && Objects.equals(r.reason, reason);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, seq, status, firstAttemptAt, startedAt, tries, dueAt, reason);
  }

  @Override
  public String toString() {
    return "StepRecord[" + name + " #" + seq + " " + status.word() + " tries=" + tries + "]";
  }
}
