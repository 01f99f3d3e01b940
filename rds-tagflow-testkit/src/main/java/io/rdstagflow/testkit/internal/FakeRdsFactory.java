package io.rdstagflow.testkit.internal;

import io.rdstagflow.testkit.FakeRds;
import io.rdstagflow.testkit.LifecycleTimings;
import java.lang.reflect.Proxy;
import java.time.Clock;

/** Builds a {@link FakeRds}: a simulation behind a dynamic proxy of the interface. */
public final class FakeRdsFactory {

  private FakeRdsFactory() {}

  /** A new fake; see {@link FakeRds.Builder}. */
  public static FakeRds create(Clock clock, LifecycleTimings timings, long seed, String region,
      String accountId) {
    RdsSimulation simulation = new RdsSimulation(clock, timings, seed, region, accountId);
    return (FakeRds) Proxy.newProxyInstance(FakeRds.class.getClassLoader(),
        new Class<?>[] {FakeRds.class}, new FakeRdsHandler(simulation));
  }
}
