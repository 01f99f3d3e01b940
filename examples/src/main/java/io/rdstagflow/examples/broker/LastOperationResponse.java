package io.rdstagflow.examples.broker;

import io.rdstagflow.core.OperationStatus;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.springframework.cloud.servicebroker.model.instance.GetLastServiceOperationResponse;
import org.springframework.cloud.servicebroker.model.instance.OperationState;

/**
 * A last_operation answer that also carries when to poll again. Spring Cloud Open Service Broker
 * 4.1 has no field for OSB's {@code Retry-After} header, so the hint rides along here (not
 * serialized: it is not a JSON property) and {@link RetryAfterHeader} turns it into the header.
 * The other OSB answers of a poll are exceptions: {@link ServiceInstanceNotFoundException} (404) and,
 * through Spring Cloud Open Service Broker, a succeeded deletion's 410 Gone.
 */
public final class LastOperationResponse extends GetLastServiceOperationResponse {

  private final Duration retryAfter;

  private LastOperationResponse(OperationState state, String description, boolean deleteOperation,
      Duration retryAfter) {
    // instance_usable and update_repeatable stay unset (left out of the JSON): OSB's defaults apply.
    super(state, description, null, null, deleteOperation);
    this.retryAfter = retryAfter;
  }

  /**
   * The OSB answer for an engine's status.
   *
   * @param deletion          whether the operation is a deletion: a deletion that succeeded is
   *                          answered with 410 Gone, as OSB asks
   * @param defaultRetryAfter when to poll again while the operation is in progress, if the engine
   *                          gave no hint: every in-progress answer carries {@code Retry-After}
   */
  public static LastOperationResponse of(OperationStatus status, boolean deletion, Duration defaultRetryAfter) {
    OperationState state = switch (status.state()) {
      case IN_PROGRESS -> OperationState.IN_PROGRESS;
      case SUCCEEDED -> OperationState.SUCCEEDED;
      case FAILED -> OperationState.FAILED;
    };
    Duration retryAfter = status.isFinal() ? status.retryAfter().orElse(null)
        : status.retryAfter().orElse(Objects.requireNonNull(defaultRetryAfter, "defaultRetryAfter"));
    return new LastOperationResponse(state, status.description(), deletion, retryAfter);
  }

  /** When the platform should poll again, if the answer says. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  /** {@link #retryAfter()} as OSB's header value: whole seconds, rounded up, at least 1. */
  public Optional<String> retryAfterHeader() {
    return retryAfter().map(after -> {
      long seconds = after.getSeconds() + (after.getNano() > 0 ? 1 : 0);
      return Long.toString(Math.max(1, seconds));
    });
  }

  @Override
  public String toString() {
    return super.toString() + " retryAfter=" + Objects.toString(retryAfter, "none");
  }
}
