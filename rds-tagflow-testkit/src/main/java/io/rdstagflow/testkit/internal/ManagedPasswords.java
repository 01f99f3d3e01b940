package io.rdstagflow.testkit.internal;

import software.amazon.awssdk.services.rds.model.MasterUserSecret;

/**
 * Master passwords that RDS manages in Secrets Manager ({@code ManageMasterUserPassword}): the
 * rules of the CreateDBInstance and ModifyDBInstance reference, and the secret RDS shows. The fake
 * keeps no password and no secret value, only the secret's ARN and KMS key.
 */
final class ManagedPasswords {

  private final Arns arns;

  ManagedPasswords(Arns arns) {
    this.arns = arns;
  }

  /**
   * The secret of a new instance, or {@code null}.
   *
   * @throws software.amazon.awssdk.services.rds.model.RdsException
   *         {@code InvalidParameterCombination} for a password or a key that contradicts it
   */
  SimInstance.ManagedSecret forNewInstance(String resourceId, Boolean manage, String password,
      String kmsKeyId, String rid) {
    boolean managed = Boolean.TRUE.equals(manage);
    RdsErrors.combinationIf(managed && password != null
        ? "You can't specify MasterUserPassword when ManageMasterUserPassword is turned on." : null,
        rid);
    RdsErrors.combinationIf(!managed && kmsKeyId != null
        ? "You can specify MasterUserSecretKmsKeyId only when ManageMasterUserPassword is turned on."
        : null, rid);
    return managed ? secret(resourceId, kmsKeyId) : null;
  }

  /**
   * What a modify changes about the managed password, put into {@code during}.
   *
   * @throws software.amazon.awssdk.services.rds.model.RdsException
   *         {@code InvalidParameterCombination} for a request RDS refuses
   */
  void modify(SimInstance i, Boolean manage, String password, String kmsKeyId, Changes during,
      String rid) {
    boolean managed = i.secret != null;
    boolean on = manage == null ? managed : manage;
    RdsErrors.combinationIf(on && password != null
        ? "You can't specify MasterUserPassword for a DB instance whose master user password is "
            + "managed in Secrets Manager, unless you turn ManageMasterUserPassword off." : null,
        rid);
    RdsErrors.combinationIf(managed && !on && password == null
        ? "You must specify MasterUserPassword when you turn ManageMasterUserPassword off." : null,
        rid);
    RdsErrors.combinationIf(!on && kmsKeyId != null
        ? "You can specify MasterUserSecretKmsKeyId only when ManageMasterUserPassword is turned on."
        : null, rid);
    if (on && !managed) {
      during.changeSecret(secret(i.resourceId, kmsKeyId));
    } else if (!on && managed) {
      during.changeSecret(null);
    } else if (on && kmsKeyId != null && !kmsKeyId.equals(i.secret.kmsKeyId())) {
      during.changeSecret(new SimInstance.ManagedSecret(i.secret.arn(), kmsKeyId));
    }
  }

  private SimInstance.ManagedSecret secret(String resourceId, String kmsKeyId) {
    return new SimInstance.ManagedSecret("arn:aws:secretsmanager:" + arns.region() + ":"
        + arns.accountId() + ":secret:rds!" + resourceId.toLowerCase(java.util.Locale.ROOT)
        + "-fake00", kmsKeyId != null ? kmsKeyId : "arn:aws:kms:" + arns.region() + ":"
        + arns.accountId() + ":key/00000000-0000-4000-8000-00000000aws2");
  }

  /**
   * The secret as DescribeDBInstances shows it: {@code creating} while management is being turned
   * on, {@code deleting} while it is being turned off, else {@code active}; {@code null} if none.
   */
  static MasterUserSecret render(SimInstance i) {
    Changes changing = i.modifying();
    SimInstance.ManagedSecret shown = changing.secretChanged && changing.secret != null
        ? changing.secret : i.secret;
    if (shown == null) {
      return null;
    }
    String status = !changing.secretChanged ? "active"
        : changing.secret == null ? "deleting" : i.secret == null ? "creating" : "rotating";
    return MasterUserSecret.builder().secretArn(shown.arn()).secretStatus(status)
        .kmsKeyId(shown.kmsKeyId()).build();
  }
}
