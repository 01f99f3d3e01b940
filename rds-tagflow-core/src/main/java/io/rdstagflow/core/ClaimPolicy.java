package io.rdstagflow.core;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether a poll claims a step before running it. Off by default: steps are idempotent (see
 * {@link Step}), so two pollers running one at once is harmless, and a claim costs two extra calls.
 *
 * <p>With {@link #lease(Duration)}, a poll about to run a step first writes a lease tag (its owner
 * id and an expiry), describes the instance again, and runs the step only if the lease it reads
 * back is its own. A poll that sees another owner's live lease runs nothing and answers in
 * progress. This makes double execution rarer, not impossible (tags have no compare-and-set): it is
 * for steps that are costly to repeat. Only polls that run a step pay the two calls.
 *
 * <p>Immutable and thread-safe.
 */
public final class ClaimPolicy {

  private static final ClaimPolicy NONE = new ClaimPolicy(null);

  private final Duration leaseTime;

  private ClaimPolicy(Duration leaseTime) {
    this.leaseTime = leaseTime;
  }

  /** No claim: no lease tag, no extra call. The default. */
  public static ClaimPolicy none() {
    return NONE;
  }

  /**
   * Claim a step with a lease that lasts {@code leaseTime} (longer than a poll takes; the engine's
   * clock skew allowance is added when judging another owner's lease).
   *
   * @throws IllegalArgumentException if {@code leaseTime} is not positive
   */
  public static ClaimPolicy lease(Duration leaseTime) {
    Objects.requireNonNull(leaseTime, "leaseTime");
    if (leaseTime.isNegative() || leaseTime.isZero()) {
      throw new IllegalArgumentException("leaseTime must be positive, was " + leaseTime);
    }
    return new ClaimPolicy(leaseTime);
  }

  /** The lease time, empty for {@link #none()}. */
  public Optional<Duration> leaseTime() {
    return Optional.ofNullable(leaseTime);
  }

  @Override
  public String toString() {
    return leaseTime == null ? "ClaimPolicy.none" : "ClaimPolicy.lease(" + leaseTime + ")";
  }
}
