package io.rdstagflow.aws;

import io.rdstagflow.core.Completion;
import io.rdstagflow.core.Step;
import io.rdstagflow.core.StepContext;
import io.rdstagflow.core.StepResult;
import java.util.Objects;
import java.util.Set;

/**
 * A step that runs, and completes, only on a describe that still shows an earlier step's
 * post-condition. RDS's reads are eventually consistent: a describe can show the instance as it was
 * before the earlier step's modify, where "no parameter group pending-reboot" or "the settings look
 * done" would be judged on the wrong instance. On such a describe this step waits instead
 * ({@code waiting}, not counted), so no step decides on a view older than the one that proved the
 * step before it. Thread-safe if both steps are.
 */
public final class AfterStep implements Step {

  private final Step earlier;
  private final Step step;

  private AfterStep(Step earlier, Step step) {
    this.earlier = Objects.requireNonNull(earlier, "earlier");
    this.step = Objects.requireNonNull(step, "step");
  }

  /** {@code step}, run and completed only on describes that show {@code earlier}'s post-condition. */
  public static Step after(Step earlier, Step step) {
    return new AfterStep(earlier, step);
  }

  @Override
  public String name() {
    return step.name();
  }

  @Override
  public StepResult run(StepContext context) {
    Completion shown = earlier.completion(context);
    if (!shown.isComplete()) {
      return StepResult.waiting("the describe does not show step " + earlier.name() + "'s result yet ("
          + shown.waitingFor().orElse("") + ")");
    }
    return step.run(context);
  }

  @Override
  public Completion completion(StepContext context) {
    Completion shown = earlier.completion(context);
    if (!shown.isComplete()) {
      return Completion.notYet("the describe does not show step " + earlier.name() + "'s result ("
          + shown.waitingFor().orElse("") + ")");
    }
    return step.completion(context);
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
    return step + " after " + earlier.name();
  }
}
