package io.rdstagflow.spring;

import io.micrometer.observation.ObservationRegistry;
import java.util.Objects;

/**
 * Where the starter reports its observations ({@value #POLL} for each OSB last_operation answer,
 * {@value #STEP} for each run of a step): the application's {@link ObservationRegistry} (Spring
 * Boot's, with actuator: its meter handler turns them into timers, its tracing into spans), a
 * registry of the starter's own feeding the application's {@code MeterRegistry}, or none.
 *
 * <p>Low-cardinality keys (on meters and traces): {@value #FLOW}, {@value #STEP_NAME},
 * {@value #OUTCOME}. High-cardinality key (traces only, never a meter tag): {@value #INSTANCE_ID}.
 */
public final class RdsTagflowObservations {

  /** The observation of one OSB last_operation answer: one engine poll. */
  public static final String POLL = "rdstagflow.poll";
  /** The observation of one run (or completion check) of a step within a poll. */
  public static final String STEP = "rdstagflow.step";
  /** Low cardinality: the flow's name ({@code deletion} for a deletion's token, {@code none} without one). */
  public static final String FLOW = "flow";
  /** Low cardinality: the step's name. */
  public static final String STEP_NAME = "step";
  /** Low cardinality: how it ended. */
  public static final String OUTCOME = "outcome";
  /** High cardinality: the RDS instance identifier. On observations (traces) only, never on a meter. */
  public static final String INSTANCE_ID = "rdstagflow.instance.id";

  private final ObservationRegistry registry;
  private final boolean stepDurations;

  /**
   * @param registry      where observations go ({@link ObservationRegistry#NOOP} for nowhere)
   * @param stepDurations whether a meter listener wants the time from a step's first attempt to
   *                      its end (the flows' steps are then wrapped even without observations)
   */
  public RdsTagflowObservations(ObservationRegistry registry, boolean stepDurations) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.stepDurations = stepDurations;
  }

  /** Nowhere: no observations, no step durations. */
  public static RdsTagflowObservations none() {
    return new RdsTagflowObservations(ObservationRegistry.NOOP, false);
  }

  /** The registry observations go to. */
  public ObservationRegistry registry() {
    return registry;
  }

  /** {@code true} when steps are observed or timed, so the flows' steps are wrapped. */
  public boolean observesSteps() {
    return stepDurations || !registry.isNoop();
  }
}
