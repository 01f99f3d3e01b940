package io.rdstagflow.aws.upgrade;

import io.rdstagflow.core.Completion;
import io.rdstagflow.core.Flow;
import io.rdstagflow.core.Step;
import io.rdstagflow.core.StepContext;
import io.rdstagflow.core.StepResult;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DBParameterGroupStatus;
import software.amazon.awssdk.services.rds.model.ModifyDbInstanceRequest;
import software.amazon.awssdk.services.rds.model.OptionGroupMembership;
import software.amazon.awssdk.services.rds.model.Tag;

/**
 * Walks an instance through the hops of its {@link UpgradePath} (the flow parameter
 * {@value #PATH_PARAMETER}), one ModifyDBInstance per hop, and is {@code done} only when a describe
 * shows the target version with the last hop's parameter group in sync.
 *
 * <h2>One hop</h2>
 *
 * <ol>
 *   <li>For a major hop, the parameter group of the target family that {@link ParameterGroupNaming}
 *       names: created if missing, with the custom parameters of the instance's current group
 *       carried over (see {@link ParameterGroupNaming}); an instance on an option group of its own
 *       gets the one {@link OptionGroupNaming} names.
 *   <li>One ModifyDBInstance: {@code EngineVersion} (the hop's), {@code AllowMajorVersionUpgrade}
 *       for a major hop, the new {@code DBParameterGroupName} (only when it differs), the option
 *       group if any, {@code ApplyImmediately}.
 *   <li>The hop is recorded in the step's own tag ({@link Builder#hopTag}, {@value #DEFAULT_HOP_TAG}
 *       by default): {@code hop=2/4 from=14.12 to=15.7 group=broker-postgres15 sent=...}.
 *   <li>The hop is complete when a settled describe shows its version and its parameter group in
 *       sync; a group {@code pending-reboot} is rebooted first (RebootDBInstance, recorded in the
 *       tag). Then the next hop starts, in the same poll.
 * </ol>
 *
 * <h2>Never a silent no-op</h2>
 *
 * A hop RDS accepted whose version the settled instance still does not show {@link
 * Builder#noOpAfter} after it was sent (5 minutes by default: RDS shows {@code upgrading} within
 * seconds of an accepted upgrade) fails the step, naming the versions: {@code hop 1 of 4 from 13.15
 * to 14.12: upgrade accepted at ... but the instance settled at 13.15 not 14.12}, which is what a failed
 * pre-upgrade check or an upgrade RDS ignored look like. An upgrade RDS holds as pending (deferred
 * to the maintenance window) fails the same way. The instance status {@code upgrading} is busy, so
 * the step is not called while RDS works.
 *
 * <h2>Restarts and replicas</h2>
 *
 * The step keeps nothing in memory: each poll reads where the instance stands from the describe
 * (its version's place on the path) and the hop tag (a hop sent and not shown yet), so a restarted
 * broker or another replica goes on at the right hop. Everything it does is safe to repeat: the
 * group is created once (an existing one is checked and reused), parameters are set only where
 * missing, the modify names the same version, and a modify sent again while RDS upgrades is
 * refused as {@code InvalidDBInstanceState}, which the engine treats as passing. A hop tag
 * written before the step's first attempt (a previous upgrade, or before an operator's retry) is
 * ignored. The tag is the library's but not one of the engine's: the engine never judges or removes
 * it, and {@link EngineUpgrades} counts it when the upgrade begins.
 *
 * <p>The step answers {@code waiting} while a hop runs (the engine asks again every settled poll,
 * bounded by the step's deadline), {@code failed} as above or when something it needs is missing.
 * Thread-safe.
 */
public final class EngineUpgradeStep implements Step {

  private static final Logger log = LoggerFactory.getLogger(EngineUpgradeStep.class);

  /** The step's name unless told otherwise. */
  public static final String DEFAULT_NAME = "upgrade";
  /** The flow parameter that holds the {@link UpgradePath}. */
  public static final String PATH_PARAMETER = "upgrade-path";
  /** The key of the tag that records the hop, unless told otherwise. */
  public static final String DEFAULT_HOP_TAG = "tagflow:upgrade";

