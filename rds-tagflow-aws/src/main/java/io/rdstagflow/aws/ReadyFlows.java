package io.rdstagflow.aws;

import io.rdstagflow.aws.users.BoundUsersStep;
import io.rdstagflow.core.Deadline;
import io.rdstagflow.core.Flow;
import io.rdstagflow.core.RetryPolicy;
import io.rdstagflow.core.StepContext;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.ModifyDbInstanceRequest;

/**
 * The seed broker's sequences as ready flows, made of the built-in steps a broker can also use in
 * its own flows:
 *
 * <ul>
 *   <li>{@value #RESTORE_FROM_SNAPSHOT} and {@value #RESTORE_TO_POINT_IN_TIME}: {@code settings}
 *       (one ModifyDBInstance with the broker's settings <em>and</em> the new master password, so
 *       the flow waits for one modify, not two), {@code reboot} (only if a parameter group is
 *       {@code pending-reboot}), {@code users} (reset the bound users' passwords; none by default).
 *       Start them with {@link RdsStarter}.
 *   <li>{@value #UPDATE_PLAN}: {@code settings}, {@code reboot}. Begin it with
 *       {@code TagStateMachine.begin}.
 * </ul>
 */
public final class ReadyFlows {

  /** The restore-from-snapshot flow's name. */
  public static final String RESTORE_FROM_SNAPSHOT = "restore-from-snapshot";
  /** The point-in-time restore flow's name. */
  public static final String RESTORE_TO_POINT_IN_TIME = "restore-to-point-in-time";
  /** The plan update flow's name. */
  public static final String UPDATE_PLAN = "update-plan";

  private ReadyFlows() {}

  /** The restore-from-snapshot flow, to configure. */
  public static RestoreFlowBuilder restoreFromSnapshot(RdsClient rds) {
    return new RestoreFlowBuilder(RESTORE_FROM_SNAPSHOT, rds);
  }

  /** The point-in-time restore flow, to configure. */
  public static RestoreFlowBuilder restoreToPointInTime(RdsClient rds) {
    return new RestoreFlowBuilder(RESTORE_TO_POINT_IN_TIME, rds);
  }

  /** The plan update flow: the plan's settings (instance class, storage, ...), then a reboot if one is pending. */
  public static Flow updatePlan(RdsClient rds, BiConsumer<StepContext, ModifyDbInstanceRequest.Builder> settings) {
    return Flow.builder(UPDATE_PLAN)
        .step(ModifySettingsStep.builder(rds).settings(settings).build())
        .step(new RebootIfPendingStep(rds))
        .build();
  }

  /** Configures a ready restore flow. Not thread-safe. */
  public static final class RestoreFlowBuilder {
    private final String name;
    private final RdsClient rds;
    private final ModifySettingsStep.Builder settings;
    private boolean passwordChosen;
    private BoundUsersStep users = BoundUsersStep.none();
    private RetryPolicy retry = RetryPolicy.defaults();
    private Deadline stepDeadline;
    private Deadline flowDeadline;

    private RestoreFlowBuilder(String name, RdsClient rds) {
      this.name = name;
      this.rds = Objects.requireNonNull(rds, "rds");
      this.settings = ModifySettingsStep.builder(rds);
    }

    /** The settings the restored instance gets (security groups, parameter group, backups, ...). */
    public RestoreFlowBuilder settings(Consumer<ModifyDbInstanceRequest.Builder> settings) {
      this.settings.settings(settings);
      return this;
    }

    /** The settings, shaped per instance and flow parameters. */
    public RestoreFlowBuilder settings(BiConsumer<StepContext, ModifyDbInstanceRequest.Builder> settings) {
      this.settings.settings(settings);
      return this;
    }

    /** The new master password comes from this deterministic source. */
    public RestoreFlowBuilder masterPassword(PasswordSource source) {
      this.settings.masterPassword(source);
      passwordChosen = true;
      return this;
    }

    /** RDS manages the new master password in Secrets Manager; the broker reads it itself. */
    public RestoreFlowBuilder managedMasterPassword() {
      this.settings.managedMasterPassword();
      passwordChosen = true;
      return this;
    }

    /** The step that resets the bound users' passwords; {@link BoundUsersStep#none()} by default. */
    public RestoreFlowBuilder boundUsers(BoundUsersStep users) {
      this.users = Objects.requireNonNull(users, "users");
      return this;
    }

    /** The steps' retry policy. */
    public RestoreFlowBuilder retryPolicy(RetryPolicy retry) {
      this.retry = Objects.requireNonNull(retry, "retry");
      return this;
    }

    /** The steps' deadline. */
    public RestoreFlowBuilder stepDeadline(Deadline deadline) {
      this.stepDeadline = Objects.requireNonNull(deadline, "deadline");
      return this;
    }

    /** The whole flow's deadline, from the restore request; restores of large snapshots take hours. */
    public RestoreFlowBuilder flowDeadline(Deadline deadline) {
      this.flowDeadline = Objects.requireNonNull(deadline, "deadline");
      return this;
    }

    /**
     * @throws IllegalStateException if no master password choice was made: a restore keeps the
     *     source's master password otherwise, which is what the flow exists to change
     */
    public Flow build() {
      if (!passwordChosen) {
        throw new IllegalStateException("flow " + name + " needs masterPassword(source) or managedMasterPassword():"
            + " a restored instance keeps the source's master password otherwise");
      }
      Flow.Builder flow = Flow.builder(name)
          .step(settings.build())
          .step(new RebootIfPendingStep(rds))
          .step(users)
          .retryPolicy(retry);
      if (stepDeadline != null) {
        flow.stepDeadline(stepDeadline);
      }
      if (flowDeadline != null) {
        flow.flowDeadline(flowDeadline);
      }
      return flow.build();
    }
  }
}
