package io.rdstagflow.aws.readme;

import io.rdstagflow.core.Completion;
import io.rdstagflow.core.Step;
import io.rdstagflow.core.StepContext;
import io.rdstagflow.core.StepResult;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;

/** Turns on IAM database authentication, and is done only once a describe shows it on. */
public final class EnableIamAuthentication implements Step {

  private final RdsClient rds;

  public EnableIamAuthentication(RdsClient rds) {
    this.rds = rds;
  }

  @Override
  public String name() {
    return "iam-auth";
  }

  @Override
  public StepResult run(StepContext context) {
    // The instance as this poll described it: no second describe.
    DBInstance db = context.instance().detail(DBInstance.class).orElseThrow();
    if (Boolean.TRUE.equals(db.iamDatabaseAuthenticationEnabled())) {
      return StepResult.done(); // an earlier attempt (or the owner) did it: idempotent
    }
    rds.modifyDBInstance(r -> r.dbInstanceIdentifier(context.instanceId())
        .enableIAMDatabaseAuthentication(true)
        .applyImmediately(true));
    return StepResult.started(); // accepted; completion() decides when it is done
  }

  @Override
  public Completion completion(StepContext context) {
    // Asked once the instance has settled after the modify: a settled describe can still lag.
    DBInstance db = context.instance().detail(DBInstance.class).orElseThrow();
    return Boolean.TRUE.equals(db.iamDatabaseAuthenticationEnabled())
        ? Completion.complete()
        : Completion.notYet("IAMDatabaseAuthenticationEnabled still false");
  }
}
