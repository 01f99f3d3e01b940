package io.rdstagflow.aws;

import io.rdstagflow.core.Completion;
import io.rdstagflow.core.Step;
import io.rdstagflow.core.StepContext;
import io.rdstagflow.core.StepResult;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.CloudwatchLogsExportConfiguration;
import software.amazon.awssdk.services.rds.model.ClusterPendingModifiedValues;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DBClusterOptionGroupStatus;
import software.amazon.awssdk.services.rds.model.ModifyDbClusterRequest;
import software.amazon.awssdk.services.rds.model.ServerlessV2ScalingConfiguration;
import software.amazon.awssdk.services.rds.model.VpcSecurityGroupMembership;

/**
 * Changes an Aurora cluster's settings with one ModifyDBCluster, applied immediately, and completes
 * when a settled describe shows them: the cluster's counterpart of {@link ModifySettingsStep}. The
 * broker shapes the request (security groups, cluster parameter group, backups, deletion
 * protection, Serverless v2 capacity, ...); optionally the new master password travels in the same
 * request (on Aurora the cluster holds it: ModifyDBInstance's {@code MasterUserPassword} does not
 * apply), so a flow waits for one modify, not two.
 *
 * <h2>Only what differs</h2>
 *
 * Each field the broker set is compared with the cluster as this poll described it, and only those
 * that differ are sent; when none does, no call is made and the step is {@code done}. Names RDS
 * stores in lower case (the cluster parameter group, option group, instance class of a Multi-AZ
 * cluster, storage type, maintenance window, engine mode, CA) are compared ignoring case. Fields
 * that cannot be compared with a description (the master password, a rename, a rotation, the KMS
 * keys, the domain, {@code ScalingConfiguration} of Serverless v1) are always sent; modifiers
 * ({@code AllowMajorVersionUpgrade}, {@code AllowEngineModeChange},
 * {@code DBInstanceParameterGroupName}) ride along only when something else is sent.
 *
 * <h2>Completion is verified</h2>
 *
 * {@link #completion} is complete only when the describe shows every value the request sets and
 * none of them, nor the master password, is in {@code ClusterPendingModifiedValues}; otherwise not
 * yet, naming what differs ({@code BackupRetentionPeriod still 1, sent 7}; never a password). Fields
 * whose description has another name: {@code DBClusterParameterGroupName} is
 * {@code DBClusterParameterGroup}, {@code VpcSecurityGroupIds} the {@code VpcSecurityGroups} (all
 * {@code active}), {@code OptionGroupName} one of {@code DBClusterOptionGroupMemberships},
 * {@code EnableIAMDatabaseAuthentication} {@code IAMDatabaseAuthenticationEnabled},
 * {@code EnableHttpEndpoint} {@code HttpEndpointEnabled}, {@code EnablePerformanceInsights}
 * {@code PerformanceInsightsEnabled}, {@code EnableGlobalWriteForwarding}
 * {@code GlobalWriteForwardingRequested}, {@code EnableLocalWriteForwarding} a
 * {@code LocalWriteForwardingStatus} of {@code enabled} (or {@code disabled}),
 * {@code ManageMasterUserPassword} a {@code MasterUserSecret}, {@code CACertificateIdentifier} the
 * {@code CertificateDetails}' CA, {@code CloudwatchLogsExportConfiguration} the
 * {@code EnabledCloudwatchLogsExports}, {@code ServerlessV2ScalingConfiguration} its minimum and
 * maximum capacity; {@code EngineVersion} is shown by the same version or, for a major alone, any of
 * its minors; {@code AllocatedStorage} by at least as much. Every other field is compared with the
 * description's field of the same name. Fields RDS always reports but an emulator may leave out are
 * compared when the describe has them and treated as unverifiable when it has none (complete once
 * nothing of them is pending; an INFO line names them).
 *
 * <p>A cluster parameter group whose static parameters differ leaves the members
 * {@code pending-reboot}; {@link RebootClusterMembersStep} deals with it.
 *
 * <h2>Idempotent</h2>
 *
 * Run again, it compares again; a master password from a deterministic {@link PasswordSource}
 * (keyed by the cluster identifier and its master user) is set to the same value. The step keeps
 * nothing between polls: the settings function is called on every run and completion check and
 * must be deterministic for a given context. The password goes only into the request (whose
 * {@code toString()} the SDK redacts). Thread-safe.
 */
