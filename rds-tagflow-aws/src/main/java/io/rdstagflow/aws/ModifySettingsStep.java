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
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DBParameterGroupStatus;
import software.amazon.awssdk.services.rds.model.ModifyDbInstanceRequest;
import software.amazon.awssdk.services.rds.model.OptionGroupMembership;
import software.amazon.awssdk.services.rds.model.PendingModifiedValues;
import software.amazon.awssdk.services.rds.model.VpcSecurityGroupMembership;

/**
 * Changes an instance's settings with one ModifyDBInstance, applied immediately, and completes when
 * a settled describe shows them. The broker shapes the request (security groups, parameter group,
 * backup window, instance class, ...); optionally the new master password travels in the same
 * request, so a flow waits for one modify, not two.
 *
 * <h2>Only what differs</h2>
 *
 * The step compares each field the broker set with the instance as this poll described it and sends
 * only those that differ; when none does, it makes no call and is {@code done}. Re-sending an
 * unchanged parameter group can cause a needless reboot, and a full request can silently reset
 * settings such as Multi-AZ: neither happens here. Names RDS stores in lower case (parameter,
 * option and subnet groups, the instance class, storage type, CA certificate, maintenance window,
 * engine, licence model) are compared ignoring case, so {@code My-Group} is not re-sent to an
 * instance that shows {@code my-group}. Fields that cannot be compared with the description (the
 * master password, a rename, a rotation, the rest listed below) are always sent; modifiers such as
 * {@code AllowMajorVersionUpgrade} ride along only when something else is sent.
 *
 * <h2>Completion is verified</h2>
 *
 * {@link #completion} holds the step as complete only when the describe shows every value the
 * request sets and none of them is in {@code PendingModifiedValues}; a describe that lags behind
 * the modify (the old instance class on an {@code available} instance, after the settle time) is
 * {@link Completion#notYet not yet}, with a reason such as {@code DBInstanceClass still
 * db.t3.small, sent db.t3.large} (never a password). The step keeps nothing in memory between
 * polls (the next poll may run in another process): it computes the request again from the same
 * settings function and context, which must therefore be deterministic, and compares every field
 * that request sets, also those that were not sent because they already matched.
 *
 * <p>Fields whose describe counterpart has another name: {@code EnableIAMDatabaseAuthentication}
 * is {@code IAMDatabaseAuthenticationEnabled}, {@code EnablePerformanceInsights}
 * {@code PerformanceInsightsEnabled}, {@code EnableCustomerOwnedIp} {@code CustomerOwnedIpEnabled},
 * {@code DBParameterGroupName} one of {@code DBParameterGroups}, {@code OptionGroupName} one of
 * {@code OptionGroupMemberships} (not pending apply or removal), {@code VpcSecurityGroupIds} the
 * {@code VpcSecurityGroups} (all {@code active}), {@code DBSubnetGroupName} the
 * {@code DBSubnetGroup}'s name, {@code DBPortNumber} the {@code Endpoint}'s port,
 * {@code ManageMasterUserPassword} a {@code MasterUserSecret} present (or absent for
 * {@code false}), {@code CloudwatchLogsExportConfiguration} the {@code EnabledCloudwatchLogsExports}.
 * {@code EngineVersion} is shown by the same version or, for a major version alone ({@code 16}),
 * by any of its minors ({@code 16.4}); {@code AllocatedStorage} by at least as much storage (RDS
 * never shrinks it, and storage autoscaling may have grown it), so neither is sent again then.
 * Every other field with a scalar describe counterpart of the same name ({@code DBInstanceClass},
 * {@code AllocatedStorage}, {@code StorageType}, {@code Iops}, {@code MultiAZ},
 * {@code EngineVersion}, {@code BackupRetentionPeriod}, {@code PreferredBackupWindow},
 * {@code PreferredMaintenanceWindow}, {@code CACertificateIdentifier}, {@code DeletionProtection},
 * {@code PubliclyAccessible}, {@code MonitoringInterval}, {@code AutoMinorVersionUpgrade},
 * {@code CopyTagsToSnapshot}, ...) is compared with it.
 *
 * <p><b>What the step cannot verify</b>, and is complete for once nothing of it is pending: the
 * master password ({@code MasterUserPassword}: complete only when
 * {@code PendingModifiedValues.MasterUserPassword} is absent), {@code TdeCredentialPassword},
 * {@code RotateMasterUserPassword}, {@code MasterUserSecretKmsKeyId} and
 * {@code PerformanceInsightsKMSKeyId} (a key may be named by id, alias or ARN, the describe shows
 * one form), {@code NewDBInstanceIdentifier}, the {@code Domain*} fields, {@code DisableDomain},
 * {@code ProcessorFeatures}, {@code UseDefaultProcessorFeatures},
 * {@code ResumeFullAutomationModeMinutes}, {@code AdditionalStorageVolumes},
 * {@code TagSpecifications}, {@code MasterUserAuthenticationType}, {@code DBSecurityGroups}, and
 * any field a newer SDK adds without a scalar counterpart. Fields RDS always reports
 * ({@code PerformanceInsightsEnabled}, {@code IAMDatabaseAuthenticationEnabled}, the flags and
 * windows above) but an emulator may leave out are compared when the describe has them and treated
 * as unverifiable when it has none: moto, for one, never reports {@code PerformanceInsightsEnabled},
 * also after a modify that set it. A completion check that relied on an unverifiable field says so
 * in an INFO line naming the fields.
 *
 * <h2>Idempotent</h2>
 *
 * Run again after a crash, it compares again: what the first run changed no longer differs, and a
 * master password from a deterministic {@link PasswordSource} is set to the same value. Thread-safe.
 * The password goes only into the request (whose {@code toString()} the SDK redacts); log lines and
 * reasons name the fields sent, never a password.
 */
