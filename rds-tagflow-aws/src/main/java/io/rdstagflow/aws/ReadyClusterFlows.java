package io.rdstagflow.aws;

import io.rdstagflow.aws.users.BoundUsersStep;
import io.rdstagflow.core.Deadline;
import io.rdstagflow.core.Flow;
import io.rdstagflow.core.RetryPolicy;
import io.rdstagflow.core.Step;
import io.rdstagflow.core.StepContext;
import io.rdstagflow.core.StepPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DeleteDbClusterRequest;
import software.amazon.awssdk.services.rds.model.ModifyDbClusterRequest;

/**
 * Ready flows for Aurora DB clusters, polled by an engine over {@link SdkClusterGateway} (the state
 * in the cluster's tags) exactly as the instance flows of {@link ReadyFlows} are, and made of
 * reusable cluster steps a broker can also put in its own flows:
 *
 * <ul>
 *   <li>{@value #RESTORE_FROM_SNAPSHOT} and {@value #RESTORE_TO_POINT_IN_TIME}: {@code writer}
 *       (the restore creates no instance: CreateDBInstance with the cluster's identifier),
 *       {@code readers} (as many as the plan asks; none by default), {@code settings} (one
 *       ModifyDBCluster with the cluster settings <em>and</em> the new master password),
 *       {@code reboot} (members whose parameter group is {@code pending-reboot}), {@code users}
 *       (the bound users over JDBC on the cluster's writer endpoint; none by default). Start them
 *       with {@link ClusterStarter}.
 *   <li>{@value #UPDATE_PLAN}: {@code settings} (cluster settings, if any), {@code readers} (the new
 *       plan's readers that are missing, if {@link ClusterUpdatePlanFlowBuilder#members} is given),
 *       {@code instance-class} (the members' class, one member at a time, the writer last),
 *       {@code reboot}. Begin it with {@code TagStateMachine.begin} or {@code beginAndPoll}.
 *   <li>{@value #DELETE}: {@code members} (delete every member), {@code cluster} (DeleteDBCluster,
 *       with a final snapshot or without). A {@link Flow#isDeletion() deletion flow}: polled with
 *       its token it answers {@code succeeded} once the cluster is gone. Begin it with
 *       {@link ClusterStarter#delete}.
 * </ul>
 *
 * Every step verifies its post-condition on the describe (the members listed, the settings shown
 * with nothing pending, no member pending reboot, every member on the class), as the instance
 * steps do. The builders take further steps after the flow's own ({@code then}) and hand over a
 * core {@link Flow.Builder} ({@code toFlowBuilder()}), as {@link ReadyFlows}' do.
 */
public final class ReadyClusterFlows {

  /** The cluster restore-from-snapshot flow's name. */
  public static final String RESTORE_FROM_SNAPSHOT = "restore-cluster-from-snapshot";
  /** The cluster point-in-time restore flow's name. */
  public static final String RESTORE_TO_POINT_IN_TIME = "restore-cluster-to-point-in-time";
  /** The cluster plan update flow's name. */
  public static final String UPDATE_PLAN = "update-cluster-plan";
  /** The cluster deletion flow's name. */
  public static final String DELETE = "delete-cluster";

  private ReadyClusterFlows() {}

  /**
   * The ready cluster flows with the broker's client bound once, as
   * {@link RdsTagflow.Builder#clusterFlow(Function)} hands them out.
   */
  public static Bound using(RdsClient rds) {
    return new Bound(rds);
  }

  /** The ready cluster flows for one client. Immutable. */
  public static final class Bound {
    private final RdsClient rds;

    private Bound(RdsClient rds) {
      this.rds = Objects.requireNonNull(rds, "rds");
    }

    /** See {@link ReadyClusterFlows#restoreFromSnapshot(RdsClient)}. */
    public ClusterRestoreFlowBuilder restoreFromSnapshot() {
      return ReadyClusterFlows.restoreFromSnapshot(rds);
    }

    /** See {@link ReadyClusterFlows#restoreToPointInTime(RdsClient)}. */
    public ClusterRestoreFlowBuilder restoreToPointInTime() {
      return ReadyClusterFlows.restoreToPointInTime(rds);
    }

    /** See {@link ReadyClusterFlows#updatePlan(RdsClient)}. */
    public ClusterUpdatePlanFlowBuilder updatePlan() {
      return ReadyClusterFlows.updatePlan(rds);
    }

    /** See {@link ReadyClusterFlows#delete(RdsClient)}. */
    public ClusterDeletionFlowBuilder delete() {
      return ReadyClusterFlows.delete(rds);
    }
  }

