package io.rdstagflow.core;

import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * How the engine reads an instance status: {@code available} and the <em>usable</em> statuses
 * ({@code storage-optimization} by default) let steps run, a <em>broken</em> status fails the
 * operation with the status named (unless the due step {@link Step#repairs repairs} it), and every
 * other status, including any the engine has never heard of, means busy: wait. RDS adds statuses over time (for example
 * {@code storage-optimization}, which leaves the instance usable), and a status nobody listed must
 * never fail an operation.
 *
 * <p>The default broken statuses: {@code failed}, {@code incompatible-restore},
 * {@code restore-error}, {@code incompatible-parameters}, {@code incompatible-network},
 * {@code incompatible-option-group}, {@code incompatible-credentials},
 * {@code inaccessible-encryption-credentials}, {@code storage-full}, and {@code deleting} (a
 * deletion is polled with its token, not as a flow).
 *
 * <p>Immutable and thread-safe.
 */
public final class StatusPolicy {

  private static final StatusPolicy DEFAULTS = new StatusPolicy(Set.of(
      "failed", "incompatible-restore", "restore-error", "incompatible-parameters",
      "incompatible-network", "incompatible-option-group", "incompatible-credentials",
      "inaccessible-encryption-credentials", "storage-full", "deleting"),
      Set.of(RdsInstance.AVAILABLE, "storage-optimization"));

  private final Set<String> broken;
  private final Set<String> usable;

  private StatusPolicy(Set<String> broken, Set<String> usable) {
    this.broken = Set.copyOf(broken);
    this.usable = Set.copyOf(usable);
  }

  /** The default mapping described above. */
  public static StatusPolicy defaults() {
    return DEFAULTS;
  }

  /** This policy with more statuses that fail an operation. */
  public StatusPolicy withBroken(String... statuses) {
    Set<String> more = new HashSet<>(broken);
    for (String s : statuses) {
      if (RdsInstance.AVAILABLE.equals(s)) {
        throw new IllegalArgumentException("'available' cannot be a broken status");
      }
      more.add(Objects.requireNonNull(s, "status"));
    }
    Set<String> fewerUsable = new HashSet<>(usable);
    fewerUsable.removeAll(more);
    return new StatusPolicy(more, fewerUsable);
  }

  /**
   * This policy with these statuses counted as busy instead of broken.
   *
   * @throws IllegalArgumentException for {@code available}, which is never busy
   */
  public StatusPolicy withBusy(String... statuses) {
    Set<String> fewer = new HashSet<>(broken);
    for (String s : statuses) {
      if (RdsInstance.AVAILABLE.equals(s)) {
        throw new IllegalArgumentException("'available' cannot be a busy status");
      }
      fewer.remove(s);
    }
    Set<String> fewerUsable = new HashSet<>(usable);
    fewerUsable.removeAll(Set.of(statuses));
    return new StatusPolicy(fewer, fewerUsable);
  }

  /**
   * This policy with these statuses counted as usable: steps run on them as on {@code available}
   * (RDS's {@code storage-optimization} is one by default: the instance serves and accepts
   * changes).
   */
  public StatusPolicy withUsable(String... statuses) {
    Set<String> more = new HashSet<>(usable);
    Set<String> fewerBroken = new HashSet<>(broken);
    for (String s : statuses) {
      more.add(Objects.requireNonNull(s, "status"));
      fewerBroken.remove(s);
    }
    return new StatusPolicy(fewerBroken, more);
  }

  /** {@code true} if steps may run on this status ({@code available} and the usable ones). */
  public boolean isUsable(String status) {
    return usable.contains(status);
  }

  /** The statuses steps run on. */
  public Set<String> usableStatuses() {
    return usable;
  }

  /** {@code true} if this status fails an operation. */
  public boolean isBroken(String status) {
    return broken.contains(status);
  }

  /** The statuses that fail an operation. */
  public Set<String> brokenStatuses() {
    return broken;
  }

  @Override
  public String toString() {
    return "StatusPolicy[broken=" + broken + ", usable=" + usable + "]";
  }
}
