package io.rdstagflow.spring.internal;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.rdstagflow.core.Completion;
import io.rdstagflow.core.Flow;
import io.rdstagflow.core.Step;
import io.rdstagflow.core.StepContext;
import io.rdstagflow.core.StepResult;
import io.rdstagflow.spring.RdsTagflowObservations;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A step observed: each run and each completion check is an {@code rdstagflow.step} observation,
 * and the time from its first attempt to its end is noted for the meter listener. Everything else
 * is the step's own: same name, parameters, repairs.
 */
public final class ObservedStep implements Step {

  private final Step step;
  private final ObservationRegistry registry;

  private ObservedStep(Step step, ObservationRegistry registry) {
    this.step = step;
    this.registry = registry;
  }

  /**
   * The same flow (name, version, policies, deadline) with every step observed. The engine accepts
   * the broker's own {@code Flow} object for it (same name, version and step names).
   */
  public static Flow observed(Flow flow, ObservationRegistry registry) {
    Flow.Builder b = Flow.builder(flow.name()).version(flow.version()).flowDeadline(flow.deadline());
    for (int i = 0; i < flow.steps().size(); i++) {
      b.step(new ObservedStep(flow.steps().get(i), registry), flow.policy(i));
    }
    return b.build();
  }

  @Override
  public String name() {
    return step.name();
  }

  @Override
  public StepResult run(StepContext context) {
    StepResult result = observe(context, "run", () -> step.run(context), ObservedStep::outcome);
    if (result instanceof StepResult.Done) {
      ended(context);
    }
    return result;
  }

  @Override
  public Completion completion(StepContext context) {
    Completion completion = observe(context, "completion", () -> step.completion(context),
        c -> c.isComplete() ? "complete" : "not-yet");
    if (completion.isComplete()) {
      ended(context);
    }
    return completion;
  }

  @Override
  public Set<String> repairs() {
    return step.repairs();
  }

  @Override
  public Set<String> requiredParameters() {
    return step.requiredParameters();
  }

  @Override
  public String toString() {
    return step.toString();
  }

  private <T> T observe(StepContext context, String phase, Supplier<T> work, java.util.function.Function<T, String> outcome) {
    Observation o = Observation.createNotStarted(RdsTagflowObservations.STEP, registry)
        .lowCardinalityKeyValue(RdsTagflowObservations.FLOW, context.flowName())
        .lowCardinalityKeyValue(RdsTagflowObservations.STEP_NAME, context.stepName())
        .lowCardinalityKeyValue("phase", phase)
        .highCardinalityKeyValue(RdsTagflowObservations.INSTANCE_ID, context.instanceId())
        .start();
    Observation.Scope scope = o.openScope();
    try {
      T result = work.get();
      o.lowCardinalityKeyValue(RdsTagflowObservations.OUTCOME, outcome.apply(result));
      return result;
    } catch (RuntimeException e) {
      o.lowCardinalityKeyValue(RdsTagflowObservations.OUTCOME, "error");
      o.error(e);
      throw e;
    } finally {
      scope.close();
      o.stop();
    }
  }

  private static String outcome(StepResult r) {
    // done, started, waiting, retry, failed: the closed set's record names.
    return r.getClass().getSimpleName().toLowerCase(Locale.ROOT);
  }

  private void ended(StepContext context) {
    Duration took = Duration.between(context.firstAttemptAt(), context.clock().instant());
    StepDurations.ended(context.instanceId(), context.flowName(), context.stepName(),
        took.isNegative() ? Duration.ZERO : took);
  }
}
