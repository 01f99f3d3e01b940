package io.rdstagflow.aws;

import io.rdstagflow.core.Completion;
import io.rdstagflow.core.Step;
import io.rdstagflow.core.StepContext;
import io.rdstagflow.core.StepResult;

/**
 * Resets the master user's password, for flows without a settings change (the ready restore flows
 * set it in their settings step instead, so they wait for one modify, not two). It is a
 * {@link ModifySettingsStep} with nothing but the password: {@link #fromSource} sets a password from
 * a deterministic {@link PasswordSource}; {@link #managedByRds} lets RDS manage it in Secrets
 * Manager ({@code ManageMasterUserPassword}), where the broker reads it itself (the library has no
 * Secrets Manager dependency).
 *
 * <p>Complete (see {@link #completion}) once a settled describe shows nothing pending for the
 * master password ({@code PendingModifiedValues.MasterUserPassword} absent) and, for
 * {@link #managedByRds}, a {@code MasterUserSecret}; a password itself can never be compared.
 *
 * <p>Idempotent: the derived password is the same on every run; the managed variant makes no call
 * once the instance has a managed secret. The password goes only into the ModifyDBInstance request.
 * Thread-safe.
 */
public final class MasterPasswordStep implements Step {

  /** The name used unless told otherwise. */
  public static final String DEFAULT_NAME = "master-password";

  private final ModifySettingsStep modify;

  private MasterPasswordStep(ModifySettingsStep modify) {
    this.modify = modify;
  }

  /** Sets the master password from the source, keyed by instance id and master user name. */
  public static MasterPasswordStep fromSource(software.amazon.awssdk.services.rds.RdsClient rds, PasswordSource source) {
    return new MasterPasswordStep(ModifySettingsStep.builder(rds).name(DEFAULT_NAME).masterPassword(source).build());
  }

  /** Hands the master password to RDS to manage in Secrets Manager. */
  public static MasterPasswordStep managedByRds(software.amazon.awssdk.services.rds.RdsClient rds) {
    return new MasterPasswordStep(ModifySettingsStep.builder(rds).name(DEFAULT_NAME).managedMasterPassword().build());
  }

  @Override
  public String name() {
    return modify.name();
  }

  /** Sends the ModifyDBInstance with the password (or the managed-password switch); {@code started}. */
  @Override
  public StepResult run(StepContext context) {
    return modify.run(context);
  }

  /**
   * Complete when nothing is pending for the master password and, for the managed variant, the
   * describe shows a {@code MasterUserSecret}; otherwise not yet, saying which.
   */
  @Override
  public Completion completion(StepContext context) {
    return modify.completion(context);
  }

  @Override
  public String toString() {
    return "MasterPasswordStep[" + name() + "]";
  }
}
