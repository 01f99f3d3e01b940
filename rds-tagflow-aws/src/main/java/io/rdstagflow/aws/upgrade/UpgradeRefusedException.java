package io.rdstagflow.aws.upgrade;

import io.rdstagflow.core.TagflowException;
import java.util.Objects;

/**
 * An engine upgrade was refused when it was to begin, before anything changed: the message says
 * why and what to do, {@link #reason()} which rule refused it. A broker answers OSB's {@code 400}
 * (the request asks for something this instance cannot do). Never holds a secret.
 */
public final class UpgradeRefusedException extends TagflowException {

  private static final long serialVersionUID = 1L;

  /** Why an upgrade was refused. */
  public enum Reason {
    /** The instance already runs the target version. */
    ALREADY_AT_TARGET,
    /** The target is older than the instance's version. */
    DOWNGRADE,
    /** RDS does not offer the target version for the instance's engine in this region. */
    NOT_OFFERED,
    /** No sequence of upgrades RDS offers leads from the instance's version to the target. */
    NO_PATH,
    /** DescribeOrderableDBInstanceOptions lists classes for a version on the way, and not the instance's. */
    INSTANCE_CLASS_UNSUPPORTED,
    /** The instance uses an option group of its own and the flow names none for the new major versions. */
    OPTION_GROUP_NEEDED,
    /** The instance belongs to a cluster, whose engine is upgraded through the cluster. */
    CLUSTER_MEMBER,
    /** The path is too long to be kept in a tag. */
    PATH_TOO_LONG
  }

  private final Reason reason;

  /** With the rule that refused it and a message saying why and what to do. */
  public UpgradeRefusedException(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** The rule that refused the upgrade. */
  public Reason reason() {
    return reason;
  }
}
