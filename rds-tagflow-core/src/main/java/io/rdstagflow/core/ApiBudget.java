package io.rdstagflow.core;

import io.rdstagflow.core.internal.CallScope;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One engine's share of the account's RDS API rate: a token bucket that every RDS call the engine
 * makes draws on, and that lowers its own rate when RDS throttles.
 *
 * <p>RDS allows about 12 requests per second per account and region, shared by every broker
 * replica, console and script. A poll that cannot get a token answers in progress with a
 * {@code Retry-After} of the wait, and makes no call. Three kinds of call, in this order:
 *
 * <ol>
 *   <li><b>Calls that record or finish work already begun</b> (the tag write after an accepted
 *       action, a claim's read-back, a start's calls) go first: they never wait, and may draw the
 *       bucket below zero, so waiting polls never starve them ({@link #acquireFirst}).
 *   <li><b>New work on an instance a poll has just described</b> (a step's calls and the write that
 *       records them) is paid for ahead, before the step runs ({@link #tryAcquireForWork}): it may
 *       draw the bucket down to one burst below zero, so it comes before waiting polls' describes,
 *       but no further. A coalesced describe admits up to 100 polls with one token; this is what
 *       keeps those that act from bursting past the account's rate all at once.
 *   <li><b>A poll's describe</b> takes a token that is there ({@link #tryAcquire()}), after any
 *       debt has been paid back.
 * </ol>
 *
 * <p>The rate adapts: a throttling answer from RDS halves it (at most once a second, so one burst
 * of throttled answers counts once), and every successful call adds back a little, up to the
 * configured rate (additive increase, multiplicative decrease). {@link #rate()} and
 * {@link #onRateChange} make it observable.
 *
 * <p>Calls of steps written by the user go through their own {@code RdsClient}; the aws module's
 * {@code ApiBudgetInterceptor} charges those to the same budget. Thread-safe.
 */
public final class ApiBudget {

  private static final Logger log = LoggerFactory.getLogger(ApiBudget.class);

  /** The lowest rate throttling can push the budget to, as a share of the configured rate. */
  private static final double FLOOR_SHARE = 0.05;
  /** How many successful calls bring a halved rate back to the configured one. */
  private static final double CALLS_TO_RECOVER = 200;
  /** One decrease per this interval: a burst of throttled answers is one signal. */
  private static final Duration DECREASE_INTERVAL = Duration.ofSeconds(1);
  /** How far below zero calls that go first may draw the bucket, in seconds of the configured rate. */
  private static final double MAX_DEBT_SECONDS = 30;

  private final double maxRate;
  private final double burst;
  private final Clock clock;
  private final boolean unlimited;
  private final List<RateListener> listeners = new CopyOnWriteArrayList<>();
  /** Tokens this thread's poll took ahead for its work and has not spent yet. */
  private final ThreadLocal<int[]> paidAhead = new ThreadLocal<>();

  private double rate;
  private double tokens;
  private Instant refilledAt;
  private Instant lastDecrease = Instant.MIN;
  private long throttles;

  private ApiBudget(double rate, double burst, Clock clock, boolean unlimited) {
    this.maxRate = rate;
    this.burst = burst;
    this.clock = clock;
    this.unlimited = unlimited;
    this.rate = rate;
    this.tokens = burst;
    this.refilledAt = clock.instant();
  }

  /**
   * A budget of {@code perSecond} calls a second sustained, with bursts of up to {@code burst}
   * calls, on this clock (the engine's clock, so a virtual clock refills it too).
   *
   * @throws IllegalArgumentException if the rate is not positive and finite, or the burst is below 1
   */
  public static ApiBudget perSecond(double perSecond, int burst, Clock clock) {
    if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
      throw new IllegalArgumentException("an API budget's rate must be a positive number of calls a second, was "
          + perSecond);
    }
    if (burst < 1) {
      throw new IllegalArgumentException("an API budget's burst must be at least 1 call, was " + burst);
    }
    return new ApiBudget(perSecond, burst, Objects.requireNonNull(clock, "clock"), false);
  }

  /** No limit: every call gets its token at once (throttling from RDS is still counted). */
  public static ApiBudget unlimited() {
    return new ApiBudget(Double.MAX_VALUE, Double.MAX_VALUE, Clock.systemUTC(), true);
  }

  /** Whether this budget limits anything. */
  public boolean isUnlimited() {
    return unlimited;
  }

  /** The rate the budget allows itself now, in calls a second; the configured rate until RDS throttles. */
  public synchronized double rate() {
    return rate;
  }

  /** The configured rate, in calls a second. */
  public double maxRate() {
    return maxRate;
  }

  /** The configured burst, in calls. */
  public double burst() {
    return burst;
  }

  /** How many throttling answers from RDS this budget has been told of. */
  public synchronized long throttles() {
    return throttles;
  }

  /**
   * Takes a token if one is there now.
   *
   * @return {@link Duration#ZERO} if a token was taken; otherwise how long until one will be (no
   *     token is taken), at least one millisecond
   */
  public synchronized Duration tryAcquire() {
    return take(1, 0);
  }

  /**
   * Pays ahead for {@code calls} calls of new work that this thread's poll is about to make on an
   * instance it has just described (a step's calls and the write that records them). Work comes
   * before waiting polls' describes: it may draw the bucket down to one burst below zero (at most
   * 30 s of the rate, at least its own calls), and waits beyond that. The tokens are this thread's:
   * its calls that go first ({@link #acquireFirst}, {@link #chargeClientCall} inside a poll) spend
   * them before drawing on the bucket, and {@link #releaseUnspent} gives back what the poll did not
   * spend.
   *
   * @return {@link Duration#ZERO} if they were taken; otherwise how long until they could be (none
   *     is taken), at least one millisecond
   * @throws IllegalArgumentException if {@code calls} is below 1
   */
  public synchronized Duration tryAcquireForWork(int calls) {
    // At least the work's own calls, so a poll whose describe got a token can always act.
    Duration wait = take(calls, Math.max(calls, Math.min(burst, MAX_DEBT_SECONDS * maxRate)));
    if (wait.isZero() && !unlimited) {
      int[] held = paidAhead.get();
      if (held == null) {
        paidAhead.set(new int[] {calls});
      } else {
        held[0] += calls;
      }
    }
    return wait;
  }

  /** How many tokens this thread's poll has paid ahead and not spent yet. */
  public int paidAhead() {
    int[] held = paidAhead.get();
    return held == null ? 0 : held[0];
  }

  /** Gives back the tokens this thread's poll paid ahead and did not spend; call it when the poll ends. */
  public void releaseUnspent() {
    int[] held = paidAhead.get();
    paidAhead.remove();
    if (held != null && held[0] > 0) {
      synchronized (this) {
        refill();
        tokens = Math.min(burst, tokens + held[0]);
      }
    }
  }

  /**
   * Takes a token for a call that goes first (it records or finishes work already begun): it never
   * waits. It spends a token this thread's poll paid ahead if there is one; otherwise it may draw
   * the bucket below zero (at most 30 s of the rate), which waiting polls then pay back.
   */
  public synchronized void acquireFirst() {
    if (unlimited) {
      return;
    }
    int[] held = paidAhead.get();
    if (held != null && held[0] > 0) {
      held[0]--;
      return;
    }
    refill();
    tokens = Math.max(tokens - 1, -MAX_DEBT_SECONDS * maxRate);
  }

  /**
   * Charges a call of the broker's client to this budget, for an SDK interceptor that sees every
   * call (the aws module's {@code ApiBudgetInterceptor}): the engine's own calls are skipped (the
   * engine charged them), a step's calls inside a poll go first, any other call takes a token or
   * is refused.
   *
   * @return whether the call was charged here (then report its outcome with {@link #succeeded} or
   *     {@link #throttled})
   * @throws ApiBudgetExhaustedException if the call must not be sent: no token now
   */
  public boolean chargeClientCall() {
    switch (CallScope.current()) {
      case ENGINE:
        return false;
      case POLL:
        acquireFirst();
        return true;
      default:
        Duration wait = tryAcquire();
        if (!wait.isZero()) {
          throw new ApiBudgetExhaustedException(wait);
        }
        return true;
    }
  }

  /** Tells the budget that RDS throttled a call: the rate halves, at most once a second. */
  public void throttled() {
    double before;
    double after;
    synchronized (this) {
      throttles++;
      if (unlimited) {
        return;
      }
      Instant now = clock.instant();
      if (now.isBefore(lastDecrease.plus(DECREASE_INTERVAL))) {
        return;
      }
      refill();
      lastDecrease = now;
      before = rate;
      rate = Math.max(rate / 2, maxRate * FLOOR_SHARE);
      after = rate;
    }
    log.info("RDS throttled a call: the API budget lowers its rate from {} to {} calls a second", round(before),
        round(after));
    fire(before, after);
  }

  /** Tells the budget that a call went through: a throttled rate climbs back, a little a call. */
  public void succeeded() {
    double before;
    double after;
    synchronized (this) {
      if (unlimited || rate >= maxRate) {
        return;
      }
      refill();
      before = rate;
      rate = Math.min(maxRate, rate + maxRate / (2 * CALLS_TO_RECOVER));
      after = rate;
    }
    if (after == maxRate || (int) (before * 10) != (int) (after * 10)) {
      fire(before, after);
    }
  }

  /** Calls {@code listener} when the allowed rate changes (not on every call while it climbs back). */
  public void onRateChange(RateListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Receives the budget's rate changes. */
  @FunctionalInterface
  public interface RateListener {
    /** The allowed rate went from {@code before} to {@code after} calls a second. */
    void rateChanged(double before, double after);
  }

  /** Takes {@code calls} tokens if that leaves at least {@code -debt}; else the wait until it would. */
  private Duration take(int calls, double debt) {
    if (calls < 1) {
      throw new IllegalArgumentException("calls must be at least 1, was " + calls);
    }
    if (unlimited) {
      return Duration.ZERO;
    }
    refill();
    if (tokens - calls >= -debt) {
      tokens -= calls;
      return Duration.ZERO;
    }
    double seconds = (calls - debt - tokens) / rate;
    return Duration.ofMillis(Math.max(1, (long) Math.ceil(seconds * 1000)));
  }

  private void refill() {
    Instant now = clock.instant();
    if (now.isAfter(refilledAt)) {
      double seconds = Duration.between(refilledAt, now).toNanos() / 1e9;
      tokens = Math.min(burst, tokens + seconds * rate);
      refilledAt = now;
    }
  }

  private void fire(double before, double after) {
    for (RateListener l : listeners) {
      try {
        l.rateChanged(before, after);
      } catch (RuntimeException e) {
        log.warn("an API budget rate listener threw {}; ignored", e.getClass().getName());
      }
    }
  }

  private static String round(double d) {
    return String.format(java.util.Locale.ROOT, "%.2f", d);
  }

  @Override
  public String toString() {
    if (unlimited) {
      return "ApiBudget[unlimited]";
    }
    synchronized (this) {
      return "ApiBudget[rate=" + round(rate) + "/s of " + round(maxRate) + "/s, burst=" + (long) burst + "]";
    }
  }
}