  /** The cluster restore-from-snapshot flow, to configure. */
  public static ClusterRestoreFlowBuilder restoreFromSnapshot(RdsClient rds) {
    return new ClusterRestoreFlowBuilder(RESTORE_FROM_SNAPSHOT, rds);
  }

  /** The cluster point-in-time restore flow, to configure. */
  public static ClusterRestoreFlowBuilder restoreToPointInTime(RdsClient rds) {
    return new ClusterRestoreFlowBuilder(RESTORE_TO_POINT_IN_TIME, rds);
  }

  /** The cluster plan update flow, to configure. */
  public static ClusterUpdatePlanFlowBuilder updatePlan(RdsClient rds) {
    return new ClusterUpdatePlanFlowBuilder(rds);
  }

  /** The cluster deletion flow, to configure. */
  public static ClusterDeletionFlowBuilder delete(RdsClient rds) {
    return new ClusterDeletionFlowBuilder(rds);
  }

  /** Configures a ready cluster restore flow. Not thread-safe. */
  public static final class ClusterRestoreFlowBuilder {
    private final String name;
    private final RdsClient rds;
    private final ModifyClusterStep.Builder settings;
    private final ReadyFlows.Extras extras = new ReadyFlows.Extras();
    private ClusterMembers members;
    private boolean passwordChosen;
    private BoundUsersStep users = BoundUsersStep.none();

    private ClusterRestoreFlowBuilder(String name, RdsClient rds) {
      this.name = name;
      this.rds = Objects.requireNonNull(rds, "rds");
      this.settings = ModifyClusterStep.builder(rds);
    }

    /**
     * The instances the restored cluster gets: the writer's (and readers') CreateDBInstance request,
     * at least its {@code DBInstanceClass}; required.
     */
    public ClusterRestoreFlowBuilder members(ClusterMembers members) {
      this.members = Objects.requireNonNull(members, "members");
      return this;
    }

    /** The cluster settings the restored cluster gets (security groups, cluster parameter group, backups, ...). */
    public ClusterRestoreFlowBuilder settings(Consumer<ModifyDbClusterRequest.Builder> settings) {
      this.settings.settings(settings);
      return this;
    }

    /** The cluster settings, shaped per cluster and flow parameters; deterministic for a given context. */
    public ClusterRestoreFlowBuilder settings(BiConsumer<StepContext, ModifyDbClusterRequest.Builder> settings) {
      this.settings.settings(settings);
      return this;
    }

    /** The new master password comes from this deterministic source (keyed by the cluster identifier). */
    public ClusterRestoreFlowBuilder masterPassword(PasswordSource source) {
      this.settings.masterPassword(source);
      passwordChosen = true;
      return this;
    }

    /** RDS manages the new master password in Secrets Manager; the broker reads it itself. */
    public ClusterRestoreFlowBuilder managedMasterPassword() {
      this.settings.managedMasterPassword();
      passwordChosen = true;
      return this;
    }

    /**
     * The step that resets the bound users' passwords, on the cluster's writer endpoint;
     * {@link BoundUsersStep#none()} by default.
     */
    public ClusterRestoreFlowBuilder boundUsers(BoundUsersStep users) {
      this.users = Objects.requireNonNull(users, "users");
      return this;
    }

    /** Appends a step after the flow's own and those appended before, with the flow's policies. */
    public ClusterRestoreFlowBuilder then(Step step) {
      extras.then(step, null);
      return this;
    }

    /** As {@link #then(Step)}, with the step's own retry policy and deadline. */
    public ClusterRestoreFlowBuilder then(Step step, StepPolicy policy) {
      extras.then(step, Objects.requireNonNull(policy, "policy"));
      return this;
    }

    /** The definition's version, 1 by default: raise it when you change the steps. */
    public ClusterRestoreFlowBuilder version(int version) {
      Flow.builder("v").version(version);
      extras.version = version;
      return this;
    }

    /** The steps' retry policy. */
    public ClusterRestoreFlowBuilder retryPolicy(RetryPolicy retry) {
      extras.retry = Objects.requireNonNull(retry, "retry");
      return this;
    }

    /** The steps' deadline. */
    public ClusterRestoreFlowBuilder stepDeadline(Deadline deadline) {
      extras.stepDeadline = Objects.requireNonNull(deadline, "deadline");
      return this;
    }

    /** The whole flow's deadline, from the restore request. */
    public ClusterRestoreFlowBuilder flowDeadline(Deadline deadline) {
      extras.flowDeadline = Objects.requireNonNull(deadline, "deadline");
      return this;
    }

