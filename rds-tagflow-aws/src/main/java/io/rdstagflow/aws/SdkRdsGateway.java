package io.rdstagflow.aws;

import io.rdstagflow.core.ApiBudgetExhaustedException;
import io.rdstagflow.core.RdsInstance;
import io.rdstagflow.core.spi.ErrorClassification;
import io.rdstagflow.core.spi.RdsGateway;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DBParameterGroupStatus;
import software.amazon.awssdk.services.rds.model.DbClusterNotFoundException;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesResponse;
import software.amazon.awssdk.services.rds.model.Filter;
import software.amazon.awssdk.services.rds.model.Tag;

/**
 * The engine's {@link RdsGateway} over the broker's own SDK v2 {@link RdsClient}: one
 * DescribeDBInstances per describe (status, {@code PendingModifiedValues}, parameter-group apply
 * states, endpoint, ARN and {@code TagList} all come from that one response; the SDK's
 * {@link DBInstance} is offered to steps through {@link RdsInstance#detail(Class)}), and
 * AddTagsToResource / RemoveTagsFromResource by ARN. It never caches.
 *
 * <h2>Errors</h2>
 *
 * {@link #classify} sorts SDK exceptions, those of this gateway's calls and those a step's own
 * calls throw: throttling ({@code isThrottlingException()}), 5xx, client-side I/O failures and
 * timeouts, and {@code InvalidDBInstanceState} are transient; {@code DBInstanceNotFound} is not
 * found; the rest is permanent. A classification's {@link ErrorClassification#code() code} is the
 * AWS error code alone ({@code InvalidParameterCombination}), or {@code HTTP 503} for a response
 * without one: it becomes the failure reason an OSB platform shows its end users, so it carries
 * neither the message (which may echo input) nor the request id. The request id, which AWS
 * support asks for, goes to the log line written when the error is classified (WARN for a
 * permanent error, INFO for a transient or not-found one), with the code and HTTP status.
 *
 * <h2>Retries: the SDK's and the engine's</h2>
 *
 * The client's own retry strategy (the SDK's standard mode: up to 3 attempts with backoff) runs
 * inside each call; the engine never retries within a poll. A call that still fails comes to the
 * engine classified: a transient one leaves the operation in progress and the platform's next poll
 * (60 s later on Cloud Foundry) tries again, so retries are not stacked. Keep the client's total
 * call time (its API call timeout) well inside the poll time budget, so one poll answers within
 * the platform's 60 s.
 *
 * <p>Thread-safe if the client is (SDK clients are).
 */
public final class SdkRdsGateway implements RdsGateway {

  private static final Logger log = LoggerFactory.getLogger(SdkRdsGateway.class);
  private static final String INVALID_STATE = "InvalidDBInstanceState";
  private static final String INVALID_CLUSTER_STATE = "InvalidDBClusterStateFault";

  private final RdsClient rds;

  /** A gateway over the broker's client; the client's HTTP client, region and credentials stay the broker's. */
  public SdkRdsGateway(RdsClient rds) {
    this.rds = Objects.requireNonNull(rds, "rds");
  }

  @Override
  public Optional<RdsInstance> describe(String instanceId) {
    DescribeDbInstancesResponse response;
    try {
      response = rds.describeDBInstances(r -> r.dbInstanceIdentifier(instanceId));
    } catch (DbInstanceNotFoundException e) {
      return Optional.empty();
    }
    return response.dbInstances().stream().findFirst().map(SdkRdsGateway::toInstance);
  }

  /**
   * One DescribeDBInstances with the {@code db-instance-id} filter for up to 100 instances (RDS's
   * limit for one filter and one page), following a {@code Marker} should RDS page the answer.
   *
   * @throws IllegalArgumentException for more than {@link #MAX_BATCH} identifiers
   */
  @Override
  public List<RdsInstance> describeAll(Collection<String> instanceIds) {
    if (instanceIds.size() > MAX_BATCH) {
      throw new IllegalArgumentException("at most " + MAX_BATCH + " instances per describe, was " + instanceIds.size());
    }
    if (instanceIds.isEmpty()) {
      return List.of();
    }
    Filter byId = Filter.builder().name("db-instance-id").values(instanceIds).build();
    List<RdsInstance> found = new ArrayList<>(instanceIds.size());
    String marker = null;
    do {
      String page = marker;
      DescribeDbInstancesResponse response = rds.describeDBInstances(r -> r.filters(byId).maxRecords(MAX_BATCH)
          .marker(page));
      response.dbInstances().forEach(db -> found.add(toInstance(db)));
      marker = response.marker();
    } while (marker != null && !marker.isEmpty());
    return found;
  }

  @Override
  public void addTags(RdsInstance instance, Map<String, String> tags) {
    List<Tag> list = new ArrayList<>(tags.size());
    tags.forEach((k, v) -> list.add(Tag.builder().key(k).value(v).build()));
    rds.addTagsToResource(r -> r.resourceName(instance.arn()).tags(list));
  }

  @Override
  public void removeTags(RdsInstance instance, Collection<String> keys) {
    rds.removeTagsFromResource(r -> r.resourceName(instance.arn()).tagKeys(keys));
  }

