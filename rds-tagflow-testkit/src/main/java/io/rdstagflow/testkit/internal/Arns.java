package io.rdstagflow.testkit.internal;

import java.util.Locale;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.services.rds.model.AddTagsToResourceRequest;
import software.amazon.awssdk.services.rds.model.ListTagsForResourceRequest;
import software.amazon.awssdk.services.rds.model.RemoveTagsFromResourceRequest;
import software.amazon.awssdk.services.rds.model.RestoreDbInstanceToPointInTimeRequest;

/** The fake's region and account, the ARNs it gives, and how it reads identifiers and ARNs. */
final class Arns {

  private final String region;
  private final String accountId;

  Arns(String region, String accountId) {
    this.region = region;
    this.accountId = accountId;
  }

  String region() {
    return region;
  }

  String accountId() {
    return accountId;
  }

  /** {@code arn:aws:rds:<region>:<account>:<type>:<name>}. */
  String arn(String type, String name) {
    return "arn:aws:rds:" + region + ":" + accountId + ":" + type + ":" + name;
  }

  String instanceArn(String id) {
    return arn("db", id.toLowerCase(Locale.ROOT));
  }

  String clusterArn(String id) {
    return arn("cluster", id.toLowerCase(Locale.ROOT));
  }

  /** {@code true} if {@code region} and {@code account} are this fake's. */
  boolean ours(String region, String account) {
    return this.region.equals(region) && accountId.equals(account);
  }

  /** The lower-cased identifier that an identifier or an ARN of {@code type} names. */
  static String idFromArnOrId(String idOrArn, String type) {
    String[] parts = idOrArn.split(":", 7);
    String id = parts.length == 7 && parts[0].equals("arn") && parts[5].equals(type)
        ? parts[6] : idOrArn;
    return id.toLowerCase(Locale.ROOT);
  }

  /** The instance identifier a {@code db} ARN names, as written, or {@code null}. */
  static String dbFromArn(String arn) {
    if (arn == null) {
      return null;
    }
    String[] parts = arn.split(":", 7);
    return parts.length == 7 && parts[5].equals("db") ? parts[6] : null;
  }

  /** The cluster identifier a {@code cluster} ARN names, as written, or {@code null}. */
  static String clusterFromArn(String arn) {
    if (arn == null) {
      return null;
    }
    String[] parts = arn.split(":", 7);
    return parts.length == 7 && parts[5].equals("cluster") ? parts[6] : null;
  }

  /** The DB instance a request names, lower-cased, for the call log; {@code null} if none. */
  static String instanceIdOf(SdkRequest r) {
    String id;
    if (r instanceof RestoreDbInstanceToPointInTimeRequest x) {
      id = x.targetDBInstanceIdentifier();
    } else if (r instanceof AddTagsToResourceRequest x) {
      id = dbFromArn(x.resourceName());
    } else if (r instanceof RemoveTagsFromResourceRequest x) {
      id = dbFromArn(x.resourceName());
    } else if (r instanceof ListTagsForResourceRequest x) {
      id = dbFromArn(x.resourceName());
    } else {
      // Every other supported request names its instance in DBInstanceIdentifier.
      id = r.getValueForField("DBInstanceIdentifier", String.class).orElse(null);
    }
    return id == null ? null : idFromArnOrId(id, "db");
  }
}
