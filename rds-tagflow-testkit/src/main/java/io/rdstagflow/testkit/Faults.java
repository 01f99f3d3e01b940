package io.rdstagflow.testkit;

import java.time.Duration;

/**
 * Faults to inject into a {@link FakeRds}, each in one line: the unhappy paths a broker must
 * survive. Obtained from {@link FakeRds#faults()}.
 *
 * <p>Injected errors are the SDK's own exception types with the error code, HTTP status and
 * {@code awsErrorDetails} RDS would send, so code under test classifies them exactly as it
 * would classify real ones. Throttling uses error code {@code Throttling} (HTTP 400), which the
 * SDK reports through {@code isThrottlingException()}.
 *
 * <p>Deterministic: the only random choice ({@link #throttleShare(double)}) draws from the
 * fake's seeded {@link java.util.Random}, so a single-threaded test with the same seed sees the
 * same faults on the same calls. Thread-safe: every method takes the fake's lock.
 */
public interface Faults {

  /**
   * The next {@code calls} calls, of any supported operation, fail with {@code Throttling}.
   *
   * @throws IllegalArgumentException if {@code calls} is negative
   */
  Faults throttleNext(int calls);

  /**
   * From now on, each call fails with {@code Throttling} with probability {@code share}, drawn
   * from the seeded random source; {@code 0} turns it off.
   *
   * @throws IllegalArgumentException if {@code share} is not within [0, 1]
   */
  Faults throttleShare(double share);

  /**
   * The next call of {@code operation} (e.g. {@code "ModifyDBInstance"}, {@code "ModifyDBCluster"})
   * fails with {@code errorCode}, with the HTTP status RDS uses for that code (404 for the
   * not-found codes, 500 for {@code InternalFailure}, 503 for {@code ServiceUnavailable}, else
   * 400) and the SDK's modeled exception type where there is one (a refused modify:
   * {@code failNext("ModifyDBCluster", "InvalidDBClusterStateFault")}). Several calls queue up,
   * per operation.
   *
   * @throws IllegalArgumentException if {@code operation} is not one the fake supports
   */
  Faults failNext(String operation, String errorCode);

  /**
   * As {@link #failNext(String, String)} with an explicit HTTP status, e.g. a 502 from a proxy.
   *
   * @throws IllegalArgumentException if {@code operation} is not one the fake supports or the
   *                                  status is not in 400..599
   */
  Faults failNext(String operation, String errorCode, int httpStatus);

  /**
   * For {@code lag} after each write to an instance, DescribeDBInstances shows the instance as it
   * was just before that write, tags included, as an eventually consistent read may; and
   * DescribeDBClusters a cluster after each write to it (a member created or deleted included).
   * {@link Duration#ZERO} turns it off.
   *
   * @throws IllegalArgumentException if {@code lag} is negative
   */
  Faults describeLag(Duration lag);

  /**
   * The Aurora DB cluster goes to {@code status} (e.g. {@code failed},
   * {@code inaccessible-encryption-credentials}) now and stays there; an activity under way is
   * abandoned. Its member instances are instances: fail one with {@link #failInstance}.
   *
   * @throws IllegalArgumentException if there is no such cluster
   */
  Faults failCluster(String clusterId, String status);

  /**
   * As {@link #failCluster(String, String)}, {@code delay} from now on the fake's clock.
   *
   * @throws IllegalArgumentException if there is no such cluster or {@code delay} is negative
   */
  Faults failClusterAfter(String clusterId, String status, Duration delay);

  /**
   * The instance goes to {@code status} (e.g. {@code failed}, {@code incompatible-restore},
   * {@code storage-full}) now and stays there; an activity under way is abandoned.
   *
   * @throws IllegalArgumentException if there is no such instance
   */
  Faults failInstance(String instanceId, String status);

  /**
   * As {@link #failInstance(String, String)}, {@code delay} from now on the fake's clock.
   *
   * @throws IllegalArgumentException if there is no such instance or {@code delay} is negative
   */
  Faults failInstanceAfter(String instanceId, String status, Duration delay);

  /**
   * The instance's next engine version upgrade (a ModifyDBInstance applied immediately that
   * changes {@code EngineVersion}) is accepted and the instance goes {@code upgrading} for the
   * upgrade time, then returns to {@code available} on its old version and parameter group, as
   * when RDS's pre-upgrade checks fail (an extension or a setting the new version does not
   * accept). Several calls queue up.
   *
   * @throws IllegalArgumentException if there is no such instance
   */
  Faults failNextUpgradePreCheck(String instanceId);

  /**
   * The instance's next engine version upgrade is accepted and does nothing at all: no
   * {@code upgrading}, nothing pending, the old version stays (the silent no-op broker users have
   * reported). Several calls queue up.
   *
   * @throws IllegalArgumentException if there is no such instance
   */
  Faults ignoreNextUpgrade(String instanceId);

  /**
   * The instance's next engine version upgrade succeeds but leaves its new parameter group
   * {@code pending-reboot} instead of in sync (as when static parameters wait for a reboot), so a
   * test can see the reboot that follows. Several calls queue up.
   *
   * @throws IllegalArgumentException if there is no such instance
   */
  Faults nextUpgradeLeavesPendingReboot(String instanceId);

  /**
   * Removes every pending fault: queued failures, throttling, describe lag (not instance failures
   * nor queued upgrade faults).
   */
  Faults clear();
}
