package io.rdstagflow.examples.broker;

import io.rdstagflow.core.StepContext;
import io.rdstagflow.core.StepResult;
import io.rdstagflow.core.Step;
import java.util.Objects;
import java.util.Set;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.rds.RdsClient;

/**
 * The plan update's last step: writes the new plan id into the instance's {@value OwnerTags#PLAN_ID}
 * tag, once the instance has it, so the tag always names the plan the instance is on. One
 * AddTagsToResource; repeated, it writes the same value again.
 */
public final class RecordPlanStep implements Step {

  /** The step's name. */
  public static final String NAME = "record-plan";
  /** Flow parameter: the OSB plan id to record. */
  public static final String PLAN_ID = "plan-id";

  private final RdsClient rds;

  /** Writes through this client. */
  public RecordPlanStep(RdsClient rds) {
    this.rds = Objects.requireNonNull(rds, "rds");
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Set<String> requiredParameters() {
    return Set.of(PLAN_ID);
  }

  @Override
  public StepResult run(StepContext context) {
    String planId = context.parameter(PLAN_ID);
    try {
      rds.addTagsToResource(r -> r.resourceName(context.instance().arn())
          .tags(t -> t.key(OwnerTags.PLAN_ID).value(planId)));
      return StepResult.done();
    } catch (SdkException e) {
      // Throttled or unreachable: the engine tries again on a later poll.
      return StepResult.retry("recording plan " + planId + " in a tag failed: " + e.getClass().getSimpleName());
    }
  }
}
