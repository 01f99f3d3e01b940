package io.rdstagflow.aws.upgrade;

import io.rdstagflow.core.ConcurrentOperationException;
import io.rdstagflow.core.FlowStart;
import io.rdstagflow.core.Flow;
import io.rdstagflow.core.Inspection;
import io.rdstagflow.core.OperationToken;
import io.rdstagflow.core.RdsInstance;
import io.rdstagflow.core.TagStateMachine;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBEngineVersion;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.OrderableDBInstanceOption;
import software.amazon.awssdk.services.rds.model.UpgradeTarget;

/**
 * Begins engine upgrades: finds the path from the instance's version to the target with
 * DescribeDBEngineVersions ({@code ValidUpgradeTarget}, following hops where the target is not
 * offered directly; the fewest hops, the newest versions among equally short paths), refuses with
 * an {@link UpgradeRefusedException} what cannot work before anything changes, and begins the
 * flow with the path in its parameter.
 *
 * <h2>Refused before anything changes</h2>
 *
 * The target already running; a downgrade; a version RDS does not offer; a target no path
 * reaches; an instance class that DescribeOrderableDBInstanceOptions does not list for a version
 * on the path while it lists others (an empty answer, which is what moto gives, means "unknown":
 * the plan says so in {@link UpgradePlan#unchecked()} and the upgrade goes on); an instance with an
 * option group of its own when the flow names none for new major versions; an instance of a
 * cluster. A minor-only target is simply a path of minor hops.
 *
 * <h2>Calls</h2>
 *
 * {@link #plan}: one DescribeDBInstances (the engine's inspect), DescribeDBEngineVersions (one
 * call per 100 versions of the engine), and per hop one DescribeOrderableDBInstanceOptions (two
 * when the first lists nothing). {@link #begin} adds the engine's {@code begin} (a describe and a
 * tag write). Thread-safe.
 */
public final class EngineUpgrades {

  private static final Logger log = LoggerFactory.getLogger(EngineUpgrades.class);
  /** A tag value holds 256 characters; the parameter's stamp takes 19 of them. */
  static final int MAX_PATH_LENGTH = 237;

  private final RdsClient rds;
  private final TagStateMachine engine;

  /** Upgrades on the broker's client, for flows registered with {@code engine}. */
  public EngineUpgrades(RdsClient rds, TagStateMachine engine) {
    this.rds = Objects.requireNonNull(rds, "rds");
    this.engine = Objects.requireNonNull(engine, "engine");
  }

  /**
   * The upgrade of the instance to {@code targetVersion} with this flow, checked; nothing is
   * written.
   *
   * @throws UpgradeRefusedException if it cannot work, saying why
   * @throws IllegalArgumentException if the flow has no {@link EngineUpgradeStep}
   * @throws io.rdstagflow.core.InstanceNotFoundException if the instance does not exist
   * @throws software.amazon.awssdk.services.rds.model.RdsException if RDS refused a describe
   */
  public UpgradePlan plan(Flow flow, String instanceId, String targetVersion) {
    EngineUpgradeStep step = EngineUpgradeStep.of(flow);
    return plan(step, engine.inspect(instanceId).instance(), Objects.requireNonNull(targetVersion, "targetVersion"));
  }

  /**
   * Plans the upgrade and begins the flow on the instance with its path. Asked again with the same
   * target while that upgrade has not advanced (a retry after an ambiguous failure), it returns the
   * same operation's token.
   *
   * @return the token to return as OSB's {@code operation}
   * @throws UpgradeRefusedException if it cannot work, saying why; nothing was written
   * @throws ConcurrentOperationException if another operation runs on the instance
   * @throws io.rdstagflow.core.TagLimitException if the instance's tags, the operation's and the
   *     step's hop tag would exceed 50
   * @throws io.rdstagflow.core.InstanceNotFoundException if the instance does not exist
   */
  public OperationToken begin(Flow flow, String instanceId, String targetVersion) {
    Objects.requireNonNull(targetVersion, "targetVersion");
    EngineUpgradeStep step = EngineUpgradeStep.of(flow);
    Inspection inspection = engine.inspect(instanceId);
    Optional<Inspection.OperationView> running = inspection.runningOperation();
    if (running.isPresent()) {
      Inspection.OperationView op = running.get();
      String path = op.parameters().get(EngineUpgradeStep.PATH_PARAMETER);
      if (op.flowName().equals(flow.name()) && path != null && targetOf(path).equals(targetVersion)) {
        return engine.begin(instanceId, flow, op.parameters()); // the same operation while it has not advanced
      }
      throw new ConcurrentOperationException(instanceId, op.token());
    }
    UpgradePlan plan = plan(step, inspection.instance(), targetVersion);
    FlowStart start = engine.startTags(instanceId, flow, plan.parameters());
    Map<String, String> others = new LinkedHashMap<>(inspection.instance().tags());
    others.keySet().removeAll(inspection.libraryTags().keySet());
    others.put(step.hopTagKey(), ""); // the hop tag the step will write, counted now
    start.mergedWith(others);
    log.info("instance {}: beginning the upgrade {}{}", instanceId, plan.path().describe(),
        plan.unchecked().isEmpty() ? "" : "; not checked: " + plan.unchecked());
    return engine.begin(instanceId, flow, plan.parameters());
  }

