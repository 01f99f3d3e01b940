package io.rdstagflow.examples.broker;

import io.rdstagflow.aws.ModifySettingsStep;
import io.rdstagflow.aws.PasswordSource;
import io.rdstagflow.aws.ReadyFlows;
import io.rdstagflow.aws.RebootIfPendingStep;
import io.rdstagflow.aws.upgrade.PostgresExtensionsStep;
import io.rdstagflow.aws.users.BoundUsersStep;
import io.rdstagflow.aws.users.ConnectionFactory;
import io.rdstagflow.aws.users.DriverManagerConnectionFactory;
import io.rdstagflow.core.Flow;
import io.rdstagflow.core.StepContext;
import java.util.List;
import java.util.function.BiConsumer;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.ModifyDbInstanceRequest;

/**
 * The example broker's four flows, shared by the broker and the operator tool (an engine decodes
 * only the flows it knows): {@value ReadyFlows#RESTORE_FROM_SNAPSHOT}, {@value #CREATE},
 * {@value ReadyFlows#UPDATE_PLAN} (which ends by recording the new plan in the instance's
 * {@value OwnerTags#PLAN_ID} tag) and {@value ReadyFlows#ENGINE_UPGRADE} (a snapshot, every hop to
 * the version asked for, the PostgreSQL extensions updated).
 */
public final class ExampleFlows {

  /** The flow that follows a CreateDBInstance. */
  public static final String CREATE = "create";
  /** Flow parameter of the plan update: the instance class. Stored in a tag, so never a secret. */
  public static final String INSTANCE_CLASS = "instance-class";
  /** Flow parameter of the plan update: the allocated storage in GiB. */
  public static final String STORAGE_GIB = "storage-gib";

  private ExampleFlows() {}

  /**
   * The flows. The same settings serve both ways of provisioning, so created and restored
   * instances end alike: after a create the settings step finds them already set and makes no call.
   *
   * @param parameterGroup the DB parameter group every instance gets
   * @param passwords      the source of the new master password after a restore
   * @param users          the restore's last step, for the users bound in the source database
   */
  public static List<Flow> all(RdsClient rds, String parameterGroup, PasswordSource passwords, BoundUsersStep users) {
    return all(rds, parameterGroup, passwords, users, DriverManagerConnectionFactory.create());
  }

  /**
   * The flows, with the engine upgrade's extension step connecting through {@code databases} (the
   * driver on AWS, the fake's database model on the fake).
   */
  public static List<Flow> all(RdsClient rds, String parameterGroup, PasswordSource passwords, BoundUsersStep users,
      ConnectionFactory databases) {
    BiConsumer<StepContext, ModifyDbInstanceRequest.Builder> settings =
        (context, modify) -> modify.dbParameterGroupName(parameterGroup).backupRetentionPeriod(7);

    Flow restore = ReadyFlows.restoreFromSnapshot(rds)
        .settings(settings)
        .masterPassword(passwords)
        .boundUsers(users)
        .build();
    Flow create = Flow.builder(CREATE)
        .step(ModifySettingsStep.builder(rds).settings(settings).build())
        .step(new RebootIfPendingStep(rds))
        .build();
    Flow updatePlan = ReadyFlows.updatePlan(rds).settings((context, modify) -> {
      modify.dbInstanceClass(context.parameter(INSTANCE_CLASS));
      // RDS cannot shrink storage: a smaller plan keeps what the instance has.
      int wanted = Integer.parseInt(context.parameter(STORAGE_GIB));
      if (context.instance().allocatedStorageGib().orElse(0) < wanted) {
        modify.allocatedStorage(wanted);
      }
    }).then(new RecordPlanStep(rds)) // the instance's plan tag names the plan it is on
        .build();
    // The broker's group is named for its family (rdstagflow-example-postgres16): each new family
    // gets its own (rdstagflow-example-postgres17), created with the same custom parameters.
    Flow upgrade = ReadyFlows.engineUpgrade(rds)
        .snapshotFirst()
        .extensions(PostgresExtensionsStep.builder().masterPasswords(passwords).connectionFactory(databases).build())
        .build();
    return List.of(restore, create, updatePlan, upgrade);
  }
}
