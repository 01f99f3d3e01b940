package com.example.broker;

import io.rdstagflow.core.Completion;
import io.rdstagflow.core.Step;
import io.rdstagflow.core.StepContext;
import io.rdstagflow.core.StepResult;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;

/**
 * A broker's own step, written from the README alone: turns on IAM database authentication and is
 * done only once a describe shows it on.
 */
public final class IamAuthStep implements Step {
  private final RdsClient rds;

  public IamAuthStep(RdsClient rds) {
    this.rds = rds;
  }

  @Override
  public String name() {
    return "iam-auth";
  }

  @Override
  public StepResult run(StepContext context) {
    DBInstance db = context.instance().detail(DBInstance.class).orElseThrow();
    if (Boolean.TRUE.equals(db.iamDatabaseAuthenticationEnabled())) {
      return StepResult.done();
    }
    rds.modifyDBInstance(r -> r.dbInstanceIdentifier(context.instanceId()).enableIAMDatabaseAuthentication(true)
        .applyImmediately(true));
    return StepResult.started();
  }

  @Override
  public Completion completion(StepContext context) {
    DBInstance db = context.instance().detail(DBInstance.class).orElseThrow();
    return Boolean.TRUE.equals(db.iamDatabaseAuthenticationEnabled())
        ? Completion.complete() : Completion.notYet("IAM authentication not shown on yet");
  }
}
