package io.rdstagflow.testkit.internal;

import io.rdstagflow.testkit.SimulatedInstance;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Consumer;
import software.amazon.awssdk.services.rds.model.DBInstance;

/** A {@link SimulatedInstance} over one simulated instance; every method takes the lock. */
final class InstanceView implements SimulatedInstance {

  private final Object lock;
  private final SimInstance instance;
  private final Rendering rendering;
  private final Clock clock;

  InstanceView(Object lock, SimInstance instance, Rendering rendering, Clock clock) {
    this.lock = lock;
    this.instance = instance;
    this.rendering = rendering;
    this.clock = clock;
  }

  @Override
  public String id() {
    return instance.id;
  }

  @Override
  public String status() {
    synchronized (lock) {
      Instant now = clock.instant();
      instance.settle(now);
      return instance.statusAt(now);
    }
  }

  @Override
  public DBInstance describe() {
    synchronized (lock) {
      Instant now = clock.instant();
      instance.settle(now);
      return rendering.instance(instance, now);
    }
  }

  @Override
  public SimulatedInstance show(Consumer<DBInstance.Builder> overlay) {
    Objects.requireNonNull(overlay, "overlay");
    synchronized (lock) {
      instance.overlays.add(overlay);
    }
    return this;
  }

  @Override
  public String toString() {
    return "SimulatedInstance[" + instance.id + "]";
  }
}
