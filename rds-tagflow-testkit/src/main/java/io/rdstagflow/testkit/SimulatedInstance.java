package io.rdstagflow.testkit;

import java.util.function.Consumer;
import software.amazon.awssdk.services.rds.model.DBInstance;

/**
 * A DB instance inside a {@link FakeRds}, as a {@link FieldBehaviour} sees it: what it is now,
 * and a way to add to what DescribeDBInstances shows of it.
 *
 * <p>Thread-safe: every method takes the fake's lock. Valid for the fake's lifetime, also after
 * the instance was deleted (then {@link #status()} is {@code deleted}).
 */
public interface SimulatedInstance {

  /** The instance identifier, lower-cased as RDS stores it. */
  String id();

  /** The status at the fake's clock, e.g. {@code creating}, {@code modifying}, {@code available}. */
  String status();

  /** The instance as DescribeDBInstances would show it now (without any describe lag). */
  DBInstance describe();

  /**
   * From now on, every description of this instance (DescribeDBInstances, and the responses of
   * calls on it, this call's included) passes through {@code overlay} after the fake has rendered
   * it, so a test's own behaviour for a field becomes visible where the code under test looks.
   * Overlays apply in the order they were added; an overlay must not throw.
   *
   * @return this instance
   */
  SimulatedInstance show(Consumer<DBInstance.Builder> overlay);
}