    /**
     * A core flow builder holding this flow's name, steps and policies; a new one each call.
     *
     * @throws IllegalStateException if no members or no master password choice were given
     * @throws IllegalArgumentException if an appended step's name is invalid or already used
     */
    public Flow.Builder toFlowBuilder() {
      if (members == null) {
        throw new IllegalStateException("flow " + name + " needs members(...): a restored cluster has no instance,"
            + " and the writer's CreateDBInstance needs at least its DBInstanceClass");
      }
      if (!passwordChosen) {
        throw new IllegalStateException("flow " + name + " needs masterPassword(source) or managedMasterPassword():"
            + " a restored cluster keeps the source's master password otherwise");
      }
      ModifyClusterStep settingsStep = settings.build();
      return extras.flow(name, List.of(
          CreateClusterInstancesStep.writer(rds, members),
          CreateClusterInstancesStep.readers(rds, members),
          settingsStep,
          AfterStep.after(settingsStep, new RebootClusterMembersStep(rds)),
          AfterStep.after(settingsStep, users)));
    }

    /**
     * The flow: {@code writer}, {@code readers}, {@code settings}, {@code reboot}, {@code users},
     * then the steps given to {@link #then}.
     *
     * @throws IllegalStateException if no members or no master password choice were given
     * @throws IllegalArgumentException if an appended step's name is invalid or already used
     */
    public Flow build() {
      return toFlowBuilder().build();
    }
  }

  /** Configures the ready cluster plan update flow. Not thread-safe. */
  public static final class ClusterUpdatePlanFlowBuilder {
    private final RdsClient rds;
    private final ModifyClusterStep.Builder settings;
    private final ReadyFlows.Extras extras = new ReadyFlows.Extras();
    private Function<StepContext, String> instanceClass;
    private ClusterMembers members;

    private ClusterUpdatePlanFlowBuilder(RdsClient rds) {
      this.rds = Objects.requireNonNull(rds, "rds");
      this.settings = ModifyClusterStep.builder(rds);
    }

    /** The class every member should be on after the update (a flow parameter, say); required. */
    public ClusterUpdatePlanFlowBuilder instanceClass(Function<StepContext, String> instanceClass) {
      this.instanceClass = Objects.requireNonNull(instanceClass, "instanceClass");
      return this;
    }

    /** Cluster settings the plan changes (Serverless v2 capacity, backups, ...); none by default. */
    public ClusterUpdatePlanFlowBuilder settings(Consumer<ModifyDbClusterRequest.Builder> settings) {
      this.settings.settings(settings);
      return this;
    }

    /** Cluster settings, shaped per cluster and flow parameters; deterministic for a given context. */
    public ClusterUpdatePlanFlowBuilder settings(BiConsumer<StepContext, ModifyDbClusterRequest.Builder> settings) {
      this.settings.settings(settings);
      return this;
    }

    /**
     * Adds a {@code readers} step that creates the readers the new plan asks for and the cluster
     * lacks (with the new plan's class, from this request); without it the members stay as many as
     * they are. Readers beyond the plan's count are left alone.
     */
    public ClusterUpdatePlanFlowBuilder members(ClusterMembers members) {
      this.members = Objects.requireNonNull(members, "members");
      return this;
    }

    /** Appends a step after the flow's own and those appended before, with the flow's policies. */
    public ClusterUpdatePlanFlowBuilder then(Step step) {
      extras.then(step, null);
      return this;
    }

    /** As {@link #then(Step)}, with the step's own retry policy and deadline. */
    public ClusterUpdatePlanFlowBuilder then(Step step, StepPolicy policy) {
      extras.then(step, Objects.requireNonNull(policy, "policy"));
      return this;
    }

    /** The definition's version, 1 by default: raise it when you change the steps. */
    public ClusterUpdatePlanFlowBuilder version(int version) {
      Flow.builder("v").version(version);
      extras.version = version;
      return this;
    }

    /** The steps' retry policy. */
    public ClusterUpdatePlanFlowBuilder retryPolicy(RetryPolicy retry) {
      extras.retry = Objects.requireNonNull(retry, "retry");
      return this;
    }

    /**
     * The steps' deadline; give {@code instance-class} time for every member (5 to 15 minutes each
     * on AWS): the deadline runs from its first attempt.
     */
    public ClusterUpdatePlanFlowBuilder stepDeadline(Deadline deadline) {
      extras.stepDeadline = Objects.requireNonNull(deadline, "deadline");
      return this;
    }

    /** The whole flow's deadline, from its begin. */
    public ClusterUpdatePlanFlowBuilder flowDeadline(Deadline deadline) {
      extras.flowDeadline = Objects.requireNonNull(deadline, "deadline");
      return this;
    }

