package io.rdstagflow.core.spi;

import io.rdstagflow.core.RdsInstance;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The engine's port to RDS: describe one instance, write and remove its tags, and say what kind of
 * failure an exception is. The AWS module implements it over the SDK's {@code RdsClient}; tests use
 * an in-memory one.
 *
 * <p>Implementations must be thread-safe: one engine may poll many instances at once. They must
 * not cache: every {@link #describe} is one fresh call, because the engine's state lives in the
 * tags it returns.
 */
public interface RdsGateway {

  /**
   * Describes one instance with its tags, in one call.
   *
   * @return the instance, or empty if RDS says it does not exist
   * @throws RuntimeException any failure of the call; the engine passes it to {@link #classify}
   */
  Optional<RdsInstance> describe(String instanceId);

  /** How many instances {@link #describeAll} takes at most: RDS's limit for one filter and one page. */
  int MAX_BATCH = 100;

  /**
   * Describes up to {@link #MAX_BATCH} instances with their tags, in one call where the
   * implementation can (the aws module's gateway sends one DescribeDBInstances with the
   * {@code db-instance-id} filter). The engine uses it to coalesce the describes of polls that
   * arrive together; an instance missing from the answer is treated as a single describe's
   * not-found. The default describes them one by one.
   *
   * @return the instances that exist, in any order
   * @throws RuntimeException any failure of the call; the engine passes it to {@link #classify}
   */
  default List<RdsInstance> describeAll(Collection<String> instanceIds) {
    List<RdsInstance> found = new ArrayList<>(instanceIds.size());
    for (String id : instanceIds) {
      describe(id).ifPresent(found::add);
    }
    return found;
  }

  /**
   * Adds tags to the instance, overwriting the values of keys it already has; one call.
   *
   * @throws RuntimeException any failure of the call; the engine passes it to {@link #classify}
   */
  void addTags(RdsInstance instance, Map<String, String> tags);

  /**
   * Removes the tags with these keys from the instance; one call. Keys it does not have are
   * ignored.
   *
   * @throws RuntimeException any failure of the call; the engine passes it to {@link #classify}
   */
  void removeTags(RdsInstance instance, Collection<String> keys);

  /**
   * Says what kind of failure an exception is: one thrown by this gateway, or one that a step's own
   * RDS calls threw. The engine never reads an exception's message: a failure reason comes from
   * {@link ErrorClassification#code()} alone, so no secret a message may echo reaches a tag or a
   * log line.
   */
  ErrorClassification classify(Throwable error);
}
