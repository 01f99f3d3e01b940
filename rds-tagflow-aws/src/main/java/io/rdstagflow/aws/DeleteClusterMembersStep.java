package io.rdstagflow.aws;

import io.rdstagflow.core.Completion;
import io.rdstagflow.core.RdsInstance;
import io.rdstagflow.core.StatusPolicy;
import io.rdstagflow.core.Step;
import io.rdstagflow.core.StepContext;
import io.rdstagflow.core.StepResult;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;

/**
 * The first step of a cluster's deletion: deletes every member instance (one DeleteDBInstance each,
 * readers first, the writer last, in the same poll), since RDS deletes a cluster only once no member
 * is left in a status other than {@code deleting}. An Aurora member takes no final snapshot of its
 * own: the cluster's final snapshot ({@link DeleteClusterStep}) holds the data. {@code done} without
 * a call when the cluster has no member.
 *
 * <p>Complete once the cluster lists no member at all; until then not yet, naming the members
 * still there. It runs on a cluster in any status the default {@link StatusPolicy} counts as broken
 * ({@code failed}, {@code incompatible-parameters}, ..., and {@code deleting}), so a cluster whose
 * restore failed can still be deleted ({@link #repairs()}).
 *
 * <p>Idempotent: a member already {@code deleting} is not deleted again, one already gone
 * ({@code DBInstanceNotFound}) is skipped. Thread-safe.
 */
public final class DeleteClusterMembersStep implements Step {

  private static final Logger log = LoggerFactory.getLogger(DeleteClusterMembersStep.class);

  /** The name used unless told otherwise. */
  public static final String DEFAULT_NAME = "members";

  private static final String DELETING = "deleting";

  private final RdsClient rds;
  private final String name;

  /** A step named {@value #DEFAULT_NAME}. */
  public DeleteClusterMembersStep(RdsClient rds) {
    this(rds, DEFAULT_NAME);
  }

  /** A step with its own name. */
  public DeleteClusterMembersStep(RdsClient rds, String name) {
    this.rds = Objects.requireNonNull(rds, "rds");
    this.name = Objects.requireNonNull(name, "name");
  }

  @Override
  public String name() {
    return name;
  }

  /** Deletes the members not already deleting, {@code started}; {@code done} when there is none. */
  @Override
  public StepResult run(StepContext context) {
    List<RdsInstance.Member> members = context.instance().members().stream()
        .sorted(RebootClusterMembersStep.WRITER_LAST).toList();
    if (members.isEmpty()) {
      return StepResult.done();
    }
    for (RdsInstance.Member m : members) {
      if (DELETING.equals(m.status())) {
        continue;
      }
      try {
        rds.deleteDBInstance(r -> r.dbInstanceIdentifier(m.id()));
        log.info("cluster {}: deleting member {}", context.instanceId(), m.id());
      } catch (DbInstanceNotFoundException e) {
        log.info("cluster {}: member {} is gone already", context.instanceId(), m.id());
      }
    }
    return StepResult.started();
  }

  /** Complete when the cluster lists no member. */
  @Override
  public Completion completion(StepContext context) {
    List<RdsInstance.Member> members = context.instance().members();
    return members.isEmpty() ? Completion.complete()
        : Completion.notYet("members " + String.join(" ", members.stream().map(m -> m.id() + " " + m.status())
            .toList()) + " still there");
  }

  /** The default policy's broken statuses, {@code deleting} among them: a deletion runs on any. */
  @Override
  public Set<String> repairs() {
    return StatusPolicy.defaults().brokenStatuses();
  }

  @Override
  public String toString() {
    return "DeleteClusterMembersStep[" + name + "]";
  }
}