public final class ModifyClusterStep implements Step {

  private static final Logger log = LoggerFactory.getLogger(ModifyClusterStep.class);

  /** The name used unless told otherwise. */
  public static final String DEFAULT_NAME = "settings";

  private static final Set<String> OWN = Set.of("DBClusterIdentifier", "ApplyImmediately");
  private static final Set<String> MODIFIERS = Set.of("AllowMajorVersionUpgrade", "AllowEngineModeChange",
      "DBInstanceParameterGroupName");
  private static final Set<String> CASE_INSENSITIVE = Set.of("DBClusterInstanceClass", "StorageType",
      "PreferredMaintenanceWindow", "EngineMode", "NetworkType");
  private static final Set<String> NOT_COMPARABLE = Set.of("MasterUserPassword", "NewDBClusterIdentifier", "Domain",
      "DomainIAMRoleName", "ScalingConfiguration", "PerformanceInsightsKMSKeyId", "RotateMasterUserPassword",
      "MasterUserSecretKmsKeyId", "AwsBackupRecoveryPointArn", "EnableLimitlessDatabase",
      "MasterUserAuthenticationType");
  private static final Set<String> ALWAYS_REPORTED = Set.of("DeletionProtection", "IAMDatabaseAuthenticationEnabled",
      "HttpEndpointEnabled", "CopyTagsToSnapshot", "PerformanceInsightsEnabled", "AutoMinorVersionUpgrade",
      "MonitoringInterval", "BackupRetentionPeriod", "PreferredBackupWindow", "PreferredMaintenanceWindow",
      "NetworkType", "StorageType", "EngineLifecycleSupport", "DatabaseInsightsMode",
      "PerformanceInsightsRetentionPeriod", "GlobalWriteForwardingRequested", "BacktrackWindow");
  private static final Map<String, String> PENDING_NAME = Map.of(
      "CloudwatchLogsExportConfiguration", "PendingCloudwatchLogsExports",
      "NewDBClusterIdentifier", "DBClusterIdentifier",
      "EnableIAMDatabaseAuthentication", "IAMDatabaseAuthenticationEnabled",
      "ManageMasterUserPassword", "MasterUserPassword",
      "RotateMasterUserPassword", "MasterUserPassword",
      "MasterUserSecretKmsKeyId", "MasterUserPassword",
      "CACertificateIdentifier", "CertificateDetails");
  private static final Set<String> OPTION_GROUP_IN_MOTION = Set.of("pending-apply", "applying", "pending-removal",
      "removing");

  private final String name;
  private final RdsClient rds;
  private final BiConsumer<StepContext, ModifyDbClusterRequest.Builder> settings;
  private final PasswordSource passwordSource;
  private final boolean managedPassword;

  private ModifyClusterStep(Builder b) {
    this.name = b.name;
    this.rds = b.rds;
    this.settings = b.settings;
    this.passwordSource = b.passwordSource;
    this.managedPassword = b.managedPassword;
  }

  /** A builder for a cluster settings step that calls RDS through the broker's client. */
  public static Builder builder(RdsClient rds) {
    return new Builder(rds);
  }

  @Override
  public String name() {
    return name;
  }

