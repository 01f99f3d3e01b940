package io.rdstagflow.testkit.internal;

import io.rdstagflow.testkit.FakeRds;
import io.rdstagflow.testkit.FieldBehaviour;
import io.rdstagflow.testkit.LifecycleTimings;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.util.Map;

/**
 * Builds a {@link FakeRds}: a simulation behind a dynamic proxy of the interface. The one public
 * door into this package, for {@link FakeRds.Builder}; not an API.
 */
public final class FakeRdsFactory {

  private FakeRdsFactory() {}

  /**
   * A new fake; see {@link FakeRds.Builder}.
   *
   * @param optIns per operation, per request field: what to do with a field the fake does not
   *               simulate ({@link #ignoring()} or the test's behaviour)
   */
  public static FakeRds create(Clock clock, LifecycleTimings timings, long seed, String region,
      String accountId, Map<String, Map<String, FieldBehaviour>> optIns) {
    return create(clock, timings, seed, region, accountId, optIns, FleetOptions.NONE);
  }

  /**
   * A new fake with the options a fleet needs; see {@link FakeRds.Builder}.
   *
   * @param fleet the account's rate limit, the latency model, the spread of creating times, the
   *              call listener and the call log's capacity
   */
  public static FakeRds create(Clock clock, LifecycleTimings timings, long seed, String region,
      String accountId, Map<String, Map<String, FieldBehaviour>> optIns, FleetOptions fleet) {
    Simulation simulation = new Simulation(clock, timings, seed, region, accountId, optIns,
        fleet);
    return (FakeRds) Proxy.newProxyInstance(FakeRds.class.getClassLoader(),
        new Class<?>[] {FakeRds.class}, new FakeRdsHandler(simulation));
  }

  /** The behaviour that stands for "record and ignore". */
  public static FieldBehaviour ignoring() {
    return FieldPolicy.IGNORE;
  }

  /**
   * Refuses an opt-in that cannot work: an unsupported operation, a field its request does not
   * have, a field the fake already simulates, a behaviour for an operation that names no instance.
   *
   * @throws IllegalArgumentException saying which
   */
  public static void checkOptIn(String operation, String field, boolean behaviour) {
    FieldPolicy.checkOptIn(operation, field, behaviour);
  }
}
