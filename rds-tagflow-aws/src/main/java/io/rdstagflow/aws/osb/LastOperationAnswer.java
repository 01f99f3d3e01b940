package io.rdstagflow.aws.osb;

import io.rdstagflow.core.OperationStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Everything the HTTP answer to one OSB {@code last_operation} request needs: the status code,
 * the body's fields and the {@code Retry-After} header.
 *
 * <p>Immutable and thread-safe; holds nothing secret (descriptions are built from statuses, step
 * names and error codes).
 *
 * @param status            the engine's answer, from which {@link #state()} and {@link #description()} come
 * @param httpStatus        200; 410 Gone for a deletion that has succeeded (the platform forgets the
 *                          instance); 404 Not Found for an instance that does not exist, polled
 *                          without a deletion's token (once the grace for a new instance that a
 *                          describe does not list yet has passed)
 * @param retryAfterSeconds OSB's {@code Retry-After} header in whole seconds (the engine's hint
 *                          rounded up, at least 1), when the engine has one
 * @param instanceUsable    OSB 2.16's {@code instance_usable}, for a failed update when the engine
 *                          knows it; absent otherwise (OSB: not present for other operations)
 * @param updateRepeatable  OSB 2.16's {@code update_repeatable}, likewise
 */
public record LastOperationAnswer(
    OperationStatus status,
    int httpStatus,
    OptionalLong retryAfterSeconds,
    Optional<Boolean> instanceUsable,
    Optional<Boolean> updateRepeatable) {

  /** 200 OK. */
  public static final int OK = 200;
  /** 404 Not Found. */
  public static final int NOT_FOUND = 404;
  /** 410 Gone. */
  public static final int GONE = 410;

  /** @throws NullPointerException if an argument is {@code null} */
  public LastOperationAnswer {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(retryAfterSeconds, "retryAfterSeconds");
    Objects.requireNonNull(instanceUsable, "instanceUsable");
    Objects.requireNonNull(updateRepeatable, "updateRepeatable");
  }

  /** The body's {@code state}: {@code in progress}, {@code succeeded} or {@code failed}. */
  public String state() {
    return status.state().osbValue();
  }

  /** The body's {@code description}. */
  public String description() {
    return status.description();
  }

  /** {@code true} for 410 Gone: a deletion that has succeeded. */
  public boolean isGone() {
    return httpStatus == GONE;
  }

  /** {@code true} for 404 Not Found: the instance does not exist. */
  public boolean isNotFound() {
    return httpStatus == NOT_FOUND;
  }

  /**
   * The JSON body's fields by their OSB names, in OSB's order: {@code state},
   * {@code description}, and {@code instance_usable} / {@code update_repeatable} when present.
   */
  public Map<String, Object> body() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("state", state());
    body.put("description", description());
    instanceUsable.ifPresent(v -> body.put("instance_usable", v));
    updateRepeatable.ifPresent(v -> body.put("update_repeatable", v));
    return body;
  }
}