  /**
   * Sends one ModifyDBCluster with the fields that differ from the describe, or makes no call and
   * is {@code done} when none does; {@code started} after a call.
   */
  @Override
  public StepResult run(StepContext context) {
    DBCluster current = ClusterDescription.of(context).map(ClusterDescription::cluster).orElse(null);
    if (current == null) {
      return StepResult.failed("step " + name + " needs the cluster gateway's description of the cluster");
    }
    ModifyDbClusterRequest.Builder wanted = desired(context);
    if (passwordSource != null) {
      wanted.masterUserPassword(passwordSource.password(context.instanceId(), current.masterUsername()));
    }
    ModifyDbClusterRequest desired = wanted.build();

    ModifyDbClusterRequest.Builder send = ModifyDbClusterRequest.builder()
        .dbClusterIdentifier(context.instanceId()).applyImmediately(true);
    Set<String> changed = new TreeSet<>();
    for (SdkField<?> field : desired.sdkFields()) {
      String member = field.memberName();
      Object value = field.getValueOrDefault(desired);
      if (OWN.contains(member) || ModifySettingsStep.isUnset(value)) {
        continue;
      }
      if (MODIFIERS.contains(member) || shown(member, value, current).kind != Kind.SHOWN) {
        field.set(send, value);
        if (!MODIFIERS.contains(member)) {
          changed.add(member);
        }
      }
    }
    if (changed.isEmpty()) {
      log.debug("cluster {}: settings already as wanted; no call", context.instanceId());
      return StepResult.done();
    }
    log.info("cluster {}: modifying {}", context.instanceId(), changed);
    rds.modifyDBCluster(send.build());
    return StepResult.started();
  }

  /**
   * Complete when the describe shows every value the request sets (computed again from the
   * settings function and this context) and none of them, nor the master password, is pending;
   * otherwise not yet, naming what differs or is pending.
   */
  @Override
  public Completion completion(StepContext context) {
    DBCluster current = ClusterDescription.of(context).map(ClusterDescription::cluster).orElse(null);
    if (current == null) {
      return Completion.notYet("step " + name + " needs the cluster gateway's description of the cluster");
    }
    ModifyDbClusterRequest desired = desired(context).build();
    ClusterPendingModifiedValues pending = current.pendingModifiedValues();
    List<String> waits = new ArrayList<>();
    Set<String> unverified = new TreeSet<>();
    for (SdkField<?> field : desired.sdkFields()) {
      String member = field.memberName();
      Object value = field.getValueOrDefault(desired);
      if (OWN.contains(member) || MODIFIERS.contains(member) || ModifySettingsStep.isUnset(value)) {
        continue;
      }
      if (isPending(pending, PENDING_NAME.getOrDefault(member, member))) {
        waits.add(member.contains("Password") ? member + " change still pending"
            : member + " " + ModifySettingsStep.show(value) + " still pending");
        continue;
      }
      Shown shown = shown(member, value, current);
      if (shown.kind == Kind.DIFFERS) {
        waits.add(member + " still " + shown.now + ", sent " + ModifySettingsStep.show(value));
      } else if (shown.kind == Kind.UNKNOWN) {
        unverified.add(member);
      }
    }
    if (passwordSource != null && isPending(pending, "MasterUserPassword")) {
      waits.add("MasterUserPassword change still pending");
    }
    if (!waits.isEmpty()) {
      return Completion.notYet(String.join("; ", waits));
    }
    if (!unverified.isEmpty()) {
      log.info("cluster {}: step {} complete; the describe cannot show {}, and nothing of them is pending",
          context.instanceId(), name, unverified);
    }
    return Completion.complete();
  }

  private ModifyDbClusterRequest.Builder desired(StepContext context) {
    ModifyDbClusterRequest.Builder wanted = ModifyDbClusterRequest.builder();
    settings.accept(context, wanted);
    if (managedPassword) {
      wanted.manageMasterUserPassword(true);
    }
    return wanted;
  }

  private static boolean isPending(SdkPojo pending, String member) {
    if (pending == null) {
      return false;
    }
    for (SdkField<?> field : pending.sdkFields()) {
      if (field.memberName().equals(member)) {
        return ModifySettingsStep.isSet(field.getValueOrDefault(pending));
      }
    }
    return false;
  }

