package io.rdstagflow.aws.upgrade;

/**
 * Names the option group an instance gets with a major-version hop when it uses an option group
 * of its own (one not named {@code default:...}): RDS requires an option group of the new major
 * version for it. The group must exist (create it with its options beforehand: the flow does not
 * copy options, whose settings differ between versions). Instances on RDS's default option group
 * need no rule: RDS moves them to the new version's default.
 *
 * <p>Without a rule, an upgrade of an instance with an option group of its own is refused when it
 * begins, before anything changes.
 */
@FunctionalInterface
public interface OptionGroupNaming {

  /**
   * The option group for {@code hop}, a major-version hop.
   *
   * @param instanceId   the instance
   * @param currentGroup the option group the instance has before the hop
   * @param hop          the hop
   */
  String name(String instanceId, String currentGroup, UpgradePath.Hop hop);
}
