package io.rdstagflow.aws;

import io.rdstagflow.core.Completion;
import io.rdstagflow.core.StatusPolicy;
import io.rdstagflow.core.Step;
import io.rdstagflow.core.StepContext;
import io.rdstagflow.core.StepResult;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DbClusterNotFoundException;
import software.amazon.awssdk.services.rds.model.DeleteDbClusterRequest;

/**
 * The last step of a cluster's deletion, once its members are gone ({@link DeleteClusterMembersStep}):
 * one DeleteDBCluster, with a final snapshot ({@link #withFinalSnapshot}) or without
 * ({@link #skippingFinalSnapshot}). The cluster stays {@code available} while the final snapshot is
 * taken, then is {@code deleting}, then gone. The step is never complete while the cluster exists:
 * the flow it ends is a {@link io.rdstagflow.core.Flow#isDeletion() deletion flow}, which answers
 * {@code succeeded} once a describe finds the cluster no more.
 *
 * <p>It runs on a cluster in any status the default policy counts as broken, {@code deleting}
 * included ({@link #repairs()}). Idempotent: a cluster already {@code deleting} is not asked again
 * (a repeat after a crash returns {@code started} without a call), one already gone counts as
 * deleted. A final snapshot's identifier that exists already is RDS's
 * {@code DBClusterSnapshotAlreadyExistsFault}, which fails the step; a cluster with deletion
 * protection is refused likewise (turn it off in an earlier step of your own). Thread-safe.
 */
public final class DeleteClusterStep implements Step {

  private static final Logger log = LoggerFactory.getLogger(DeleteClusterStep.class);

  /** The name used unless told otherwise. */
  public static final String DEFAULT_NAME = "cluster";

  private final RdsClient rds;
  private final Function<StepContext, String> finalSnapshot;
  private final BiConsumer<StepContext, DeleteDbClusterRequest.Builder> request;
  private final String name;

  private DeleteClusterStep(RdsClient rds, Function<StepContext, String> finalSnapshot,
      BiConsumer<StepContext, DeleteDbClusterRequest.Builder> request, String name) {
    this.rds = Objects.requireNonNull(rds, "rds");
    this.finalSnapshot = finalSnapshot;
    this.request = Objects.requireNonNull(request, "request");
    this.name = Objects.requireNonNull(name, "name");
  }

  /**
   * Deletes the cluster after a final snapshot with this identifier (a function of the context:
   * deterministic, for example {@code ctx -> ctx.instanceId() + "-final"}).
   */
  public static DeleteClusterStep withFinalSnapshot(RdsClient rds, Function<StepContext, String> snapshotId) {
    return new DeleteClusterStep(rds, Objects.requireNonNull(snapshotId, "snapshotId"), (c, b) -> { }, DEFAULT_NAME);
  }

  /** Deletes the cluster without a final snapshot: its data is gone with it. */
  public static DeleteClusterStep skippingFinalSnapshot(RdsClient rds) {
    return new DeleteClusterStep(rds, null, (c, b) -> { }, DEFAULT_NAME);
  }

  /**
   * This step with more of the DeleteDBCluster request shaped by the broker (say
   * {@code deleteAutomatedBackups(false)}); the identifier and the final snapshot are the step's.
   */
  public DeleteClusterStep request(BiConsumer<StepContext, DeleteDbClusterRequest.Builder> more) {
    return new DeleteClusterStep(rds, finalSnapshot, more, name);
  }

  /** This step with another name. */
  public DeleteClusterStep named(String otherName) {
    return new DeleteClusterStep(rds, finalSnapshot, request, otherName);
  }

  @Override
  public String name() {
    return name;
  }

  /** Sends DeleteDBCluster unless the cluster is deleting already; {@code started}. */
  @Override
  public StepResult run(StepContext context) {
    if ("deleting".equals(context.instance().status())) {
      return StepResult.started();
    }
    DeleteDbClusterRequest.Builder delete = DeleteDbClusterRequest.builder();
    request.accept(context, delete);
    delete.dbClusterIdentifier(context.instanceId());
    if (finalSnapshot == null) {
      delete.skipFinalSnapshot(true).finalDBSnapshotIdentifier(null);
    } else {
      delete.skipFinalSnapshot(false).finalDBSnapshotIdentifier(finalSnapshot.apply(context));
    }
    try {
      rds.deleteDBCluster(delete.build());
      log.info("cluster {}: deleting{}", context.instanceId(), finalSnapshot == null ? ", no final snapshot"
          : ", final snapshot first");
    } catch (DbClusterNotFoundException e) {
      log.info("cluster {}: gone already", context.instanceId());
    }
    return StepResult.started();
  }

  /** Never complete while the cluster exists: the deletion flow succeeds when it is gone. */
  @Override
  public Completion completion(StepContext context) {
    return Completion.notYet("cluster " + context.instanceId() + " is " + context.instance().status()
        + "; the deletion succeeds once it is gone");
  }

  /** The default policy's broken statuses, {@code deleting} among them. */
  @Override
  public Set<String> repairs() {
    return StatusPolicy.defaults().brokenStatuses();
  }

  @Override
  public String toString() {
    return "DeleteClusterStep[" + name + (finalSnapshot == null ? ", no final snapshot" : ", final snapshot") + "]";
  }
}