public final class ModifySettingsStep implements Step {

  private static final Logger log = LoggerFactory.getLogger(ModifySettingsStep.class);

  /** The name used unless told otherwise. */
  public static final String DEFAULT_NAME = "settings";

  /** Set by the step itself, never compared. */
  private static final Set<String> OWN = Set.of("DBInstanceIdentifier", "ApplyImmediately");
  /** Modifiers of other changes: sent along, never a reason to call, nothing to verify. */
  private static final Set<String> MODIFIERS = Set.of("AllowMajorVersionUpgrade", "CertificateRotationRestart");
  /** Values RDS stores in lower case whatever the request said. */
  private static final Set<String> CASE_INSENSITIVE = Set.of("DBInstanceClass", "StorageType",
      "PreferredMaintenanceWindow", "CACertificateIdentifier", "Engine", "LicenseModel");
  /** A key may be given by id, alias or ARN; the describe shows one form, so no comparison proves anything. */
  private static final Set<String> NOT_COMPARABLE = Set.of("PerformanceInsightsKMSKeyId", "TdeCredentialPassword",
      "MasterUserPassword", "DBSecurityGroups");
  /**
   * Describe fields that RDS reports for every instance: a describe without one is an emulator
   * that does not model it (nothing to see), not a lagging RDS (which shows the old value).
   */
  private static final Set<String> ALWAYS_REPORTED = Set.of("PerformanceInsightsEnabled",
      "IAMDatabaseAuthenticationEnabled", "CustomerOwnedIpEnabled", "DeletionProtection", "PubliclyAccessible",
      "MonitoringInterval", "AutoMinorVersionUpgrade", "CopyTagsToSnapshot", "MultiAZ", "BackupRetentionPeriod",
      "PreferredBackupWindow", "PreferredMaintenanceWindow", "CACertificateIdentifier", "StorageType",
      "NetworkType", "EngineLifecycleSupport", "DatabaseInsightsMode", "PerformanceInsightsRetentionPeriod");
  /** Request fields whose pending counterpart has another name. */
  private static final Map<String, String> PENDING_NAME = Map.of(
      "DBPortNumber", "Port",
      "EnableIAMDatabaseAuthentication", "IAMDatabaseAuthenticationEnabled",
      "NewDBInstanceIdentifier", "DBInstanceIdentifier",
      "CloudwatchLogsExportConfiguration", "PendingCloudwatchLogsExports",
      "UseDefaultProcessorFeatures", "ProcessorFeatures",
      "ResumeFullAutomationModeMinutes", "ResumeFullAutomationModeTime",
      "ManageMasterUserPassword", "MasterUserPassword",
      "RotateMasterUserPassword", "MasterUserPassword",
      "MasterUserSecretKmsKeyId", "MasterUserPassword");
  /** Option group membership states in which the group is not (or no longer) in effect. */
  private static final Set<String> OPTION_GROUP_IN_MOTION = Set.of("pending-apply", "applying", "pending-removal",
      "removing");

