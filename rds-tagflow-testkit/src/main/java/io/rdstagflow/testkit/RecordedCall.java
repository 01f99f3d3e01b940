package io.rdstagflow.testkit;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.core.SdkRequest;

/**
 * One call the {@link FakeRds} received, as it was received: what a test asserts on instead of
 * call-by-call mock expectations.
 *
 * <p>Immutable and thread-safe. {@link #request()} is the SDK request object itself, so a test
 * can read every field it sent; {@link #toString()} renders it through the SDK's own
 * {@code toString()}, which replaces fields the RDS model marks sensitive (such as
 * {@code MasterUserPassword}) with a redaction marker, so a printed call log carries no secret.
 *
 * @param sequence   the call's number in the fake's log, from 1, in the order the fake handled
 *                   the calls
 * @param operation  the RDS operation name, e.g. {@code DescribeDBInstances}
 * @param instanceId the DB instance the call names (lower-cased, as RDS stores identifiers),
 *                   when it names one: the instance identifier, the target of a restore, or the
 *                   instance of a tag ARN
 * @param request    the request as sent; {@code null} only for a refused call that had none
 * @param at         the fake's clock when the call arrived
 * @param errorCode  the AWS error code the call failed with, or {@code UnsupportedByFake} for a
 *                   refused operation or request field; empty when it succeeded
 * @param ignoredFields the request fields the fake ignored because the test opted in with
 *                   {@link FakeRds.Builder#ignoring(String, String)}, in request order; empty
 *                   otherwise
 * @param latency    how long the call would have taken against RDS, drawn from the fake's
 *                   {@link FakeRds.Builder#latency(LatencyModel) latency model} (the thread was
 *                   not held up: nothing sleeps); {@link Duration#ZERO} without a model and for a
 *                   call refused as unsupported
 */
public record RecordedCall(
    long sequence,
    String operation,
    Optional<String> instanceId,
    SdkRequest request,
    Instant at,
    Optional<String> errorCode,
    List<String> ignoredFields,
    Duration latency) {

  /** Operations that change something in RDS; every other supported operation only reads. */
  public static final Set<String> WRITE_OPERATIONS = Set.of(
      "RestoreDBInstanceFromDBSnapshot",
      "RestoreDBInstanceToPointInTime",
      "CreateDBInstance",
      "ModifyDBInstance",
      "RebootDBInstance",
      "DeleteDBInstance",
      "AddTagsToResource",
      "RemoveTagsFromResource",
      "CreateDBSnapshot",
      "CreateDBParameterGroup");

  /**
   * @throws NullPointerException     if an argument other than {@code request} is {@code null}
   * @throws IllegalArgumentException if {@code latency} is negative
   */
  public RecordedCall {
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(errorCode, "errorCode");
    ignoredFields = List.copyOf(ignoredFields);
    Objects.requireNonNull(latency, "latency");
    if (latency.isNegative()) {
      throw new IllegalArgumentException("latency must not be negative: " + latency);
    }
  }

  /**
   * A call without a simulated latency ({@link Duration#ZERO}).
   *
   * @throws NullPointerException if an argument other than {@code request} is {@code null}
   */
  public RecordedCall(long sequence, String operation, Optional<String> instanceId,
      SdkRequest request, Instant at, Optional<String> errorCode, List<String> ignoredFields) {
    this(sequence, operation, instanceId, request, at, errorCode, ignoredFields, Duration.ZERO);
  }

  /**
   * A call with no ignored field.
   *
   * @throws NullPointerException if an argument other than {@code request} is {@code null}
   */
  public RecordedCall(long sequence, String operation, Optional<String> instanceId,
      SdkRequest request, Instant at, Optional<String> errorCode) {
    this(sequence, operation, instanceId, request, at, errorCode, List.of(), Duration.ZERO);
  }

  /** {@code true} when the call threw (an AWS error, an injected fault or a refusal). */
  public boolean threw() {
    return errorCode.isPresent();
  }

  /** {@code true} for an operation in {@link #WRITE_OPERATIONS}, whether or not it succeeded. */
  public boolean isWrite() {
    return WRITE_OPERATIONS.contains(operation);
  }

  /**
   * One line: number, time, operation, instance, outcome, the simulated latency when there is
   * one, the fields ignored and the request as the SDK prints it (sensitive fields redacted by
   * the SDK).
   */
  @Override
  public String toString() {
    return "#" + sequence + " " + at + " " + operation
        + instanceId.map(id -> " [" + id + "]").orElse("")
        + " -> " + errorCode.map(c -> "threw " + c).orElse("ok")
        + (latency.isZero() ? "" : " in " + latency.toMillis() + " ms")
        + (ignoredFields.isEmpty() ? "" : " ignoring " + ignoredFields)
        + (request == null ? "" : " " + request);
  }
}
