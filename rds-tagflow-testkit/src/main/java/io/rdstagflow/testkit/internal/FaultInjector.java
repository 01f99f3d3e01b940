package io.rdstagflow.testkit.internal;

import io.rdstagflow.testkit.Faults;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

/**
 * The faults a test injects: queued failures, throttling, describe lag, failed instances. The
 * {@link Faults} methods take the simulation's lock; the others are called under it.
 */
final class FaultInjector implements Faults {

  private record FaultSpec(String errorCode, int status) {}

  private final Object lock;
  private final Clock clock;
  private final Random random;
  private final DescribeLag lag;
  private final Instances instances;
  private final Map<String, Deque<FaultSpec>> failNext = new HashMap<>();
  private ClusterControl clusters;
  private int throttleNext;
  private double throttleShare;

  FaultInjector(Object lock, Clock clock, long seed, DescribeLag lag, Instances instances) {
    this.lock = lock;
    this.clock = clock;
    this.random = new Random(seed);
    this.lag = lag;
    this.instances = instances;
  }

  /** Throws the fault due for this call of {@code operation}, if any. */
  void inject(String operation, String requestId) {
    Deque<FaultSpec> queued = failNext.get(operation);
    if (queued != null && !queued.isEmpty()) {
      FaultSpec f = queued.poll();
      throw RdsErrors.error(f.errorCode(), f.status(),
          "Injected by the fake RDS: " + f.errorCode(), requestId);
    }
    if (throttleNext > 0) {
      throttleNext--;
      throw throttling(requestId);
    }
    if (throttleShare > 0 && random.nextDouble() < throttleShare) {
      throw throttling(requestId);
    }
  }

  private static RuntimeException throttling(String requestId) {
    return RdsErrors.error("Throttling", 400, "Rate exceeded", requestId);
  }

  @Override
  public Faults throttleNext(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("calls must not be negative: " + n);
    }
    synchronized (lock) {
      throttleNext = n;
    }
    return this;
  }

  @Override
  public Faults throttleShare(double share) {
    if (!(share >= 0 && share <= 1)) {
      throw new IllegalArgumentException("share must be within [0, 1]: " + share);
    }
    synchronized (lock) {
      throttleShare = share;
    }
    return this;
  }

  @Override
  public Faults failNext(String operation, String errorCode) {
    return failNext(operation, errorCode, RdsErrors.statusFor(errorCode));
  }

  @Override
  public Faults failNext(String operation, String errorCode, int httpStatus) {
    if (!Simulation.SUPPORTED_OPERATIONS.contains(operation)) {
      throw new IllegalArgumentException("the fake RDS does not support " + operation
          + "; supported operations: " + new TreeSet<>(Simulation.SUPPORTED_OPERATIONS));
    }
    if (httpStatus < 400 || httpStatus > 599) {
      throw new IllegalArgumentException("an error's HTTP status is 400..599, not " + httpStatus);
    }
    synchronized (lock) {
      failNext.computeIfAbsent(operation, k -> new ArrayDeque<>())
          .add(new FaultSpec(errorCode, httpStatus));
    }
    return this;
  }

  @Override
  public Faults describeLag(Duration lag) {
    if (lag.isNegative()) {
      throw new IllegalArgumentException("lag must not be negative: " + lag);
    }
    synchronized (lock) {
      this.lag.set(lag);
    }
    return this;
  }

  /** Where a failed cluster goes; set once the clusters exist. */
  void clusters(ClusterControl clusters) {
    this.clusters = clusters;
  }

  @Override
  public Faults failCluster(String clusterId, String status) {
    return failClusterAfter(clusterId, status, Duration.ZERO);
  }

  @Override
  public Faults failClusterAfter(String clusterId, String status, Duration delay) {
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative: " + delay);
    }
    clusters.failCluster(clusterId, status, delay);
    return this;
  }

  @Override
  public Faults failInstance(String instanceId, String status) {
    return failInstanceAfter(instanceId, status, Duration.ZERO);
  }

  @Override
  public Faults failInstanceAfter(String instanceId, String status, Duration delay) {
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative: " + delay);
    }
    synchronized (lock) {
      Instant now = clock.instant();
      instances.settleAll(now);
      instances.fail(instanceId, status, delay, now);
    }
    return this;
  }

  @Override
  public Faults failNextUpgradePreCheck(String instanceId) {
    return queueUpgradeFault(instanceId, UpgradeFault.PRE_CHECK_FAILS);
  }

  @Override
  public Faults ignoreNextUpgrade(String instanceId) {
    return queueUpgradeFault(instanceId, UpgradeFault.IGNORED);
  }

  @Override
  public Faults nextUpgradeLeavesPendingReboot(String instanceId) {
    return queueUpgradeFault(instanceId, UpgradeFault.LEAVES_PENDING_REBOOT);
  }

  private Faults queueUpgradeFault(String instanceId, UpgradeFault fault) {
    synchronized (lock) {
      SimInstance i = instances.find(instanceId);
      if (i == null || i.gone) {
        throw new IllegalArgumentException("no DB instance " + instanceId + " in the fake");
      }
      i.upgradeFaults.add(fault);
    }
    return this;
  }

  @Override
  public Faults clear() {
    synchronized (lock) {
      failNext.clear();
      throttleNext = 0;
      throttleShare = 0;
      lag.clear();
    }
    return this;
  }

  @Override
  public String toString() {
    return "Faults";
  }
}
