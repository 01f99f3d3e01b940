package io.rdstagflow.core.internal;

import io.rdstagflow.core.OperationStatus;
import io.rdstagflow.core.RdsInstance;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code Retry-After} every in-progress answer carries: the poll's own estimate of when a poll
 * could next change something where it knows one (settle time left, a backoff's due time, a lease's
 * end, the API budget's wait), otherwise how long the instance's status typically lasts. Never
 * below one second, so platforms that honour it poll less, never more.
 */
final class RetryAfters {

  /** The least hint: a platform that honours it never polls in a tight loop. */
  static final Duration MIN = Duration.ofSeconds(1);

  /** While the instance is settled and the poll waits for something else (a post-condition, a tag). */
  static final Duration SETTLED = Duration.ofSeconds(10);

  /**
   * How long RDS typically spends in a status before the next change a poll could act on, from the
   * statuses' usual durations (restores and upgrades take many minutes; a reboot under a minute).
   */
  private static final Map<String, Duration> TYPICAL = Map.ofEntries(
      Map.entry("creating", Duration.ofSeconds(60)),
      Map.entry("backing-up", Duration.ofSeconds(60)),
      Map.entry("upgrading", Duration.ofSeconds(60)),
      Map.entry("maintenance", Duration.ofSeconds(60)),
      Map.entry("converting-to-vpc", Duration.ofSeconds(60)),
      Map.entry("moving-to-vpc", Duration.ofSeconds(60)),
      Map.entry("modifying", Duration.ofSeconds(30)),
      Map.entry("storage-optimization", Duration.ofSeconds(60)),
      Map.entry("starting", Duration.ofSeconds(30)),
      Map.entry("stopping", Duration.ofSeconds(30)),
      Map.entry("deleting", Duration.ofSeconds(30)),
      Map.entry("renaming", Duration.ofSeconds(15)),
      Map.entry("rebooting", Duration.ofSeconds(15)),
      Map.entry("resetting-master-credentials", Duration.ofSeconds(15)),
      Map.entry("configuring-enhanced-monitoring", Duration.ofSeconds(15)),
      Map.entry("configuring-iam-database-auth", Duration.ofSeconds(15)),
      Map.entry("configuring-log-exports", Duration.ofSeconds(15)));

  private RetryAfters() {
  }

  /** {@code status} with a hint if it is in progress: its own, or the estimate for this instance. */
  static OperationStatus withEstimate(OperationStatus status, RdsInstance instance) {
    if (status.state() != OperationStatus.State.IN_PROGRESS) {
      return status;
    }
    Duration hint = status.retryAfter().orElseGet(() -> typical(instance));
    Duration rounded = roundUp(hint);
    if (status.retryAfter().isPresent() && status.retryAfter().get().equals(rounded)) {
      return status;
    }
    return OperationStatus.inProgress(status.description(), rounded);
  }

  private static Duration typical(RdsInstance instance) {
    if (instance == null) {
      return SETTLED;
    }
    return TYPICAL.getOrDefault(instance.status().toLowerCase(Locale.ROOT), SETTLED);
  }

  /** Whole seconds, rounded up, at least {@link #MIN}. */
  private static Duration roundUp(Duration d) {
    long seconds = d.getSeconds() + (d.getNano() > 0 ? 1 : 0);
    return seconds < MIN.getSeconds() ? MIN : Duration.ofSeconds(seconds);
  }
}