  private static final Pattern TAG_KEY = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]{1,128}");

  private final String name;
  private final RdsClient rds;
  private final ParameterGroupNaming parameterGroups;
  private final OptionGroupNaming optionGroups;
  private final Duration noOpAfter;
  private final String hopTag;
  private final ParameterGroupCarrier carrier;

  private EngineUpgradeStep(Builder b) {
    this.name = b.name;
    this.rds = b.rds;
    this.parameterGroups = b.parameterGroups;
    this.optionGroups = b.optionGroups;
    this.noOpAfter = b.noOpAfter;
    this.hopTag = b.hopTag;
    this.carrier = new ParameterGroupCarrier(b.rds);
  }

  /** A builder for the step calling RDS through the broker's client. */
  public static Builder builder(RdsClient rds) {
    return new Builder(rds);
  }

  /**
   * The upgrade step of a flow.
   *
   * @throws IllegalArgumentException if the flow has none
   */
  public static EngineUpgradeStep of(Flow flow) {
    for (Step s : flow.steps()) {
      if (s instanceof EngineUpgradeStep u) {
        return u;
      }
    }
    throw new IllegalArgumentException("flow " + flow.name() + " has no engine upgrade step: build it with"
        + " ReadyFlows.engineUpgrade(rds)");
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Set<String> requiredParameters() {
    return Set.of(PATH_PARAMETER);
  }

  /** The key of the tag this step records its hop in. */
  public String hopTagKey() {
    return hopTag;
  }

  /** {@code true} if the step has a rule for option groups of an instance's own. */
  boolean namesOptionGroups() {
    return optionGroups != null;
  }

  @Override
  public StepResult run(StepContext context) {
    DBInstance db = context.instance().detail(DBInstance.class).orElse(null);
    if (db == null) {
      return StepResult.failed("step " + name + " needs the SDK gateway's description of the instance");
    }
    UpgradePath path;
    try {
      path = UpgradePath.parse(context.parameter(PATH_PARAMETER));
    } catch (IllegalArgumentException e) {
      return StepResult.failed("flow parameter " + PATH_PARAMETER + " is not an upgrade path: " + e.getMessage());
    }
    String version = db.engineVersion();
    int at = path.indexOf(version);
    if (at < 0) {
      return StepResult.failed("the instance runs " + db.engine() + " " + version + " which is not on the upgrade"
          + " path " + path.describe().replace(" -> ", " to ") + ": begin the upgrade again from " + version);
    }
    Instant now = context.clock().instant();
    Optional<HopRecord> record = record(context);
    DBParameterGroupStatus group = group(db);
    if (at > 0) {
      UpgradePath.Hop arrived = path.hops().get(at - 1);
      Optional<HopRecord> mine = record.filter(r -> r.isFor(arrived));
      StepResult settled = settle(context, arrived, mine, group, now);
      if (settled != null) {
        return settled;
      }
    }
    if (at == path.versions().size() - 1) {
      log.info("instance {}: upgrade to {} done ({})", context.instanceId(), path.target(), path.describe());
      return StepResult.done();
    }
    UpgradePath.Hop next = path.hops().get(at);
    Optional<HopRecord> sent = record.filter(r -> r.isFor(next));
    if (sent.isPresent()) {
      return sentAndNotShown(next, sent.get(), db, now);
    }
    return start(context, db, next, group, now);
  }

  /**
   * Whether the hop that brought the instance to its version is complete: its group shown and in
   * sync. {@code null} when it is; otherwise the step's answer (a reboot, a wait, a failure).
   */
  private StepResult settle(StepContext context, UpgradePath.Hop hop, Optional<HopRecord> record,
      DBParameterGroupStatus group, Instant now) {
    String shown = group == null ? null : group.dbParameterGroupName();
    String wanted = record.map(HopRecord::group).orElse(null);
    if (wanted != null && !wanted.equalsIgnoreCase(shown)) {
      if (now.isBefore(record.get().sentAt().plus(noOpAfter))) {
        return StepResult.waiting(hop.describe() + ": the instance runs " + hop.to() + ", waiting for parameter group "
            + wanted);
      }
      return StepResult.failed(hop.describe() + ": the instance runs " + hop.to() + " but its parameter group is "
          + shown + " not " + wanted);
    }
    String status = group == null ? null : group.parameterApplyStatus();
    if ("pending-reboot".equals(status)) {
      Instant rebooted = record.map(HopRecord::rebootedAt).orElse(null);
      if (rebooted != null && now.isBefore(rebooted.plus(noOpAfter))) {
        return StepResult.waiting(hop.describe() + ": rebooted to apply parameter group " + shown);
      }
      log.info("instance {}: {}: rebooting to apply parameter group {}", context.instanceId(), hop.describe(), shown);
      rds.rebootDBInstance(r -> r.dbInstanceIdentifier(context.instanceId()));
      HopRecord base = record.orElse(HopRecord.sent(hop, shown, now));
      writeRecord(context, base.rebooted(now));
      return StepResult.waiting(hop.describe() + ": rebooting to apply parameter group " + shown);
    }
    if (status != null && !"in-sync".equals(status)) {
      return StepResult.waiting(hop.describe() + ": parameter group " + shown + " is " + status);
    }
    return null;
  }

  /** A hop RDS accepted and the describe does not show: still starting, or a no-op. */
  private StepResult sentAndNotShown(UpgradePath.Hop hop, HopRecord sent, DBInstance db, Instant now) {
    String pending = db.pendingModifiedValues() == null ? null : db.pendingModifiedValues().engineVersion();
    if (now.isBefore(sent.sentAt().plus(noOpAfter))) {
      return StepResult.waiting(hop.describe() + ": upgrade accepted at " + sent.sentAt()
          + (pending != null ? ", pending" : "") + "; waiting for RDS to start it");
    }
    if (pending != null) {
      return StepResult.failed(hop.describe() + ": upgrade accepted at " + sent.sentAt() + " but RDS holds "
          + pending + " as pending instead of applying it: the instance still runs " + db.engineVersion());
    }
    log.warn("instance {}: {}: RDS accepted the upgrade at {} and the instance settled at {}",
        db.dbInstanceIdentifier(), hop.describe(), sent.sentAt(), db.engineVersion());
    // Reasons are reduced to the tag character set and cut to fit a tag: versions first, no commas.
    return StepResult.failed(hop.describe() + ": upgrade accepted at " + sent.sentAt()
        + " but the instance settled at " + db.engineVersion() + " not " + hop.to()
        + ": nothing was upgraded. See its events and upgrade log");
  }

  /** Prepares the hop's groups, sends its modify and records it. */
  private StepResult start(StepContext context, DBInstance db, UpgradePath.Hop hop, DBParameterGroupStatus group,
      Instant now) {
    String current = group == null ? null : group.dbParameterGroupName();
    String newGroup = null;
    if (hop.major() && current != null) {
      newGroup = parameterGroups.name(context.instanceId(), current, hop);
      if (newGroup == null || newGroup.isBlank()) {
        return StepResult.failed(hop.describe() + ": the parameter group rule named no group");
      }
      String problem = carrier.prepare(context.instanceId(), newGroup, hop.toFamily(), current);
      if (problem != null) {
        return StepResult.failed(hop.describe() + ": " + problem);
      }
    }
    String optionGroup = null;
    String currentOptions = ownOptionGroup(db);
    if (hop.major() && currentOptions != null) {
      if (optionGroups == null) {
        return StepResult.failed(hop.describe() + ": the instance uses option group " + currentOptions
            + " and the flow names none for the new major version");
      }
      optionGroup = optionGroups.name(context.instanceId(), currentOptions, hop);
    }
    ModifyDbInstanceRequest.Builder modify = ModifyDbInstanceRequest.builder()
        .dbInstanceIdentifier(context.instanceId())
        .engineVersion(hop.to())
        .applyImmediately(true);
    if (hop.major()) {
      modify.allowMajorVersionUpgrade(true);
    }
    if (newGroup != null && !newGroup.equalsIgnoreCase(current)) {
      modify.dbParameterGroupName(newGroup);
    }
    if (optionGroup != null) {
      modify.optionGroupName(optionGroup);
    }
    log.info("instance {}: {}: upgrading{}", context.instanceId(), hop.describe(),
        newGroup == null ? "" : " with parameter group " + newGroup);
    rds.modifyDBInstance(modify.build());
    writeRecord(context, HopRecord.sent(hop, newGroup != null ? newGroup : current, now));
    return StepResult.waiting(hop.describe() + ": upgrade started");
  }

  /**
   * Complete when the describe shows the path's target version with its parameter group in sync
   * (and, if this operation's hop tag names the last hop's group, that group).
   */
  @Override
  public Completion completion(StepContext context) {
    DBInstance db = context.instance().detail(DBInstance.class).orElse(null);
    if (db == null) {
      return Completion.notYet("step " + name + " needs the SDK gateway's description of the instance");
    }
    UpgradePath path;
    try {
      path = UpgradePath.parse(context.parameter(PATH_PARAMETER));
    } catch (IllegalArgumentException e) {
      return Completion.notYet("flow parameter " + PATH_PARAMETER + " is not an upgrade path");
    }
    if (!path.target().equals(db.engineVersion())) {
      return Completion.notYet("EngineVersion still " + db.engineVersion() + ", upgrading to " + path.target());
    }
    DBParameterGroupStatus group = group(db);
    UpgradePath.Hop last = path.hops().get(path.hops().size() - 1);
    String wanted = record(context).filter(r -> r.isFor(last)).map(HopRecord::group).orElse(null);
    if (wanted != null && (group == null || !wanted.equalsIgnoreCase(group.dbParameterGroupName()))) {
      return Completion.notYet("parameter group still " + (group == null ? "none" : group.dbParameterGroupName())
          + ", upgrading with " + wanted);
    }
    if (group != null && !"in-sync".equals(group.parameterApplyStatus())) {
      return Completion.notYet("parameter group " + group.dbParameterGroupName() + " is "
          + group.parameterApplyStatus());
    }
    return Completion.complete();
  }

  /** This operation's hop record: one written at or after the step's first attempt. */
  private Optional<HopRecord> record(StepContext context) {
    return HopRecord.parse(context.instance().tags().get(hopTag))
        .filter(r -> !r.sentAt().isBefore(context.firstAttemptAt()));
  }

  private void writeRecord(StepContext context, HopRecord record) {
    rds.addTagsToResource(r -> r.resourceName(context.instance().arn())
        .tags(Tag.builder().key(hopTag).value(record.encode()).build()));
  }

  private static DBParameterGroupStatus group(DBInstance db) {
    return db.dbParameterGroups().isEmpty() ? null : db.dbParameterGroups().get(0);
  }

  /** The instance's option group when it is one of its own (not RDS's {@code default:...}), else {@code null}. */
  static String ownOptionGroup(DBInstance db) {
    for (OptionGroupMembership m : db.optionGroupMemberships()) {
      String n = m.optionGroupName();
      if (n != null && !n.startsWith("default:") && !"removing".equals(m.status())
          && !"pending-removal".equals(m.status())) {
        return n;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return "EngineUpgradeStep[" + name + ", hop tag " + hopTag + ", no-op after " + noOpAfter + "]";
  }

  /** Builds an {@link EngineUpgradeStep}. Not thread-safe. */
  public static final class Builder {
    private final RdsClient rds;
    private String name = DEFAULT_NAME;
    private ParameterGroupNaming parameterGroups = ParameterGroupNaming.replacingFamily();
    private OptionGroupNaming optionGroups;
    private Duration noOpAfter = Duration.ofMinutes(5);
    private String hopTag = DEFAULT_HOP_TAG;

    private Builder(RdsClient rds) {
      this.rds = Objects.requireNonNull(rds, "rds");
    }

    /** The step's name, {@value #DEFAULT_NAME} by default. */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /** How the parameter group of each major hop is named; {@link ParameterGroupNaming#replacingFamily()} by default. */
    public Builder parameterGroups(ParameterGroupNaming naming) {
      this.parameterGroups = Objects.requireNonNull(naming, "naming");
      return this;
    }

    /** How the option group of each major hop is named, for instances with an option group of their own; none by default. */
    public Builder optionGroups(OptionGroupNaming naming) {
      this.optionGroups = Objects.requireNonNull(naming, "naming");
      return this;
    }

    /**
     * How long after RDS accepted a hop a settled instance that does not show it counts as a no-op
     * (the step fails naming the versions); 5 minutes by default.
     *
     * @throws IllegalArgumentException if it is not positive
     */
    public Builder noOpAfter(Duration noOpAfter) {
      Objects.requireNonNull(noOpAfter, "noOpAfter");
      if (noOpAfter.isNegative() || noOpAfter.isZero()) {
        throw new IllegalArgumentException("noOpAfter must be positive, was " + noOpAfter);
      }
      this.noOpAfter = noOpAfter;
      return this;
    }

    /**
     * The key of the tag the step records its hop in; {@value #DEFAULT_HOP_TAG} by default. Under
     * the engine's prefix keeps it beside the engine's tags; give another if the engine has
     * another prefix.
     *
     * @throws IllegalArgumentException if it cannot be a tag key
     */
    public Builder hopTag(String key) {
      Objects.requireNonNull(key, "key");
      String lower = key.toLowerCase(java.util.Locale.ROOT);
      if (!TAG_KEY.matcher(key).matches() || lower.startsWith("aws:") || lower.startsWith("rds:")) {
        throw new IllegalArgumentException("hop tag '" + key + "' cannot be an RDS tag key");
      }
      this.hopTag = key;
      return this;
    }

    /** The step. */
    public EngineUpgradeStep build() {
      return new EngineUpgradeStep(this);
    }
  }
}
