package io.rdstagflow.aws.users;

import io.rdstagflow.core.StepContext;
import io.rdstagflow.core.StepResult;

/** {@link BoundUsersStep#none()}. */
final class NoBoundUsersStep implements BoundUsersStep {

  static final NoBoundUsersStep INSTANCE = new NoBoundUsersStep();

  private NoBoundUsersStep() {}

  @Override
  public String name() {
    return DEFAULT_NAME;
  }

  @Override
  public StepResult run(StepContext context) {
    return StepResult.done();
  }

  @Override
  public String toString() {
    return "BoundUsersStep.none()";
  }
}