  @Override
  public ErrorClassification classify(Throwable error) {
    return classifyError(error);
  }

  /**
   * The classification described above, for any throwable (a step's own calls included); causes
   * are followed so a wrapped SDK exception is classified by what it wraps.
   */
  public static ErrorClassification classifyError(Throwable error) {
    return classifyError(error, false);
  }

  /**
   * The classification for a gateway of instances ({@code cluster} false) or of Aurora clusters
   * ({@code cluster} true: {@code DBClusterNotFoundFault} is not found, {@code DBInstanceNotFound}
   * of a member is permanent, {@code InvalidDBClusterStateFault} is transient).
   */
  static ErrorClassification classifyError(Throwable error, boolean cluster) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ApiBudgetExhaustedException) {
        // Refused before it was sent (the SDK may wrap what an interceptor throws).
        return ErrorClassification.transientError(ApiBudgetExhaustedException.CODE);
      }
    }
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof AwsServiceException e) {
        return classifyService(e, cluster);
      }
      if (t instanceof ApiCallTimeoutException || t instanceof ApiCallAttemptTimeoutException) {
        return ErrorClassification.transientError(t.getClass().getSimpleName());
      }
      if (t instanceof SdkClientException e) {
        return hasIoCause(e) || e.retryable()
            ? ErrorClassification.transientError("SdkClientException (I/O)")
            : ErrorClassification.permanent("SdkClientException");
      }
      if (t instanceof IOException || t instanceof UncheckedIOException) {
        return ErrorClassification.transientError(t.getClass().getSimpleName());
      }
    }
    return ErrorClassification.permanent(error.getClass().getSimpleName());
  }

  private static ErrorClassification classifyService(AwsServiceException e, boolean cluster) {
    String code = e.awsErrorDetails() != null && e.awsErrorDetails().errorCode() != null
        ? e.awsErrorDetails().errorCode() : "HTTP " + e.statusCode();
    ErrorClassification classified;
    boolean notFound = cluster
        ? e instanceof DbClusterNotFoundException || code.startsWith("DBClusterNotFound")
        : e instanceof DbInstanceNotFoundException || code.startsWith("DBInstanceNotFound");
    if (notFound) {
      classified = ErrorClassification.notFound(code);
    } else if (e.isThrottlingException() || e.statusCode() >= 500 || INVALID_STATE.equals(code)
        || (cluster && INVALID_CLUSTER_STATE.equals(code))) {
      classified = ErrorClassification.transientError(code);
    } else {
      classified = ErrorClassification.permanent(code);
    }
    // The request id is for AWS support and operators, not for the platform's end users: the log
    // line keeps it, the code (the failure reason) does not.
    if (classified.kind() == ErrorClassification.Kind.PERMANENT) {
      log.warn("RDS error {} (HTTP {}, request id {}): permanent", code, e.statusCode(), e.requestId());
    } else {
      log.info("RDS error {} (HTTP {}, request id {}): {}", code, e.statusCode(), e.requestId(),
          classified.kind() == ErrorClassification.Kind.TRANSIENT ? "transient" : "not found");
    }
    return classified;
  }

  private static boolean hasIoCause(Throwable e) {
    for (Throwable t = e.getCause(); t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof IOException) {
        return true;
      }
    }
    return false;
  }

  /** The engine's view of an SDK description. */
  static RdsInstance toInstance(DBInstance db) {
    Map<String, String> tags = new LinkedHashMap<>();
    for (Tag tag : db.tagList()) {
      tags.put(tag.key(), tag.value() == null ? "" : tag.value());
    }
    List<RdsInstance.ParameterGroup> groups = new ArrayList<>();
    for (DBParameterGroupStatus g : db.dbParameterGroups()) {
      groups.add(new RdsInstance.ParameterGroup(String.valueOf(g.dbParameterGroupName()),
          String.valueOf(g.parameterApplyStatus())));
    }
    RdsInstance.Builder b = RdsInstance.builder(db.dbInstanceIdentifier())
        .arn(db.dbInstanceArn())
        .status(String.valueOf(db.dbInstanceStatus()))
        .pendingModifications(pendingNames(db.pendingModifiedValues()))
        .parameterGroups(groups)
        .engine(db.engine())
        .masterUsername(db.masterUsername())
        .allocatedStorageGib(db.allocatedStorage())
        .tags(tags)
        .detail(db);
    if (db.endpoint() != null && db.endpoint().address() != null) {
      b.endpoint(db.endpoint().address(), db.endpoint().port() == null ? 0 : db.endpoint().port());
    }
    return b.build();
  }

  /** The names of the fields RDS lists as pending; empty lists count as nothing pending. */
  static Set<String> pendingNames(SdkPojo pending) {
    if (pending == null) {
      return Set.of();
    }
    Set<String> names = new LinkedHashSet<>();
    for (SdkField<?> field : pending.sdkFields()) {
      Object value = field.getValueOrDefault(pending);
      if (value == null || (value instanceof Collection<?> c && c.isEmpty())) {
        continue;
      }
      names.add(field.locationName());
    }
    return Collections.unmodifiableSet(names);
  }
}
