package io.rdstagflow.core;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link Step} is given when it runs: the instance as this poll's describe saw it, the
 * flow's parameters, how many counted attempts came before, and when the step was first
 * attempted.
 *
 * <p>Immutable. Tests of a step may build one with the constructor.
 *
 * @param instance    the instance, as described at the start of this poll
 * @param flowName    the running flow's name
 * @param stepName    this step's name
 * @param parameters  the flow's parameters, as given when it began
 * @param attempt     this attempt's number: 1 for the first, one more after each counted
 *                    {@link StepResult#retry retry}
 * @param firstAttemptAt when the step was first attempted (its deadline runs from there); now on the
 *                    first attempt
 * @param clock       the engine's clock
 */
public record StepContext(
    RdsInstance instance,
    String flowName,
    String stepName,
    Map<String, String> parameters,
    int attempt,
    Instant firstAttemptAt,
    Clock clock) {

  /** @throws NullPointerException if an argument is {@code null} */
  public StepContext {
    Objects.requireNonNull(instance, "instance");
    Objects.requireNonNull(flowName, "flowName");
    Objects.requireNonNull(stepName, "stepName");
    parameters = Map.copyOf(parameters);
    Objects.requireNonNull(firstAttemptAt, "firstAttemptAt");
    Objects.requireNonNull(clock, "clock");
  }

  /** The instance's identifier. */
  public String instanceId() {
    return instance.id();
  }

  /**
   * A flow parameter.
   *
   * @throws MissingFlowParameterException if the flow was begun without it, naming the parameter
   *     (the engine fails the step with that message)
   */
  public String parameter(String name) {
    String value = parameters.get(name);
    if (value == null) {
      throw new MissingFlowParameterException(flowName, stepName, name);
    }
    return value;
  }
}
