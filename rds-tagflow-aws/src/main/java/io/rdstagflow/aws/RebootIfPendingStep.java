package io.rdstagflow.aws;

import io.rdstagflow.core.Completion;
import io.rdstagflow.core.Step;
import io.rdstagflow.core.StepContext;
import io.rdstagflow.core.StepResult;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.rds.RdsClient;

/**
 * Reboots the instance only when a parameter group is {@code pending-reboot} (a static parameter
 * changed), and is {@code done} without a call otherwise. Complete once the instance has settled and
 * no parameter group waits for a reboot any more.
 *
 * <p>Idempotent: run again after a crash, it reboots only if the reboot is still pending, which is
 * exactly when the first one did not take. Thread-safe.
 */
public final class RebootIfPendingStep implements Step {

  private static final Logger log = LoggerFactory.getLogger(RebootIfPendingStep.class);

  /** The name used unless told otherwise. */
  public static final String DEFAULT_NAME = "reboot";

  private final RdsClient rds;
  private final String name;

  /** A step named {@value #DEFAULT_NAME}. */
  public RebootIfPendingStep(RdsClient rds) {
    this(rds, DEFAULT_NAME);
  }

  /** A step with its own name. */
  public RebootIfPendingStep(RdsClient rds, String name) {
    this.rds = Objects.requireNonNull(rds, "rds");
    this.name = Objects.requireNonNull(name, "name");
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public StepResult run(StepContext context) {
    if (!context.instance().isPendingReboot()) {
      return StepResult.done();
    }
    log.info("instance {}: rebooting to apply a parameter group", context.instanceId());
    rds.rebootDBInstance(r -> r.dbInstanceIdentifier(context.instanceId()));
    return StepResult.started();
  }

  /** Complete when no parameter group waits for a reboot any more. */
  @Override
  public Completion completion(StepContext context) {
    return context.instance().isPendingReboot()
        ? Completion.notYet("a parameter group is still pending-reboot") : Completion.complete();
  }

  @Override
  public String toString() {
    return "RebootIfPendingStep[" + name + "]";
  }
}
