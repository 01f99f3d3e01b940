package io.rdstagflow.aws.upgrade;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Names the DB parameter group an instance gets with a major-version hop: a group of the hop's
 * target family, which the upgrade step creates if it is missing and fills with the custom
 * parameters of the instance's current group. The same name for the same arguments every time
 * (a hop may be computed again on another replica).
 *
 * <p>Groups are shared by name: every instance whose groups the rule names alike shares the
 * group of each family, as a broker's plan usually does. A name starting with {@code default.} is
 * RDS's own group of the family, used as it is (nothing is created or carried over).
 */
@FunctionalInterface
public interface ParameterGroupNaming {

  /**
   * The group for {@code hop}.
   *
   * @param instanceId   the instance
   * @param currentGroup the group the instance has before the hop
   * @param hop          the hop; {@link UpgradePath.Hop#toFamily()} is the family the group must have
   * @return a parameter group name: 1 to 255 letters, digits and hyphens, a letter first, no two
   *     hyphens in a row, none at the end; or {@code default.<family>}
   */
  String name(String instanceId, String currentGroup, UpgradePath.Hop hop);

  /**
   * The default rule: the current group's name with its family replaced ({@code broker-postgres13}
   * becomes {@code broker-postgres14}, {@code broker-mysql5-7} becomes {@code broker-mysql8-0}); a
   * name without the family gets it appended ({@code tuned} becomes {@code tuned-postgres14}); RDS's
   * default group stays RDS's default ({@code default.postgres13} becomes {@code default.postgres14}).
   */
  static ParameterGroupNaming replacingFamily() {
    return (instanceId, current, hop) -> {
      if (current.startsWith("default.")) {
        return "default." + hop.toFamily();
      }
      String from = dashed(hop.fromFamily());
      String to = dashed(hop.toFamily());
      int at = current.lastIndexOf(from);
      String name = at >= 0 ? current.substring(0, at) + to + current.substring(at + from.length())
          : current + "-" + to;
      return name.length() > 255 ? name.substring(0, 255).replaceAll("-+$", "") : name;
    };
  }

  /**
   * One group per family under a prefix of the broker's: {@code prefixed("broker-")} names
   * {@code broker-postgres14}, {@code broker-mysql8-0}.
   *
   * @throws IllegalArgumentException if the prefix does not begin with a letter or holds
   *     characters a group name cannot
   */
  static ParameterGroupNaming prefixed(String prefix) {
    Objects.requireNonNull(prefix, "prefix");
    if (!Pattern.compile("[A-Za-z][A-Za-z0-9-]{0,200}").matcher(prefix).matches() || prefix.contains("--")) {
      throw new IllegalArgumentException("a parameter group prefix begins with a letter and holds letters, digits"
          + " and single hyphens");
    }
    return (instanceId, current, hop) -> prefix + dashed(hop.toFamily());
  }

  /** A family as a group name may hold it: {@code mysql8.0} is {@code mysql8-0}. */
  private static String dashed(String family) {
    return family.replace('.', '-');
  }
}