  private static String targetOf(String encoded) {
    try {
      return UpgradePath.parse(encoded).target();
    } catch (IllegalArgumentException e) {
      return "";
    }
  }

  private UpgradePlan plan(EngineUpgradeStep step, RdsInstance instance, String target) {
    DBInstance db = instance.detail(DBInstance.class).orElseThrow(() -> new IllegalStateException(
        "planning an upgrade needs the SDK gateway's description of instance " + instance.id()));
    String id = db.dbInstanceIdentifier();
    String engineName = db.engine();
    String current = db.engineVersion();
    if (db.dbClusterIdentifier() != null) {
      throw refused(UpgradeRefusedException.Reason.CLUSTER_MEMBER, "instance " + id + " belongs to cluster "
          + db.dbClusterIdentifier() + ": its engine is upgraded through the cluster");
    }
    if (target.equals(current)) {
      throw refused(UpgradeRefusedException.Reason.ALREADY_AT_TARGET, "instance " + id + " already runs "
          + engineName + " " + current);
    }
    Map<String, DBEngineVersion> offered = new HashMap<>();
    rds.describeDBEngineVersionsPaginator(r -> r.engine(engineName).includeAll(true)).dbEngineVersions()
        .forEach(v -> offered.put(v.engineVersion(), v));
    DBEngineVersion from = offered.get(current);
    if (!offered.containsKey(target)) {
      throw refused(UpgradeRefusedException.Reason.NOT_OFFERED, engineName + " " + target + " is not offered:"
          + " DescribeDBEngineVersions lists no such version" + offeredFrom(current, from));
    }
    if (Versions.compare(target, current) < 0) {
      throw refused(UpgradeRefusedException.Reason.DOWNGRADE, engineName + " " + target + " is older than"
          + " instance " + id + "'s " + current + ": RDS does not downgrade an engine; restore a snapshot of the"
          + " older version instead");
    }
    List<String> versions = from == null ? null : shortestPath(offered, current, target);
    if (versions == null) {
      throw refused(UpgradeRefusedException.Reason.NO_PATH, "no sequence of upgrades RDS offers leads from "
          + engineName + " " + current + " to " + target + offeredFrom(current, from));
    }
    List<UpgradePath.Version> steps = new ArrayList<>();
    for (String v : versions) {
      steps.add(new UpgradePath.Version(v, offered.get(v).dbParameterGroupFamily()));
    }
    UpgradePath path = new UpgradePath(steps);
    if (path.encode().length() > MAX_PATH_LENGTH) {
      throw refused(UpgradeRefusedException.Reason.PATH_TOO_LONG, "the path " + path.describe() + " is too long to"
          + " keep in a tag (" + path.encode().length() + " of " + MAX_PATH_LENGTH + " characters): upgrade to a"
          + " version on the way first");
    }
    List<String> unchecked = new ArrayList<>();
    for (UpgradePath.Hop hop : path.hops()) {
      checkClass(db, hop, path, unchecked);
    }
    String options = EngineUpgradeStep.ownOptionGroup(db);
    if (options != null && !step.namesOptionGroups() && path.hops().stream().anyMatch(UpgradePath.Hop::major)) {
      throw refused(UpgradeRefusedException.Reason.OPTION_GROUP_NEEDED, "instance " + id + " uses option group "
          + options + ", and a major upgrade needs one of the new major version: create it and name it in the"
          + " flow with optionGroups(...)");
    }
    return new UpgradePlan(id, engineName, path, unchecked);
  }