  /** What the describe shows for a request field, against the value sent. */
  static Shown shown(String member, Object value, DBCluster current) {
    switch (member) {
      case "DBClusterParameterGroupName":
        return ((String) value).equalsIgnoreCase(current.dbClusterParameterGroup()) ? Shown.SHOWN
            : Shown.differs(ModifySettingsStep.show(current.dbClusterParameterGroup()));
      case "VpcSecurityGroupIds": {
        Set<String> now = new TreeSet<>();
        List<String> notActive = new ArrayList<>();
        for (VpcSecurityGroupMembership m : current.vpcSecurityGroups()) {
          if (!"removing".equals(m.status())) {
            now.add(m.vpcSecurityGroupId());
          }
          if (m.status() != null && !"active".equals(m.status())) {
            notActive.add(m.vpcSecurityGroupId() + " " + m.status());
          }
        }
        if (!now.equals(new TreeSet<>((Collection<?>) value))) {
          return Shown.differs(ModifySettingsStep.show(now));
        }
        return notActive.isEmpty() ? Shown.SHOWN : Shown.differs(String.join(" ", notActive));
      }
      case "OptionGroupName": {
        for (DBClusterOptionGroupStatus m : current.dbClusterOptionGroupMemberships()) {
          if (((String) value).equalsIgnoreCase(m.dbClusterOptionGroupName())) {
            return m.status() != null && OPTION_GROUP_IN_MOTION.contains(m.status())
                ? Shown.differs(m.dbClusterOptionGroupName() + " " + m.status()) : Shown.SHOWN;
          }
        }
        return Shown.differs(ModifySettingsStep.show(current.dbClusterOptionGroupMemberships().stream()
            .map(DBClusterOptionGroupStatus::dbClusterOptionGroupName).toList()));
      }
      case "EnableIAMDatabaseAuthentication":
        return compare("IAMDatabaseAuthenticationEnabled", value, current.iamDatabaseAuthenticationEnabled());
      case "EnableHttpEndpoint":
        return compare("HttpEndpointEnabled", value, current.httpEndpointEnabled());
      case "EnablePerformanceInsights":
        return compare("PerformanceInsightsEnabled", value, current.performanceInsightsEnabled());
      case "EnableGlobalWriteForwarding":
        return compare("GlobalWriteForwardingRequested", value, current.globalWriteForwardingRequested());
      case "EnableLocalWriteForwarding": {
        String now = current.localWriteForwardingStatusAsString();
        if (now == null) {
          return Shown.UNKNOWN;
        }
        return now.equals(Boolean.TRUE.equals(value) ? "enabled" : "disabled") ? Shown.SHOWN : Shown.differs(now);
      }
      case "ManageMasterUserPassword": {
        boolean now = current.masterUserSecret() != null;
        return value.equals(now) ? Shown.SHOWN : Shown.differs(now ? "a MasterUserSecret" : "no MasterUserSecret");
      }
      case "CACertificateIdentifier": {
        String now = current.certificateDetails() == null ? null : current.certificateDetails().caIdentifier();
        return now == null ? Shown.UNKNOWN
            : ((String) value).equalsIgnoreCase(now) ? Shown.SHOWN : Shown.differs(now);
      }
      case "EngineVersion": {
        String now = current.engineVersion();
        return now != null && (now.equals(value) || now.startsWith(value + ".")) ? Shown.SHOWN
            : Shown.differs(ModifySettingsStep.show(now));
      }
      case "AllocatedStorage": {
        Integer now = current.allocatedStorage();
        return now != null && now >= (Integer) value ? Shown.SHOWN : Shown.differs(ModifySettingsStep.show(now));
      }
      case "CloudwatchLogsExportConfiguration": {
        CloudwatchLogsExportConfiguration c = (CloudwatchLogsExportConfiguration) value;
        List<String> now = current.enabledCloudwatchLogsExports();
        boolean shows = now.containsAll(c.enableLogTypes()) && c.disableLogTypes().stream().noneMatch(now::contains);
        return shows ? Shown.SHOWN : Shown.differs(ModifySettingsStep.show(now));
      }
      case "ServerlessV2ScalingConfiguration": {
        ServerlessV2ScalingConfiguration sent = (ServerlessV2ScalingConfiguration) value;
        var now = current.serverlessV2ScalingConfiguration();
        if (now == null) {
          return Shown.differs("none");
        }
        boolean same = (sent.minCapacity() == null || sent.minCapacity().equals(now.minCapacity()))
            && (sent.maxCapacity() == null || sent.maxCapacity().equals(now.maxCapacity()))
            && (sent.secondsUntilAutoPause() == null || sent.secondsUntilAutoPause().equals(now.secondsUntilAutoPause()));
        return same ? Shown.SHOWN : Shown.differs("min " + now.minCapacity() + " max " + now.maxCapacity());
      }
      default:
        break;
    }
    if (NOT_COMPARABLE.contains(member)) {
      return Shown.UNKNOWN;
    }
    for (SdkField<?> field : current.sdkFields()) {
      if (field.memberName().equals(member)) {
        Object now = field.getValueOrDefault(current);
        if (!isScalar(value) || (now != null && !isScalar(now))) {
          return Shown.UNKNOWN;
        }
        return compare(member, value, now);
      }
    }
    return Shown.UNKNOWN;
  }

