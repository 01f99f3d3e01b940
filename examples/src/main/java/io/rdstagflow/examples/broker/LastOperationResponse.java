package io.rdstagflow.examples.broker;

import io.rdstagflow.core.OperationStatus;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.springframework.cloud.servicebroker.model.instance.GetLastServiceOperationResponse;
import org.springframework.cloud.servicebroker.model.instance.OperationState;

/**
 * A last_operation answer that also carries the engine's retry-after hint. Spring Cloud Open Service
 * Broker 4.1 has no field for OSB's {@code Retry-After} header, so the hint rides along here (not
 * serialized: it is not a JSON property) and {@link RetryAfterHeader} turns it into the header.
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
   * @param deletion whether the operation is a deletion: a deletion that succeeded is answered with
   *                 410 Gone, as OSB asks
   */
  public static LastOperationResponse of(OperationStatus status, boolean deletion) {
    OperationState state = switch (status.state()) {
      case IN_PROGRESS -> OperationState.IN_PROGRESS;
      case SUCCEEDED -> OperationState.SUCCEEDED;
      case FAILED -> OperationState.FAILED;
    };
    return new LastOperationResponse(state, status.description(), deletion, status.retryAfter().orElse(null));
  }

  /** When the platform should poll again, if the engine said. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  @Override
  public String toString() {
    return super.toString() + " retryAfter=" + Objects.toString(retryAfter, "none");
  }
}
