package io.rdstagflow.aws;

import io.rdstagflow.core.RdsInstance;
import io.rdstagflow.core.Step;
import io.rdstagflow.core.StepContext;
import io.rdstagflow.core.StepResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;

/**
 * Changes the instance class of an Aurora cluster's members <em>one member at a time, the writer
 * last</em>, so the cluster keeps serving: each run, on a settled describe (the cluster and every
 * member available), sends one ModifyDBInstance (the new class, applied immediately) to the first
 * member that is not on the class yet, readers by identifier first, and answers
 * {@link StepResult#waiting waiting} (not counted) with the member it changes and how many follow.
 * The engine holds the flow while that member is {@code modifying}; the next settled poll runs the
 * step again, which moves on to the next member. It is {@code done} on the describe that shows
 * every member on the class with no class change pending: that describe is its verified
 * post-condition, so it needs no completion check of its own.
 *
 * <p>The class comes from a function of the context (a flow parameter set by the plan update, say)
 * and is compared ignoring case, as RDS stores it in lower case. A member the describe shows
 * {@code available} with a class change still pending (a describe lagging behind the modify, or a
 * change someone deferred to the maintenance window) gets the modify again, applied immediately.
 *
 * <p>Give the flow a step deadline that covers every member: a class change takes 5 to 15 minutes
 * a member on AWS, and the deadline runs from the step's first attempt.
 *
 * <p>Idempotent: run again, it changes only members not on the class yet (a modify repeated for a
 * member whose describe lags is one to the same target). Thread-safe.
 */
public final class ClusterInstanceClassStep implements Step {

  private static final Logger log = LoggerFactory.getLogger(ClusterInstanceClassStep.class);

  /** The name used unless told otherwise. */
  public static final String DEFAULT_NAME = "instance-class";

  private final RdsClient rds;
  private final Function<StepContext, String> instanceClass;
  private final String name;

  /**
   * A step named {@value #DEFAULT_NAME}.
   *
   * @param instanceClass the class every member should be on, for this context; deterministic
   */
  public ClusterInstanceClassStep(RdsClient rds, Function<StepContext, String> instanceClass) {
    this(rds, instanceClass, DEFAULT_NAME);
  }

  /** A step with its own name. */
  public ClusterInstanceClassStep(RdsClient rds, Function<StepContext, String> instanceClass, String name) {
    this.rds = Objects.requireNonNull(rds, "rds");
    this.instanceClass = Objects.requireNonNull(instanceClass, "instanceClass");
    this.name = Objects.requireNonNull(name, "name");
  }

  @Override
  public String name() {
    return name;
  }

  /**
   * Modifies the next member not on the class ({@code waiting}), or is {@code done} when every
   * member shows it with nothing pending.
   */
  @Override
  public StepResult run(StepContext context) {
    ClusterDescription description = ClusterDescription.of(context).orElse(null);
    if (description == null) {
      return StepResult.failed("step " + name + " needs the cluster gateway's description of the cluster");
    }
    String wanted = instanceClass.apply(context);
    List<String> todo = new ArrayList<>();
    for (RdsInstance.Member m : context.instance().members().stream().sorted(RebootClusterMembersStep.WRITER_LAST)
        .toList()) {
      DBInstance db = description.member(m.id()).orElse(null);
      if (db == null) {
        return StepResult.waiting("member " + m.id() + " is not described yet");
      }
      String pending = db.pendingModifiedValues() == null ? null : db.pendingModifiedValues().dbInstanceClass();
      if (!wanted.equalsIgnoreCase(db.dbInstanceClass()) || pending != null) {
        todo.add(m.id());
      }
    }
    if (todo.isEmpty()) {
      return StepResult.done();
    }
    String next = todo.get(0);
    log.info("cluster {}: changing the instance class of member {} to {} ({} more after it)", context.instanceId(),
        next, wanted, todo.size() - 1);
    rds.modifyDBInstance(r -> r.dbInstanceIdentifier(next).dbInstanceClass(wanted).applyImmediately(true));
    return StepResult.waiting("member " + next + " is changing to " + wanted
        + (todo.size() > 1 ? "; " + (todo.size() - 1) + " more after it" : "; the last one"));
  }

  @Override
  public String toString() {
    return "ClusterInstanceClassStep[" + name + "]";
  }
}
