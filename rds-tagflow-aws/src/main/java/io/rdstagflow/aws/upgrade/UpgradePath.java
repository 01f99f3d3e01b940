package io.rdstagflow.aws.upgrade;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The engine versions an upgrade passes through, from the instance's version to the target, each
 * with its parameter group family: {@code 13.15 (postgres13) -> 14.12 (postgres14) -> ... -> 17.2}.
 * Each step from one version to the next is a {@link Hop}, one ModifyDBInstance; RDS upgrades only
 * to a version its {@code ValidUpgradeTarget} lists, so a target further away takes several hops.
 *
 * <p>Found when the upgrade begins and kept in the flow parameter {@value EngineUpgradeStep#PATH_PARAMETER},
 * encoded as space-separated {@code version/family} words ({@code 13.15/postgres13 14.12/postgres14
 * ...}, inside RDS's tag character set), so every poll, restart and replica walks the same hops.
 *
 * <p>Immutable.
 *
 * @param versions the versions in order, the instance's first and the target last; at least two
 */
public record UpgradePath(List<Version> versions) {

  private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,40}");
  private static final Pattern FAMILY = Pattern.compile("[a-z][a-z0-9.-]{0,60}");

  /**
   * One version on the path.
   *
   * @param version the engine version, e.g. {@code 14.12}
   * @param family  its parameter group family, e.g. {@code postgres14}
   */
  public record Version(String version, String family) {
    /**
     * @throws IllegalArgumentException if either is not a plausible RDS version or family (they
     *     are written to a tag)
     */
    public Version {
      Objects.requireNonNull(version, "version");
      Objects.requireNonNull(family, "family");
      if (!VERSION.matcher(version).matches() || !FAMILY.matcher(family).matches()) {
        throw new IllegalArgumentException("'" + version + "/" + family + "' is not an engine version and a"
            + " parameter group family");
      }
    }
  }

  /**
   * One hop: the upgrade from one version on the path to the next.
   *
   * @param number     its position, from 1
   * @param of         how many hops the path has
   * @param from       the version it starts from
   * @param fromFamily that version's family
   * @param to         the version it upgrades to
   * @param toFamily   that version's family
   */
  public record Hop(int number, int of, String from, String fromFamily, String to, String toFamily) {

    /** {@code true} if the family changes: a major version upgrade ({@code AllowMajorVersionUpgrade}). */
    public boolean major() {
      return !fromFamily.equals(toFamily);
    }

    /**
     * {@code hop 2 of 4 from 14.12 to 15.7}, for descriptions and reasons (inside RDS's tag
     * character set, which failure reasons are reduced to).
     */
    public String describe() {
      return "hop " + number + " of " + of + " from " + from + " to " + to;
    }
  }

  /**
   * @throws IllegalArgumentException if there are fewer than two versions or one repeats
   */
  public UpgradePath {
    versions = List.copyOf(versions);
    if (versions.size() < 2) {
      throw new IllegalArgumentException("an upgrade path has at least two versions, the instance's and the target");
    }
    if (versions.stream().map(Version::version).distinct().count() != versions.size()) {
      throw new IllegalArgumentException("an upgrade path passes each version once");
    }
  }

  /**
   * Reads a path as {@link #encode()} writes it.
   *
   * @throws IllegalArgumentException if it is not one
   */
  public static UpgradePath parse(String encoded) {
    Objects.requireNonNull(encoded, "encoded");
    List<Version> steps = new ArrayList<>();
    for (String word : encoded.trim().split(" +")) {
      int slash = word.indexOf('/');
      if (slash <= 0 || slash == word.length() - 1) {
        throw new IllegalArgumentException("'" + word + "' is not version/family");
      }
      steps.add(new Version(word.substring(0, slash), word.substring(slash + 1)));
    }
    return new UpgradePath(steps);
  }

  /** The path as the flow parameter keeps it: {@code 13.15/postgres13 14.12/postgres14 ...}. */
  public String encode() {
    StringBuilder b = new StringBuilder();
    for (Version s : versions) {
      if (b.length() > 0) {
        b.append(' ');
      }
      b.append(s.version()).append('/').append(s.family());
    }
    return b.toString();
  }

  /** The instance's version when the upgrade began. */
  public String source() {
    return versions.get(0).version();
  }

  /** The version the upgrade ends on. */
  public String target() {
    return versions.get(versions.size() - 1).version();
  }

  /** The hops, in order. */
  public List<Hop> hops() {
    List<Hop> hops = new ArrayList<>();
    for (int i = 1; i < versions.size(); i++) {
      Version from = versions.get(i - 1);
      Version to = versions.get(i);
      hops.add(new Hop(i, versions.size() - 1, from.version(), from.family(), to.version(), to.family()));
    }
    return hops;
  }

  /** The position of a version on the path (0 for the source), or -1 if it is not on it. */
  public int indexOf(String version) {
    for (int i = 0; i < versions.size(); i++) {
      if (versions.get(i).version().equals(version)) {
        return i;
      }
    }
    return -1;
  }

  /** {@code 13.15 -> 14.12 -> 15.7}, for descriptions and reasons. */
  public String describe() {
    return String.join(" -> ", versions.stream().map(Version::version).toList());
  }

  @Override
  public String toString() {
    return "UpgradePath[" + describe() + "]";
  }
}