  private void checkClass(DBInstance db, UpgradePath.Hop hop, UpgradePath path, List<String> unchecked) {
    String instanceClass = db.dbInstanceClass();
    List<OrderableDBInstanceOption> withClass = rds.describeOrderableDBInstanceOptions(r -> r.engine(db.engine())
        .engineVersion(hop.to()).dbInstanceClass(instanceClass).maxRecords(20)).orderableDBInstanceOptions();
    if (!withClass.isEmpty()) {
      return;
    }
    List<OrderableDBInstanceOption> any = rds.describeOrderableDBInstanceOptions(r -> r.engine(db.engine())
        .engineVersion(hop.to()).maxRecords(20)).orderableDBInstanceOptions();
    if (any.isEmpty()) {
      unchecked.add("instance class " + instanceClass + " on " + hop.to()
          + " (DescribeOrderableDBInstanceOptions lists no classes)");
      return;
    }
    TreeSet<String> some = new TreeSet<>();
    any.forEach(o -> some.add(o.dbInstanceClass()));
    throw refused(UpgradeRefusedException.Reason.INSTANCE_CLASS_UNSUPPORTED, "instance class " + instanceClass
        + " is not offered for " + db.engine() + " " + hop.to() + " (on the path " + path.describe()
        + "): move the instance to a current class first, for example "
        + String.join(", ", some.stream().limit(3).toList()));
  }

  /**
   * The fewest hops from {@code from} to {@code to} over the versions' valid upgrade targets,
   * preferring the newest version at each hop among equally short paths; {@code null} if none.
   */
  static List<String> shortestPath(Map<String, DBEngineVersion> offered, String from, String to) {
    // Hops left to the target, by a breadth-first search backwards from it.
    Map<String, List<String>> into = new HashMap<>();
    offered.forEach((v, d) -> {
      for (UpgradeTarget t : d.validUpgradeTarget()) {
        if (offered.containsKey(t.engineVersion())) {
          into.computeIfAbsent(t.engineVersion(), k -> new ArrayList<>()).add(v);
        }
      }
    });
    Map<String, Integer> left = new HashMap<>();
    left.put(to, 0);
    Deque<String> queue = new ArrayDeque<>(List.of(to));
    while (!queue.isEmpty()) {
      String v = queue.poll();
      for (String before : into.getOrDefault(v, List.of())) {
        if (!left.containsKey(before)) {
          left.put(before, left.get(v) + 1);
          queue.add(before);
        }
      }
    }
    if (!left.containsKey(from)) {
      return null;
    }
    List<String> path = new ArrayList<>(List.of(from));
    String at = from;
    while (!at.equals(to)) {
      int remaining = left.get(at);
      at = offered.get(at).validUpgradeTarget().stream().map(UpgradeTarget::engineVersion)
          .filter(t -> left.containsKey(t) && left.get(t) == remaining - 1)
          .max(Comparator.comparing(t -> t, Versions::compare)).orElseThrow();
      path.add(at);
    }
    return path;
  }

  private static String offeredFrom(String current, DBEngineVersion from) {
    if (from == null) {
      return " (DescribeDBEngineVersions does not list the instance's version " + current + ")";
    }
    List<String> targets = from.validUpgradeTarget().stream().map(UpgradeTarget::engineVersion).toList();
    return targets.isEmpty() ? " (RDS offers no upgrade from " + current + ")"
        : " (RDS offers from " + current + ": " + String.join(", ", targets) + ")";
  }

  private static UpgradeRefusedException refused(UpgradeRefusedException.Reason reason, String message) {
    return new UpgradeRefusedException(reason, message);
  }

  @Override
  public String toString() {
    return "EngineUpgrades";
  }

  /** Engine versions compared by their numbers. */
  static final class Versions {
    private Versions() {}

    static int compare(String a, String b) {
      String[] x = a.split("[.-]");
      String[] y = b.split("[.-]");
      for (int i = 0; i < Math.max(x.length, y.length); i++) {
        String p = i < x.length ? x[i] : "0";
        String q = i < y.length ? y[i] : "0";
        int c;
        try {
          c = Long.compare(Long.parseLong(p), Long.parseLong(q));
        } catch (NumberFormatException e) {
          c = p.compareTo(q);
        }
        if (c != 0) {
          return c;
        }
      }
      return 0;
    }
  }
}
