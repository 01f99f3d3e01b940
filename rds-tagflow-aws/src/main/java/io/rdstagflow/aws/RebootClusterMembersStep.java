package io.rdstagflow.aws;

import io.rdstagflow.core.Completion;
import io.rdstagflow.core.RdsInstance;
import io.rdstagflow.core.Step;
import io.rdstagflow.core.StepContext;
import io.rdstagflow.core.StepResult;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.rds.RdsClient;

/**
 * Reboots the members of an Aurora cluster whose parameter group waits for a reboot: a member's DB
 * parameter group, or the cluster parameter group as the cluster reports it for that member
 * ({@code DBClusterParameterGroupStatus}), {@code pending-reboot}. One RebootDBInstance per such
 * member, readers first, the writer last, in the same poll; {@code done} without a call when no
 * member waits. Complete once no member's parameter group is {@code pending-reboot} any more (the
 * engine asks on a settled describe: every member available again).
 *
 * <p>Idempotent: run again after a crash, it reboots only the members still pending, which are
 * exactly those whose first reboot did not take. Thread-safe.
 */
public final class RebootClusterMembersStep implements Step {

  private static final Logger log = LoggerFactory.getLogger(RebootClusterMembersStep.class);

  /** The name used unless told otherwise. */
  public static final String DEFAULT_NAME = "reboot";

  private final RdsClient rds;
  private final String name;

  /** A step named {@value #DEFAULT_NAME}. */
  public RebootClusterMembersStep(RdsClient rds) {
    this(rds, DEFAULT_NAME);
  }

  /** A step with its own name. */
  public RebootClusterMembersStep(RdsClient rds, String name) {
    this.rds = Objects.requireNonNull(rds, "rds");
    this.name = Objects.requireNonNull(name, "name");
  }

  @Override
  public String name() {
    return name;
  }

  /** Reboots each member pending a reboot (readers first), {@code started}; {@code done} when none is. */
  @Override
  public StepResult run(StepContext context) {
    List<RdsInstance.Member> pending = pending(context);
    if (pending.isEmpty()) {
      return StepResult.done();
    }
    for (RdsInstance.Member m : pending) {
      log.info("cluster {}: rebooting member {} to apply a parameter group", context.instanceId(), m.id());
      rds.rebootDBInstance(r -> r.dbInstanceIdentifier(m.id()));
    }
    return StepResult.started();
  }

  /** Complete when no member's parameter group waits for a reboot; otherwise not yet, naming them. */
  @Override
  public Completion completion(StepContext context) {
    List<RdsInstance.Member> pending = pending(context);
    return pending.isEmpty() ? Completion.complete()
        : Completion.notYet("a parameter group of " + String.join(" ", pending.stream().map(RdsInstance.Member::id)
            .toList()) + " is still pending-reboot");
  }

  /** The members with a parameter group pending reboot, readers (by id) first, the writer last. */
  static List<RdsInstance.Member> pending(StepContext context) {
    return context.instance().members().stream()
        .filter(m -> m.parameterGroups().stream().anyMatch(g -> RdsInstance.PENDING_REBOOT.equals(g.applyStatus())))
        .sorted(WRITER_LAST)
        .toList();
  }

  /** Readers by identifier, then the writer. */
  static final Comparator<RdsInstance.Member> WRITER_LAST = Comparator.comparing(RdsInstance.Member::writer)
      .thenComparing(RdsInstance.Member::id);

  @Override
  public String toString() {
    return "RebootClusterMembersStep[" + name + "]";
  }
}
