package io.rdstagflow.spring.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.rdstagflow.core.FlowListener;
import io.rdstagflow.spring.internal.StepDurations;
import java.time.Duration;
import java.util.Objects;

/**
 * The engine's events as meters. Tags are of low cardinality only: {@value #FLOW}, {@value #STEP},
 * {@value #OUTCOME}, {@value #ACTION}; never an instance id (that goes on observations, as a
 * high-cardinality key).
 *
 * <table>
 * <caption>Meters</caption>
 * <tr><th>name</th><th>type</th><th>tags</th><th>counts</th></tr>
 * <tr><td>{@value #FLOWS}</td><td>counter</td><td>flow, outcome (started, succeeded, failed)</td>
 *     <td>operations begun and ended</td></tr>
 * <tr><td>{@value #STEPS}</td><td>counter</td><td>flow, step, outcome (started, done, failed)</td>
 *     <td>steps whose RDS operation was accepted, that finished, that failed for good</td></tr>
 * <tr><td>{@value #STEP_DURATION}</td><td>timer</td><td>flow, step</td>
 *     <td>from a step's first attempt to its end (across polls and broker restarts: the start is
 *     read from the tags)</td></tr>
 * <tr><td>{@value #STEP_RETRIES}</td><td>counter</td><td>flow, step</td><td>counted retries</td></tr>
 * <tr><td>{@value #RDS_CALLS}</td><td>timer</td><td>action (e.g. DescribeDBInstances), outcome (success,
 *     throttled, not-found, client-error, server-error, io-error, error)</td><td>calls on the application's
 *     {@code RdsClient} bean</td></tr>
 * <tr><td>{@value #RDS_THROTTLES}</td><td>counter</td><td>action</td><td>calls RDS throttled</td></tr>
 * <tr><td>{@code rdstagflow.poll}</td><td>timer (from the observation)</td><td>flow, outcome (in-progress,
 *     succeeded, failed, gone, not-found, invalid-token, error), error</td><td>OSB last_operation answers</td></tr>
 * <tr><td>{@code rdstagflow.step}</td><td>timer (from the observation)</td><td>flow, step, phase (run,
 *     completion), outcome, error</td><td>each run or completion check of a step</td></tr>
 * </table>
 *
 * <p>Thread-safe.
 */
public final class RdsTagflowMetrics implements FlowListener {

  /** Operations begun and ended. */
  public static final String FLOWS = "rdstagflow.flows";
  /** Step events. */
  public static final String STEPS = "rdstagflow.steps";
  /** From a step's first attempt to its end. */
  public static final String STEP_DURATION = "rdstagflow.step.duration";
  /** Counted step retries. */
  public static final String STEP_RETRIES = "rdstagflow.step.retries";
  /** RDS calls. */
  public static final String RDS_CALLS = "rdstagflow.rds.calls";
  /** RDS calls throttled. */
  public static final String RDS_THROTTLES = "rdstagflow.rds.throttles";
  /** Tag: the flow's name. */
  public static final String FLOW = "flow";
  /** Tag: the step's name. */
  public static final String STEP = "step";
  /** Tag: how it went. */
  public static final String OUTCOME = "outcome";
  /** Tag: the RDS API action. */
  public static final String ACTION = "action";

  private final MeterRegistry registry;

  /** Meters in this registry. */
  public RdsTagflowMetrics(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  @Override
  public void flowStarted(String instanceId, String flowName) {
    flows(flowName, "started");
  }

  @Override
  public void flowSucceeded(String instanceId, String flowName) {
    flows(flowName, "succeeded");
  }

  @Override
  public void flowFailed(String instanceId, String flowName, String description) {
    flows(flowName, "failed");
  }

  @Override
  public void stepStarted(String instanceId, String flowName, String stepName, int attempt) {
    steps(flowName, stepName, "started");
  }

  @Override
  public void stepDone(String instanceId, String flowName, String stepName) {
    steps(flowName, stepName, "done");
    Duration took = StepDurations.take(instanceId, flowName, stepName);
    if (took != null) {
      Timer.builder(STEP_DURATION).description("From a step's first attempt to its end")
          .tag(FLOW, flowName).tag(STEP, stepName).register(registry).record(took);
    }
  }

  @Override
  public void stepRetried(String instanceId, String flowName, String stepName, int attempt, String reason) {
    Counter.builder(STEP_RETRIES).description("Counted step retries")
        .tag(FLOW, flowName).tag(STEP, stepName).register(registry).increment();
  }

  @Override
  public void stepFailed(String instanceId, String flowName, String stepName, String reason) {
    steps(flowName, stepName, "failed");
  }

  private void flows(String flow, String outcome) {
    Counter.builder(FLOWS).description("Operations begun and ended")
        .tag(FLOW, flow).tag(OUTCOME, outcome).register(registry).increment();
  }

  private void steps(String flow, String step, String outcome) {
    Counter.builder(STEPS).description("Steps started, done and failed")
        .tag(FLOW, flow).tag(STEP, step).tag(OUTCOME, outcome).register(registry).increment();
  }
}