    /**
     * A core flow builder holding this flow's name ({@value ReadyClusterFlows#UPDATE_PLAN}), steps
     * and policies; a new one each call.
     *
     * @throws IllegalStateException if no instance class was given
     */
    public Flow.Builder toFlowBuilder() {
      if (instanceClass == null) {
        throw new IllegalStateException("flow " + UPDATE_PLAN + " needs instanceClass(...): the class the plan puts"
            + " its members on");
      }
      ModifyClusterStep settingsStep = settings.build();
      List<Step> own = new ArrayList<>();
      own.add(settingsStep);
      if (members != null) {
        own.add(AfterStep.after(settingsStep, CreateClusterInstancesStep.readers(rds, members)));
      }
      own.add(AfterStep.after(settingsStep, new ClusterInstanceClassStep(rds, instanceClass)));
      own.add(AfterStep.after(settingsStep, new RebootClusterMembersStep(rds)));
      return extras.flow(UPDATE_PLAN, own);
    }

    /**
     * The flow: {@code settings}, ({@code readers},) {@code instance-class}, {@code reboot}, then
     * the steps given to {@link #then}.
     *
     * @throws IllegalStateException if no instance class was given
     */
    public Flow build() {
      return toFlowBuilder().build();
    }
  }

  /** Configures the ready cluster deletion flow. Not thread-safe. */
  public static final class ClusterDeletionFlowBuilder {
    private final RdsClient rds;
    private final ReadyFlows.Extras extras = new ReadyFlows.Extras();
    private DeleteClusterStep cluster;
    private BiConsumer<StepContext, DeleteDbClusterRequest.Builder> request;

    private ClusterDeletionFlowBuilder(RdsClient rds) {
      this.rds = Objects.requireNonNull(rds, "rds");
    }

    /**
     * The cluster is deleted after a final snapshot with this identifier, a function of the context
     * (deterministic; a flow parameter, or {@code ctx -> ctx.instanceId() + "-final"}). This or
     * {@link #skipFinalSnapshot()} is required.
     */
    public ClusterDeletionFlowBuilder finalSnapshot(Function<StepContext, String> snapshotId) {
      this.cluster = DeleteClusterStep.withFinalSnapshot(rds, snapshotId);
      return this;
    }

    /** The cluster is deleted without a final snapshot: its data goes with it. */
    public ClusterDeletionFlowBuilder skipFinalSnapshot() {
      this.cluster = DeleteClusterStep.skippingFinalSnapshot(rds);
      return this;
    }

    /** More of the DeleteDBCluster request ({@code deleteAutomatedBackups}, say). */
    public ClusterDeletionFlowBuilder request(BiConsumer<StepContext, DeleteDbClusterRequest.Builder> request) {
      this.request = Objects.requireNonNull(request, "request");
      return this;
    }

    /** The definition's version, 1 by default: raise it when you change the steps. */
    public ClusterDeletionFlowBuilder version(int version) {
      Flow.builder("v").version(version);
      extras.version = version;
      return this;
    }

    /** The steps' retry policy. */
    public ClusterDeletionFlowBuilder retryPolicy(RetryPolicy retry) {
      extras.retry = Objects.requireNonNull(retry, "retry");
      return this;
    }

    /**
     * The steps' deadline; the {@code cluster} step waits for the final snapshot and the deletion.
     * Past it the flow fails, and a later poll still answers {@code succeeded} once the cluster is
     * gone.
     */
    public ClusterDeletionFlowBuilder stepDeadline(Deadline deadline) {
      extras.stepDeadline = Objects.requireNonNull(deadline, "deadline");
      return this;
    }

    /** The whole flow's deadline, from its begin. */
    public ClusterDeletionFlowBuilder flowDeadline(Deadline deadline) {
      extras.flowDeadline = Objects.requireNonNull(deadline, "deadline");
      return this;
    }

    /**
     * A core flow builder holding this flow's name ({@value ReadyClusterFlows#DELETE}), its two
     * steps and policies, marked a deletion; a new one each call.
     *
     * @throws IllegalStateException if neither a final snapshot nor skipping it was chosen
     */
    public Flow.Builder toFlowBuilder() {
      if (cluster == null) {
        throw new IllegalStateException("flow " + DELETE + " needs finalSnapshot(...) or skipFinalSnapshot(): a"
            + " cluster's deletion takes its data with it");
      }
      DeleteClusterStep last = request == null ? cluster : cluster.request(request);
      return extras.flow(DELETE, List.of(new DeleteClusterMembersStep(rds), last)).deletion();
    }

    /**
     * The flow: {@code members}, {@code cluster}; a deletion flow.
     *
     * @throws IllegalStateException if neither a final snapshot nor skipping it was chosen
     */
    public Flow build() {
      return toFlowBuilder().build();
    }
  }
}