  private static Shown compare(String describeMember, Object value, Object now) {
    if (now == null && ALWAYS_REPORTED.contains(describeMember)) {
      return Shown.UNKNOWN;
    }
    boolean same = value instanceof String v && now instanceof String n && CASE_INSENSITIVE.contains(describeMember)
        ? v.equalsIgnoreCase(n) : Objects.equals(value, now);
    return same ? Shown.SHOWN : Shown.differs(ModifySettingsStep.show(now));
  }

  private static boolean isScalar(Object value) {
    return value instanceof String || value instanceof Number || value instanceof Boolean;
  }

  private enum Kind { SHOWN, DIFFERS, UNKNOWN }

  /** What a describe shows for one request field. */
  static final class Shown {
    static final Shown SHOWN = new Shown(Kind.SHOWN, null);
    static final Shown UNKNOWN = new Shown(Kind.UNKNOWN, null);

    final Kind kind;
    final String now;

    private Shown(Kind kind, String now) {
      this.kind = kind;
      this.now = now;
    }

    static Shown differs(String now) {
      return new Shown(Kind.DIFFERS, now);
    }
  }

  @Override
  public String toString() {
    return "ModifyClusterStep[" + name + "]";
  }

  /** Builds a {@link ModifyClusterStep}. Not thread-safe. */
  public static final class Builder {
    private final RdsClient rds;
    private String name = DEFAULT_NAME;
    private BiConsumer<StepContext, ModifyDbClusterRequest.Builder> settings = (c, b) -> { };
    private PasswordSource passwordSource;
    private boolean managedPassword;

    private Builder(RdsClient rds) {
      this.rds = Objects.requireNonNull(rds, "rds");
    }

    /** The step's name, {@value #DEFAULT_NAME} by default. */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * The cluster settings, the same for every cluster; the identifier and ApplyImmediately are set
     * by the step. Called on every run and completion check: it must give the same request each time.
     */
    public Builder settings(Consumer<ModifyDbClusterRequest.Builder> settings) {
      Objects.requireNonNull(settings, "settings");
      this.settings = (context, builder) -> settings.accept(builder);
      return this;
    }

    /** The cluster settings, shaped per cluster and flow parameters; deterministic for a given context. */
    public Builder settings(BiConsumer<StepContext, ModifyDbClusterRequest.Builder> settings) {
      this.settings = Objects.requireNonNull(settings, "settings");
      return this;
    }

    /**
     * Sets the master user's password in the same request, from a deterministic source (keyed by
     * the cluster identifier and the cluster's master user name). Replaces
     * {@link #managedMasterPassword()}.
     */
    public Builder masterPassword(PasswordSource source) {
      this.passwordSource = Objects.requireNonNull(source, "source");
      this.managedPassword = false;
      return this;
    }

    /**
     * Lets RDS manage the master password in Secrets Manager ({@code ManageMasterUserPassword}),
     * in the same request; sent only while the cluster has no managed secret, complete once the
     * describe shows one. Replaces {@link #masterPassword(PasswordSource)}.
     */
    public Builder managedMasterPassword() {
      this.managedPassword = true;
      this.passwordSource = null;
      return this;
    }

    /** The step. */
    public ModifyClusterStep build() {
      return new ModifyClusterStep(this);
    }
  }
}