  private final String name;
  private final RdsClient rds;
  private final BiConsumer<StepContext, ModifyDbInstanceRequest.Builder> settings;
  private final PasswordSource passwordSource;
  private final boolean managedPassword;

  private ModifySettingsStep(Builder b) {
    this.name = b.name;
    this.rds = b.rds;
    this.settings = b.settings;
    this.passwordSource = b.passwordSource;
    this.managedPassword = b.managedPassword;
  }

  /** A builder for a settings step that calls RDS through the broker's client. */
  public static Builder builder(RdsClient rds) {
    return new Builder(rds);
  }

  @Override
  public String name() {
    return name;
  }

  /**
   * Sends one ModifyDBInstance with the fields that differ from the describe, or makes no call and
   * is {@code done} when none does; {@code started} after a call.
   */
  @Override
  public StepResult run(StepContext context) {
    DBInstance current = context.instance().detail(DBInstance.class).orElse(null);
    if (current == null) {
      return StepResult.failed("step " + name + " needs the SDK gateway's description of the instance");
    }
    ModifyDbInstanceRequest.Builder wanted = desired(context);
    if (passwordSource != null) {
      wanted.masterUserPassword(passwordSource.password(context.instanceId(), current.masterUsername()));
    }
    ModifyDbInstanceRequest desired = wanted.build();

    ModifyDbInstanceRequest.Builder send = ModifyDbInstanceRequest.builder()
        .dbInstanceIdentifier(context.instanceId()).applyImmediately(true);
    Set<String> changed = new TreeSet<>();
    for (SdkField<?> field : desired.sdkFields()) {
      String member = field.memberName();
      Object value = field.getValueOrDefault(desired);
      if (OWN.contains(member) || isUnset(value)) {
        continue;
      }
      if (MODIFIERS.contains(member) || !isAlreadySo(member, value, current)) {
        field.set(send, value);
        if (!MODIFIERS.contains(member)) {
          changed.add(member);
        }
      }
    }
    if (changed.isEmpty()) {
      log.debug("instance {}: settings already as wanted; no call", context.instanceId());
      return StepResult.done();
    }
    log.info("instance {}: modifying {}", context.instanceId(), changed);
    rds.modifyDBInstance(send.build());
    return StepResult.started();
  }

