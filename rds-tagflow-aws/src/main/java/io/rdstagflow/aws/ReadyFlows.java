package io.rdstagflow.aws;

import io.rdstagflow.aws.upgrade.EngineUpgradeStep;
import io.rdstagflow.aws.upgrade.OptionGroupNaming;
import io.rdstagflow.aws.upgrade.ParameterGroupNaming;
import io.rdstagflow.aws.upgrade.PostgresExtensionsStep;
import io.rdstagflow.aws.upgrade.SnapshotBeforeUpgradeStep;
import io.rdstagflow.aws.users.BoundUsersStep;
import io.rdstagflow.core.Deadline;
import io.rdstagflow.core.Flow;
import io.rdstagflow.core.RetryPolicy;
import io.rdstagflow.core.Step;
import io.rdstagflow.core.StepContext;
import io.rdstagflow.core.StepPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 *   <li>{@value #ENGINE_UPGRADE}: {@code snapshot} (optional), {@code upgrade} (every hop of the
 *       path to the target version, each verified), {@code extensions} (PostgreSQL's, after the
 *       last hop). Begin it with {@link RdsStarter#upgradeEngine}, which finds the path and refuses
 *       what cannot work.
 * </ul>
 *
 * <h2>Open for more steps</h2>
 *
 * Every ready flow is built by a builder that takes further steps after its own
 * ({@link RestoreFlowBuilder#then(Step)}, {@link UpdatePlanFlowBuilder#then(Step)}: say, a step that
 * creates an extension once the users are reset), or hands over a core {@link Flow.Builder}
 * holding its steps and policies ({@code toFlowBuilder()}) for anything else the core builder
 * offers. The ready steps keep their names and positions, so a flow extended at its end can still
 * finish operations begun before the extension, as far as the engine's flow definitions allow.
 */
public final class ReadyFlows {

  /** The restore-from-snapshot flow's name. */
  public static final String RESTORE_FROM_SNAPSHOT = "restore-from-snapshot";
  /** The point-in-time restore flow's name. */
  public static final String RESTORE_TO_POINT_IN_TIME = "restore-to-point-in-time";
  /** The plan update flow's name. */
  public static final String UPDATE_PLAN = "update-plan";
  /** The engine version upgrade flow's name. */
  public static final String ENGINE_UPGRADE = "engine-upgrade";

  private ReadyFlows() {}

  /**
   * The ready flows with the broker's client bound once, as {@link RdsTagflow.Builder#flow(java.util.function.Function)}
   * hands them out.
   */
  public static Bound using(RdsClient rds) {
    return new Bound(rds);
  }

  /** The ready flows for one client. Immutable. */
  public static final class Bound {
    private final RdsClient rds;

    private Bound(RdsClient rds) {
      this.rds = Objects.requireNonNull(rds, "rds");
    }

    /** See {@link ReadyFlows#restoreFromSnapshot(RdsClient)}. */
    public RestoreFlowBuilder restoreFromSnapshot() {
      return ReadyFlows.restoreFromSnapshot(rds);
    }

    /** See {@link ReadyFlows#restoreToPointInTime(RdsClient)}. */
    public RestoreFlowBuilder restoreToPointInTime() {
      return ReadyFlows.restoreToPointInTime(rds);
    }

    /** See {@link ReadyFlows#updatePlan(RdsClient)}. */
    public UpdatePlanFlowBuilder updatePlan() {
      return ReadyFlows.updatePlan(rds);
    }

    /** See {@link ReadyFlows#engineUpgrade(RdsClient)}. */
    public EngineUpgradeFlowBuilder engineUpgrade() {
      return ReadyFlows.engineUpgrade(rds);
    }
  }

  /** The restore-from-snapshot flow, to configure. */
  public static RestoreFlowBuilder restoreFromSnapshot(RdsClient rds) {
    return new RestoreFlowBuilder(RESTORE_FROM_SNAPSHOT, rds);
  }

  /** The point-in-time restore flow, to configure. */
  public static RestoreFlowBuilder restoreToPointInTime(RdsClient rds) {
    return new RestoreFlowBuilder(RESTORE_TO_POINT_IN_TIME, rds);
  }

  /**
   * The plan update flow, to configure: the plan's settings (instance class, storage, ...), then a
   * reboot if one is pending, then any steps given to {@link UpdatePlanFlowBuilder#then(Step)}.
   */
  public static UpdatePlanFlowBuilder updatePlan(RdsClient rds) {
    return new UpdatePlanFlowBuilder(rds);
  }

  /**
   * The engine version upgrade flow, to configure: optionally a snapshot, then every hop of the
   * path to the target version (a parameter group of each new family carrying the custom
   * parameters, one ModifyDBInstance per hop, a reboot when the group waits for one, each hop
   * verified on the describe, an accepted upgrade that changes nothing failed naming the versions),
   * then PostgreSQL's extensions updated. Begin it with {@link RdsStarter#upgradeEngine}.
   */
  public static EngineUpgradeFlowBuilder engineUpgrade(RdsClient rds) {
    return new EngineUpgradeFlowBuilder(rds);
  }

  /**
   * The plan update flow with default policies and no further steps: the plan's settings
   * (instance class, storage, ...), then a reboot if one is pending. The same as
   * {@code updatePlan(rds).settings(settings).build()}.
   */
  public static Flow updatePlan(RdsClient rds, BiConsumer<StepContext, ModifyDbInstanceRequest.Builder> settings) {
    return updatePlan(rds).settings(settings).build();
  }

  /** Policies and further steps, as both builders take them; applied to a core builder at the end. */
  static final class Extras {
    final List<Step> steps = new ArrayList<>();
    private final List<StepPolicy> policies = new ArrayList<>();
    RetryPolicy retry = RetryPolicy.defaults();
    Deadline stepDeadline;
    Deadline flowDeadline;
    int version = 1;

    void then(Step step, StepPolicy policy) {
      steps.add(Objects.requireNonNull(step, "step"));
      policies.add(policy);
    }

    Flow.Builder flow(String name, List<Step> own) {
      Flow.Builder flow = Flow.builder(name).version(version).retryPolicy(retry);
      if (stepDeadline != null) {
        flow.stepDeadline(stepDeadline);
      }
      if (flowDeadline != null) {
        flow.flowDeadline(flowDeadline);
      }
      own.forEach(flow::step);
      for (int i = 0; i < steps.size(); i++) {
        if (policies.get(i) == null) {
          flow.step(steps.get(i));
        } else {
          flow.step(steps.get(i), policies.get(i));
        }
      }
      return flow;
    }
  }

  /** Configures a ready restore flow. Not thread-safe. */
  public static final class RestoreFlowBuilder {
    private final String name;
    private final RdsClient rds;
    private final ModifySettingsStep.Builder settings;
    private final Extras extras = new Extras();
    private boolean passwordChosen;
    private BoundUsersStep users = BoundUsersStep.none();

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

    /** The settings, shaped per instance and flow parameters; deterministic for a given context. */
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

    /**
     * Appends a step after the flow's own ({@code settings}, {@code reboot}, {@code users}) and
     * those appended before, with the flow's retry policy and step deadline. Its name must differ
     * from every other step's; {@link #build()} refuses a duplicate.
     */
    public RestoreFlowBuilder then(Step step) {
      extras.then(step, null);
      return this;
    }

    /** As {@link #then(Step)}, with the step's own retry policy and deadline. */
    public RestoreFlowBuilder then(Step step, StepPolicy policy) {
      extras.then(step, Objects.requireNonNull(policy, "policy"));
      return this;
    }

    /**
     * The definition's version, 1 by default: raise it when you change the steps (a {@code then}),
     * and keep the older definition registered while operations of it may run (see
     * {@code Flow.Builder.version}).
     */
    public RestoreFlowBuilder version(int version) {
      Flow.builder("v").version(version); // the core's check and message
      extras.version = version;
      return this;
    }

    /** The steps' retry policy. */
    public RestoreFlowBuilder retryPolicy(RetryPolicy retry) {
      extras.retry = Objects.requireNonNull(retry, "retry");
      return this;
    }

    /** The steps' deadline. */
    public RestoreFlowBuilder stepDeadline(Deadline deadline) {
      extras.stepDeadline = Objects.requireNonNull(deadline, "deadline");
      return this;
    }

    /** The whole flow's deadline, from the restore request; restores of large snapshots take hours. */
    public RestoreFlowBuilder flowDeadline(Deadline deadline) {
      extras.flowDeadline = Objects.requireNonNull(deadline, "deadline");
      return this;
    }

    /**
     * A core flow builder holding this flow's name, steps (its own, then those given to
     * {@link #then}) and policies, for what the core builder offers beyond this one. A new core
     * builder each call; changing it changes nothing here.
     *
     * @throws IllegalStateException if no master password choice was made (see {@link #build()})
     * @throws IllegalArgumentException if an appended step's name is invalid or already used
     */
    public Flow.Builder toFlowBuilder() {
      if (!passwordChosen) {
        throw new IllegalStateException("flow " + name + " needs masterPassword(source) or managedMasterPassword():"
            + " a restored instance keeps the source's master password otherwise");
      }
      // The reboot and the users run only on describes that show the settings: never on a view from
      // before the modify, which would say "no reboot pending" of the instance as it was.
      ModifySettingsStep settingsStep = settings.build();
      return extras.flow(name, List.of(settingsStep, AfterStep.after(settingsStep, new RebootIfPendingStep(rds)),
          AfterStep.after(settingsStep, users)));
    }

    /**
     * The flow: its own steps, then those given to {@link #then}.
     *
     * @throws IllegalStateException if no master password choice was made: a restore keeps the
     *     source's master password otherwise, which is what the flow exists to change
     * @throws IllegalArgumentException if an appended step's name is invalid or already used
     */
    public Flow build() {
      return toFlowBuilder().build();
    }
  }

  /** Configures the ready plan update flow. Not thread-safe. */
  public static final class UpdatePlanFlowBuilder {
    private final RdsClient rds;
    private final ModifySettingsStep.Builder settings;
    private final Extras extras = new Extras();
    private boolean settingsGiven;

    private UpdatePlanFlowBuilder(RdsClient rds) {
      this.rds = Objects.requireNonNull(rds, "rds");
      this.settings = ModifySettingsStep.builder(rds);
    }

    /** The plan's settings, the same for every instance; required (this or the other overload). */
    public UpdatePlanFlowBuilder settings(Consumer<ModifyDbInstanceRequest.Builder> settings) {
      this.settings.settings(settings);
      settingsGiven = true;
      return this;
    }

    /**
     * The plan's settings, shaped per instance and flow parameters (the new plan's instance class,
     * say); deterministic for a given context. Required (this or the other overload).
     */
    public UpdatePlanFlowBuilder settings(BiConsumer<StepContext, ModifyDbInstanceRequest.Builder> settings) {
      this.settings.settings(settings);
      settingsGiven = true;
      return this;
    }

    /**
     * Appends a step after {@code settings} and {@code reboot} and those appended before, with the
     * flow's retry policy and step deadline. Its name must differ from every other step's;
     * {@link #build()} refuses a duplicate.
     */
    public UpdatePlanFlowBuilder then(Step step) {
      extras.then(step, null);
      return this;
    }

    /** As {@link #then(Step)}, with the step's own retry policy and deadline. */
    public UpdatePlanFlowBuilder then(Step step, StepPolicy policy) {
      extras.then(step, Objects.requireNonNull(policy, "policy"));
      return this;
    }

    /**
     * The definition's version, 1 by default: raise it when you change the steps (a {@code then}),
     * and keep the older definition registered while operations of it may run (see
     * {@code Flow.Builder.version}).
     */
    public UpdatePlanFlowBuilder version(int version) {
      Flow.builder("v").version(version); // the core's check and message
      extras.version = version;
      return this;
    }

    /** The steps' retry policy. */
    public UpdatePlanFlowBuilder retryPolicy(RetryPolicy retry) {
      extras.retry = Objects.requireNonNull(retry, "retry");
      return this;
    }

    /** The steps' deadline. */
    public UpdatePlanFlowBuilder stepDeadline(Deadline deadline) {
      extras.stepDeadline = Objects.requireNonNull(deadline, "deadline");
      return this;
    }

    /** The whole flow's deadline, from its begin; a storage change on a large instance takes hours. */
    public UpdatePlanFlowBuilder flowDeadline(Deadline deadline) {
      extras.flowDeadline = Objects.requireNonNull(deadline, "deadline");
      return this;
    }

    /**
     * A core flow builder holding this flow's name ({@value ReadyFlows#UPDATE_PLAN}), steps and
     * policies; a new one each call.
     *
     * @throws IllegalStateException if no settings were given: a plan update without them would
     *     change nothing
     * @throws IllegalArgumentException if an appended step's name is invalid or already used
     */
    public Flow.Builder toFlowBuilder() {
      if (!settingsGiven) {
        throw new IllegalStateException("flow " + UPDATE_PLAN + " needs settings(...): the plan's instance class,"
            + " storage or other settings; without them it would change nothing");
      }
      ModifySettingsStep settingsStep = settings.build();
      return extras.flow(UPDATE_PLAN, List.of(settingsStep,
          AfterStep.after(settingsStep, new RebootIfPendingStep(rds))));
    }

    /**
     * The flow: {@code settings}, {@code reboot}, then the steps given to {@link #then}.
     *
     * @throws IllegalStateException if no settings were given
     * @throws IllegalArgumentException if an appended step's name is invalid or already used
     */
    public Flow build() {
      return toFlowBuilder().build();
    }
  }

  /** Configures the ready engine upgrade flow. Not thread-safe. */
  public static final class EngineUpgradeFlowBuilder {
    /** A step's deadline in this flow unless set: a hop of a large instance takes hours. */
    private static final Deadline UPGRADE_STEP_DEADLINE = Deadline.of(Duration.ofHours(12));

    private final RdsClient rds;
    private final EngineUpgradeStep.Builder upgrade;
    private final Extras extras = new Extras();
    private boolean snapshot;
    private PostgresExtensionsStep extensions;
    private boolean extensionsChosen;

    private EngineUpgradeFlowBuilder(RdsClient rds) {
      this.rds = Objects.requireNonNull(rds, "rds");
      this.upgrade = EngineUpgradeStep.builder(rds);
    }

    /** How each new family's parameter group is named; {@link ParameterGroupNaming#replacingFamily()} by default. */
    public EngineUpgradeFlowBuilder parameterGroups(ParameterGroupNaming naming) {
      upgrade.parameterGroups(naming);
      return this;
    }

    /**
     * The option group of each new major version, for instances with an option group of their own;
     * without it such an upgrade is refused when it begins.
     */
    public EngineUpgradeFlowBuilder optionGroups(OptionGroupNaming naming) {
      upgrade.optionGroups(naming);
      return this;
    }

    /** Takes a manual snapshot first and starts the first hop only once it is available. */
    public EngineUpgradeFlowBuilder snapshotFirst() {
      this.snapshot = true;
      return this;
    }

    /**
     * After the last hop, updates every PostgreSQL extension to the new version's default with
     * this step (the master password comes from its source). This or {@link #withoutExtensionUpdates()}
     * is required.
     */
    public EngineUpgradeFlowBuilder extensions(PostgresExtensionsStep step) {
      this.extensions = Objects.requireNonNull(step, "step");
      this.extensionsChosen = true;
      return this;
    }

    /** Leaves extensions as they are (engines without extensions, or a broker that updates them itself). */
    public EngineUpgradeFlowBuilder withoutExtensionUpdates() {
      this.extensions = null;
      this.extensionsChosen = true;
      return this;
    }

    /** See {@link EngineUpgradeStep.Builder#noOpAfter(Duration)}; 5 minutes by default. */
    public EngineUpgradeFlowBuilder noOpAfter(Duration noOpAfter) {
      upgrade.noOpAfter(noOpAfter);
      return this;
    }

    /** See {@link EngineUpgradeStep.Builder#hopTag(String)}; {@value EngineUpgradeStep#DEFAULT_HOP_TAG} by default. */
    public EngineUpgradeFlowBuilder hopTag(String key) {
      upgrade.hopTag(key);
      return this;
    }

    /**
     * Appends a step after the flow's own, with the flow's retry policy and step deadline. Its name
     * must differ from every other step's; {@link #build()} refuses a duplicate.
     */
    public EngineUpgradeFlowBuilder then(Step step) {
      extras.then(step, null);
      return this;
    }

    /** As {@link #then(Step)}, with the step's own retry policy and deadline. */
    public EngineUpgradeFlowBuilder then(Step step, StepPolicy policy) {
      extras.then(step, Objects.requireNonNull(policy, "policy"));
      return this;
    }

    /** The definition's version, 1 by default (see {@code Flow.Builder.version}). */
    public EngineUpgradeFlowBuilder version(int version) {
      Flow.builder("v").version(version); // the core's check and message
      extras.version = version;
      return this;
    }

    /** The steps' retry policy. */
    public EngineUpgradeFlowBuilder retryPolicy(RetryPolicy retry) {
      extras.retry = Objects.requireNonNull(retry, "retry");
      return this;
    }

    /**
     * The steps' deadline, each from its first attempt; 12 hours by default (the upgrade step's
     * covers every hop).
     */
    public EngineUpgradeFlowBuilder stepDeadline(Deadline deadline) {
      extras.stepDeadline = Objects.requireNonNull(deadline, "deadline");
      return this;
    }

    /** The whole flow's deadline, from its begin; 1 day by default. */
    public EngineUpgradeFlowBuilder flowDeadline(Deadline deadline) {
      extras.flowDeadline = Objects.requireNonNull(deadline, "deadline");
      return this;
    }

    /**
     * A core flow builder holding this flow's name ({@value ReadyFlows#ENGINE_UPGRADE}), steps and
     * policies; a new one each call.
     *
     * @throws IllegalStateException if neither {@link #extensions} nor {@link #withoutExtensionUpdates()}
     *     was chosen: a PostgreSQL upgrade leaves extensions at their old versions otherwise
     * @throws IllegalArgumentException if an appended step's name is invalid or already used
     */
    public Flow.Builder toFlowBuilder() {
      if (!extensionsChosen) {
        throw new IllegalStateException("flow " + ENGINE_UPGRADE + " needs extensions(step) or"
            + " withoutExtensionUpdates(): a PostgreSQL upgrade leaves every extension at its old version otherwise");
      }
      if (extras.stepDeadline == null) {
        extras.stepDeadline = UPGRADE_STEP_DEADLINE;
      }
      EngineUpgradeStep upgradeStep = upgrade.build();
      List<Step> own = new ArrayList<>();
      if (snapshot) {
        own.add(new SnapshotBeforeUpgradeStep(rds));
      }
      own.add(upgradeStep);
      if (extensions != null) {
        // Only on describes that show the target version in sync: never on a view from before the last hop.
        own.add(AfterStep.after(upgradeStep, extensions));
      }
      return extras.flow(ENGINE_UPGRADE, own);
    }

    /**
     * The flow.
     *
     * @throws IllegalStateException if no choice about extensions was made
     * @throws IllegalArgumentException if an appended step's name is invalid or already used
     */
    public Flow build() {
      return toFlowBuilder().build();
    }
  }
}
