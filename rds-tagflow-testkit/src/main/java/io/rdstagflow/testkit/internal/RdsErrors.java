package io.rdstagflow.testkit.internal;

import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.rds.model.DbClusterAlreadyExistsException;
import software.amazon.awssdk.services.rds.model.DbClusterNotFoundException;
import software.amazon.awssdk.services.rds.model.DbClusterParameterGroupNotFoundException;
import software.amazon.awssdk.services.rds.model.DbClusterSnapshotAlreadyExistsException;
import software.amazon.awssdk.services.rds.model.DbClusterSnapshotNotFoundException;
import software.amazon.awssdk.services.rds.model.DbInstanceAlreadyExistsException;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;
import software.amazon.awssdk.services.rds.model.DbParameterGroupAlreadyExistsException;
import software.amazon.awssdk.services.rds.model.DbParameterGroupNotFoundException;
import software.amazon.awssdk.services.rds.model.DbSnapshotAlreadyExistsException;
import software.amazon.awssdk.services.rds.model.DbSnapshotNotFoundException;
import software.amazon.awssdk.services.rds.model.InvalidDbClusterSnapshotStateException;
import software.amazon.awssdk.services.rds.model.InvalidDbClusterStateException;
import software.amazon.awssdk.services.rds.model.InvalidDbInstanceStateException;
import software.amazon.awssdk.services.rds.model.InvalidDbSnapshotStateException;
import software.amazon.awssdk.services.rds.model.RdsException;

/**
 * Builds the exceptions the real SDK client would throw for an RDS error response: the modeled
 * exception type for the error code (as the SDK's {@code DefaultRdsClient} registers them), the
 * HTTP status, and {@code awsErrorDetails} with service name {@code Rds}.
 *
 * <p>Messages never carry a request's secret fields; callers pass identifiers and rule texts only.
 */
final class RdsErrors {

  /** Modeled exception types and statuses, as registered by the SDK 2.57 RDS client. */
  private record Modeled(Supplier<RdsException.Builder> builder, int status) {}

  private static final Map<String, Modeled> MODELED = Map.ofEntries(
      Map.entry("DBInstanceNotFound", new Modeled(DbInstanceNotFoundException::builder, 404)),
      Map.entry("DBSnapshotNotFound", new Modeled(DbSnapshotNotFoundException::builder, 404)),
      Map.entry("DBParameterGroupNotFound",
          new Modeled(DbParameterGroupNotFoundException::builder, 404)),
      Map.entry("DBInstanceAlreadyExists",
          new Modeled(DbInstanceAlreadyExistsException::builder, 400)),
      Map.entry("DBSnapshotAlreadyExists",
          new Modeled(DbSnapshotAlreadyExistsException::builder, 400)),
      Map.entry("DBParameterGroupAlreadyExists",
          new Modeled(DbParameterGroupAlreadyExistsException::builder, 400)),
      Map.entry("InvalidDBInstanceState",
          new Modeled(InvalidDbInstanceStateException::builder, 400)),
      Map.entry("InvalidDBSnapshotState",
          new Modeled(InvalidDbSnapshotStateException::builder, 400)),
      Map.entry("DBClusterNotFoundFault", new Modeled(DbClusterNotFoundException::builder, 404)),
      Map.entry("DBClusterAlreadyExistsFault",
          new Modeled(DbClusterAlreadyExistsException::builder, 400)),
      Map.entry("DBClusterSnapshotNotFoundFault",
          new Modeled(DbClusterSnapshotNotFoundException::builder, 404)),
      Map.entry("DBClusterSnapshotAlreadyExistsFault",
          new Modeled(DbClusterSnapshotAlreadyExistsException::builder, 400)),
      Map.entry("DBClusterParameterGroupNotFound",
          new Modeled(DbClusterParameterGroupNotFoundException::builder, 404)),
      Map.entry("InvalidDBClusterStateFault",
          new Modeled(InvalidDbClusterStateException::builder, 400)),
      Map.entry("InvalidDBClusterSnapshotStateFault",
          new Modeled(InvalidDbClusterSnapshotStateException::builder, 400)));

  private RdsErrors() {}

  /** The HTTP status RDS sends with {@code errorCode}. */
  static int statusFor(String errorCode) {
    Modeled m = MODELED.get(errorCode);
    if (m != null) {
      return m.status();
    }
    return switch (errorCode) {
      case "InternalFailure", "InternalError" -> 500;
      case "ServiceUnavailable" -> 503;
      default -> 400;
    };
  }

  /** The exception for {@code errorCode} with the status RDS uses for it. */
  static RdsException error(String errorCode, String message, String requestId) {
    return error(errorCode, statusFor(errorCode), message, requestId);
  }

  /** The exception for {@code errorCode} with an explicit HTTP status. */
  static RdsException error(String errorCode, int status, String message, String requestId) {
    Modeled m = MODELED.get(errorCode);
    RdsException.Builder b = m == null ? RdsException.builder() : m.builder().get();
    AwsErrorDetails details = AwsErrorDetails.builder()
        .errorCode(errorCode)
        .errorMessage(message)
        .serviceName("Rds")
        .sdkHttpResponse(SdkHttpResponse.builder().statusCode(status).build())
        .build();
    return (RdsException) b.awsErrorDetails(details)
        .statusCode(status)
        .requestId(requestId)
        .message(message)
        .build();
  }

  /** {@code MissingParameter} unless {@code value} is given. */
  static void require(String parameter, String value, String rid) {
    if (value == null || value.isEmpty()) {
      throw error("MissingParameter", "The request must contain the parameter " + parameter + ".",
          rid);
    }
  }

  /** {@code InvalidParameterValue} with {@code violation} as the message, unless it is null. */
  static void invalidIf(String violation, String rid) {
    if (violation != null) {
      throw error("InvalidParameterValue", violation, rid);
    }
  }

  /** {@code InvalidParameterCombination} with {@code violation}, unless it is null. */
  static void combinationIf(String violation, String rid) {
    if (violation != null) {
      throw error("InvalidParameterCombination", violation, rid);
    }
  }

  static RdsException instanceNotFound(String id, String rid) {
    return error("DBInstanceNotFound", "DBInstance " + id + " not found.", rid);
  }

  static RdsException snapshotNotFound(String id, String rid) {
    return error("DBSnapshotNotFound", "DBSnapshot " + id + " not found.", rid);
  }

  static RdsException clusterNotFound(String id, String rid) {
    return error("DBClusterNotFoundFault", "DBCluster " + id + " not found.", rid);
  }

  static RdsException clusterSnapshotNotFound(String id, String rid) {
    return error("DBClusterSnapshotNotFoundFault", "DBClusterSnapshot " + id + " not found.", rid);
  }

  static RdsException parameterGroupNotFound(String name, String rid) {
    return error("DBParameterGroupNotFound", "DB Parameter Group " + name + " not found.", rid);
  }
}