  /**
   * Complete when the describe shows every value the request sets (computed again from the
   * settings function and this context) and none of them, nor the master password, is pending;
   * otherwise not yet, naming what differs or is pending. See the class description for the fields
   * it cannot verify.
   */
  @Override
  public Completion completion(StepContext context) {
    DBInstance current = context.instance().detail(DBInstance.class).orElse(null);
    if (current == null) {
      return Completion.notYet("step " + name + " needs the SDK gateway's description of the instance");
    }
    ModifyDbInstanceRequest desired = desired(context).build();
    PendingModifiedValues pending = current.pendingModifiedValues();
    List<String> waits = new ArrayList<>();
    Set<String> unverified = new TreeSet<>();
    for (SdkField<?> field : desired.sdkFields()) {
      String member = field.memberName();
      Object value = field.getValueOrDefault(desired);
      if (OWN.contains(member) || MODIFIERS.contains(member) || isUnset(value)) {
        continue;
      }
      if (isPending(pending, PENDING_NAME.getOrDefault(member, member))) {
        waits.add(secret(member) ? member + " change still pending" : member + " " + show(value) + " still pending");
        continue;
      }
      Shown shown = shown(member, value, current);
      if (shown.kind == Shown.Kind.DIFFERS) {
        waits.add(member + " still " + shown.now + ", sent " + show(value));
      } else if (shown.kind == Shown.Kind.UNKNOWN) {
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
      log.info("instance {}: step {} complete; the describe cannot show {}, and nothing of them is pending",
          context.instanceId(), name, unverified);
    }
    return Completion.complete();
  }

  /** The broker's settings for this context, and the managed-password switch if chosen; no password. */
  private ModifyDbInstanceRequest.Builder desired(StepContext context) {
    ModifyDbInstanceRequest.Builder wanted = ModifyDbInstanceRequest.builder();
    settings.accept(context, wanted);
    if (managedPassword) {
      wanted.manageMasterUserPassword(true);
    }
    return wanted;
  }

  static boolean isUnset(Object value) {
    return value == null || (value instanceof Collection<?> c && c.isEmpty());
  }

  private static boolean secret(String member) {
    return member.contains("Password");
  }

  /** {@code true} if the pending values list this field (a value, a non-empty list or structure). */
  private static boolean isPending(PendingModifiedValues pending, String member) {
    if (pending == null) {
      return false;
    }
    for (SdkField<?> field : pending.sdkFields()) {
      if (field.memberName().equals(member)) {
        return isSet(field.getValueOrDefault(pending));
      }
    }
    return false;
  }

  static boolean isSet(Object value) {
    if (value == null || (value instanceof Collection<?> c && c.isEmpty())) {
      return false;
    }
    if (value instanceof SdkPojo pojo) {
      for (SdkField<?> f : pojo.sdkFields()) {
        if (isSet(f.getValueOrDefault(pojo))) {
          return true;
        }
      }
      return false;
    }
    return true;
  }

  /** A value for a reason: lists space-separated and sorted, absent as {@code none}. */
  static String show(Object value) {
    if (value == null) {
      return "none";
    }
    if (value instanceof Collection<?> c) {
      return c.isEmpty() ? "none" : String.join(" ", new TreeSet<>(c.stream().map(String::valueOf).toList()));
    }
    return String.valueOf(value);
  }

  /** {@code true} if the description shows the instance already has this value. */
  static boolean isAlreadySo(String member, Object value, DBInstance current) {
    return shown(member, value, current).kind == Shown.Kind.SHOWN;
  }

  /** What the describe shows for a request field, against the value sent. */
  static Shown shown(String member, Object value, DBInstance current) {
    switch (member) {
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
          return Shown.differs(show(now));
        }
        return notActive.isEmpty() ? Shown.SHOWN : Shown.differs(String.join(" ", notActive));
      }
      case "DBParameterGroupName": {
        List<String> now = current.dbParameterGroups().stream().map(DBParameterGroupStatus::dbParameterGroupName).toList();
        return now.stream().anyMatch(n -> ((String) value).equalsIgnoreCase(n)) ? Shown.SHOWN : Shown.differs(show(now));
      }
      case "OptionGroupName": {
        for (OptionGroupMembership m : current.optionGroupMemberships()) {
          if (((String) value).equalsIgnoreCase(m.optionGroupName())) {
            return m.status() != null && OPTION_GROUP_IN_MOTION.contains(m.status())
                ? Shown.differs(m.optionGroupName() + " " + m.status()) : Shown.SHOWN;
          }
        }
        return Shown.differs(show(current.optionGroupMemberships().stream().map(OptionGroupMembership::optionGroupName).toList()));
      }
      case "DBSubnetGroupName": {
        String now = current.dbSubnetGroup() == null ? null : current.dbSubnetGroup().dbSubnetGroupName();
        return ((String) value).equalsIgnoreCase(now) ? Shown.SHOWN : Shown.differs(show(now));
      }
      case "DBPortNumber": {
        Integer now = current.endpoint() == null ? null : current.endpoint().port();
        return value.equals(now) ? Shown.SHOWN : Shown.differs(show(now));
      }
      case "EnablePerformanceInsights":
        return compare("PerformanceInsightsEnabled", value, current.performanceInsightsEnabled());
      case "EnableIAMDatabaseAuthentication":
        return compare("IAMDatabaseAuthenticationEnabled", value, current.iamDatabaseAuthenticationEnabled());
      case "EnableCustomerOwnedIp":
        return compare("CustomerOwnedIpEnabled", value, current.customerOwnedIpEnabled());
      case "ManageMasterUserPassword": {
        boolean now = current.masterUserSecret() != null;
        return value.equals(now) ? Shown.SHOWN : Shown.differs(now ? "a MasterUserSecret" : "no MasterUserSecret");
      }
      case "EngineVersion": {
        // A major version alone ("16") is upgraded to RDS's choice of minor ("16.4").
        String now = current.engineVersion();
        return now != null && (now.equals(value) || now.startsWith(value + ".")) ? Shown.SHOWN : Shown.differs(show(now));
      }
      case "AllocatedStorage": {
        // RDS never shrinks storage, and storage autoscaling may have grown it past the value sent.
        Integer now = current.allocatedStorage();
        return now != null && now >= (Integer) value ? Shown.SHOWN : Shown.differs(show(now));
      }
      case "MasterUserSecretKmsKeyId":
        return current.masterUserSecret() != null && value.equals(current.masterUserSecret().kmsKeyId())
            ? Shown.SHOWN : Shown.UNKNOWN;
      case "CloudwatchLogsExportConfiguration": {
        CloudwatchLogsExportConfiguration c = (CloudwatchLogsExportConfiguration) value;
        List<String> now = current.enabledCloudwatchLogsExports();
        boolean shows = now.containsAll(c.enableLogTypes()) && c.disableLogTypes().stream().noneMatch(now::contains);
        return shows ? Shown.SHOWN : Shown.differs(show(now));
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
    return Shown.UNKNOWN; // nothing to compare with: always sent, verified only by nothing pending
  }

  private static Shown compare(String describeMember, Object value, Object now) {
    if (now == null && ALWAYS_REPORTED.contains(describeMember)) {
      return Shown.UNKNOWN;
    }
    boolean same = value instanceof String v && now instanceof String n && CASE_INSENSITIVE.contains(describeMember)
        ? v.equalsIgnoreCase(n) : Objects.equals(value, now);
    return same ? Shown.SHOWN : Shown.differs(show(now));
  }

  private static boolean isScalar(Object value) {
    return value instanceof String || value instanceof Number || value instanceof Boolean;
  }

  /** What a describe shows for one request field. */
  static final class Shown {
    enum Kind { SHOWN, DIFFERS, UNKNOWN }

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
    return "ModifySettingsStep[" + name + "]";
  }

  /** Builds a {@link ModifySettingsStep}. Not thread-safe. */
  public static final class Builder {
    private final RdsClient rds;
    private String name = DEFAULT_NAME;
    private BiConsumer<StepContext, ModifyDbInstanceRequest.Builder> settings = (c, b) -> { };
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
     * The settings, the same for every instance; the identifier and ApplyImmediately are set by the
     * step. Called on every run and every completion check, so it must give the same request each
     * time.
     */
    public Builder settings(Consumer<ModifyDbInstanceRequest.Builder> settings) {
      Objects.requireNonNull(settings, "settings");
      this.settings = (context, builder) -> settings.accept(builder);
      return this;
    }

    /**
     * The settings, shaped per instance and flow parameters (a plan's instance class, say). Called
     * on every run and every completion check: deterministic for a given context.
     */
    public Builder settings(BiConsumer<StepContext, ModifyDbInstanceRequest.Builder> settings) {
      this.settings = Objects.requireNonNull(settings, "settings");
      return this;
    }

    /**
     * Sets the master user's password in the same request, from a deterministic source (keyed by
     * instance id and the instance's master user name). Replaces {@link #managedMasterPassword()}.
     */
    public Builder masterPassword(PasswordSource source) {
      this.passwordSource = Objects.requireNonNull(source, "source");
      this.managedPassword = false;
      return this;
    }

    /**
     * Lets RDS manage the master password in Secrets Manager ({@code ManageMasterUserPassword}),
     * in the same request; the broker reads the secret itself when it needs it. Sent only while the
     * instance has no managed secret yet; complete once the describe shows one. Replaces
     * {@link #masterPassword(PasswordSource)}.
     */
    public Builder managedMasterPassword() {
      this.managedPassword = true;
      this.passwordSource = null;
      return this;
    }

    /** The step. */
    public ModifySettingsStep build() {
      return new ModifySettingsStep(this);
    }
  }
}
