package io.rdstagflow.aws;

import io.rdstagflow.core.Step;
import io.rdstagflow.core.StepContext;
import io.rdstagflow.core.StepResult;
import java.util.Collection;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DBParameterGroupStatus;
import software.amazon.awssdk.services.rds.model.ModifyDbInstanceRequest;
import software.amazon.awssdk.services.rds.model.OptionGroupMembership;
import software.amazon.awssdk.services.rds.model.VpcSecurityGroupMembership;

/**
 * Changes an instance's settings with one ModifyDBInstance, applied immediately, and completes when
 * the instance has settled. The broker shapes the request (security groups, parameter group, backup
 * window, instance class, ...); optionally the new master password travels in the same request, so
 * a flow waits for one modify, not two.
 *
 * <h2>Only what differs</h2>
 *
 * The step compares each field the broker set with the instance as this poll described it and sends
 * only those that differ; when none does, it makes no call and is {@code done}. Re-sending an
 * unchanged parameter group can cause a needless reboot, and a full request can silently reset
 * settings such as Multi-AZ: neither happens here. Fields that cannot be compared with the
 * description (the master password, a rename, a rotation) are always sent; modifiers such as
 * {@code AllowMajorVersionUpgrade} ride along only when something else is sent.
 *
 * <h2>Idempotent</h2>
 *
 * Run again after a crash, it compares again: what the first run changed no longer differs, and a
 * master password from a deterministic {@link PasswordSource} is set to the same value. Thread-safe.
 * The password goes only into the request (whose {@code toString()} the SDK redacts); log lines name
 * the fields sent, never their values.
 */
public final class ModifySettingsStep implements Step {

  private static final Logger log = LoggerFactory.getLogger(ModifySettingsStep.class);

  /** The name used unless told otherwise. */
  public static final String DEFAULT_NAME = "settings";

  /** Set by the step itself, never compared. */
  private static final Set<String> OWN = Set.of("DBInstanceIdentifier", "ApplyImmediately");
  /** Modifiers of other changes: sent along, never a reason to call. */
  private static final Set<String> MODIFIERS = Set.of("AllowMajorVersionUpgrade");

  private final String name;
  private final RdsClient rds;
  private final BiConsumer<StepContext, ModifyDbInstanceRequest.Builder> settings;
  private final MasterPassword masterPassword;

  private ModifySettingsStep(Builder b) {
    this.name = b.name;
    this.rds = b.rds;
    this.settings = b.settings;
    this.masterPassword = b.masterPassword;
  }

  /** A builder for a settings step that calls RDS through the broker's client. */
  public static Builder builder(RdsClient rds) {
    return new Builder(rds);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public StepResult run(StepContext context) {
    DBInstance current = context.instance().detail(DBInstance.class).orElse(null);
    if (current == null) {
      return StepResult.failed("step " + name + " needs the SDK gateway's description of the instance");
    }
    ModifyDbInstanceRequest.Builder wanted = ModifyDbInstanceRequest.builder();
    settings.accept(context, wanted);
    masterPassword.apply(context, current, wanted);
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

  private static boolean isUnset(Object value) {
    return value == null || (value instanceof Collection<?> c && c.isEmpty());
  }

  /** {@code true} if the description shows the instance already has this value. */
  static boolean isAlreadySo(String member, Object value, DBInstance current) {
    switch (member) {
      case "VpcSecurityGroupIds": {
        Set<String> now = new HashSet<>();
        for (VpcSecurityGroupMembership m : current.vpcSecurityGroups()) {
          now.add(m.vpcSecurityGroupId());
        }
        return now.equals(new HashSet<>((Collection<?>) value));
      }
      case "DBParameterGroupName":
        return current.dbParameterGroups().stream().map(DBParameterGroupStatus::dbParameterGroupName)
            .anyMatch(value::equals);
      case "OptionGroupName":
        return current.optionGroupMemberships().stream().map(OptionGroupMembership::optionGroupName)
            .anyMatch(value::equals);
      case "DBSubnetGroupName":
        return current.dbSubnetGroup() != null && value.equals(current.dbSubnetGroup().dbSubnetGroupName());
      case "DBPortNumber":
        return current.endpoint() != null && value.equals(current.endpoint().port());
      case "EnablePerformanceInsights":
        return value.equals(current.performanceInsightsEnabled());
      case "ManageMasterUserPassword":
        return value.equals(current.masterUserSecret() != null);
      case "MasterUserSecretKmsKeyId":
        return current.masterUserSecret() != null && value.equals(current.masterUserSecret().kmsKeyId());
      default:
        break;
    }
    for (SdkField<?> field : current.sdkFields()) {
      if (field.memberName().equals(member)) {
        return Objects.equals(value, field.getValueOrDefault(current));
      }
    }
    return false; // nothing to compare with: always sent
  }

  @Override
  public String toString() {
    return "ModifySettingsStep[" + name + "]";
  }

  /** How the master password is set along with the settings, if at all. */
  private interface MasterPassword {
    void apply(StepContext context, DBInstance current, ModifyDbInstanceRequest.Builder request);
  }

  /** Builds a {@link ModifySettingsStep}. Not thread-safe. */
  public static final class Builder {
    private final RdsClient rds;
    private String name = DEFAULT_NAME;
    private BiConsumer<StepContext, ModifyDbInstanceRequest.Builder> settings = (c, b) -> { };
    private MasterPassword masterPassword = (c, d, b) -> { };

    private Builder(RdsClient rds) {
      this.rds = Objects.requireNonNull(rds, "rds");
    }

    /** The step's name, {@value #DEFAULT_NAME} by default. */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /** The settings, the same for every instance; the identifier and ApplyImmediately are set by the step. */
    public Builder settings(Consumer<ModifyDbInstanceRequest.Builder> settings) {
      Objects.requireNonNull(settings, "settings");
      this.settings = (context, builder) -> settings.accept(builder);
      return this;
    }

    /** The settings, shaped per instance and flow parameters (a plan's instance class, say). */
    public Builder settings(BiConsumer<StepContext, ModifyDbInstanceRequest.Builder> settings) {
      this.settings = Objects.requireNonNull(settings, "settings");
      return this;
    }

    /**
     * Sets the master user's password in the same request, from a deterministic source (keyed by
     * instance id and the instance's master user name).
     */
    public Builder masterPassword(PasswordSource source) {
      Objects.requireNonNull(source, "source");
      this.masterPassword = (context, current, request) ->
          request.masterUserPassword(source.password(context.instanceId(), current.masterUsername()));
      return this;
    }

    /**
     * Lets RDS manage the master password in Secrets Manager ({@code ManageMasterUserPassword}),
     * in the same request; the broker reads the secret itself when it needs it. Sent only while the
     * instance has no managed secret yet.
     */
    public Builder managedMasterPassword() {
      this.masterPassword = (context, current, request) -> request.manageMasterUserPassword(true);
      return this;
    }

    /** The step. */
    public ModifySettingsStep build() {
      return new ModifySettingsStep(this);
    }
  }
}
