package io.rdstagflow.spring.servicebroker;

import io.rdstagflow.aws.osb.LastOperationAnswer;
import java.util.Objects;
import java.util.OptionalLong;
import org.springframework.cloud.servicebroker.model.instance.GetLastServiceOperationResponse;
import org.springframework.cloud.servicebroker.model.instance.OperationState;

/**
 * SCOSB's {@code last_operation} response with what SCOSB 4.1 has no field for: the
 * {@code Retry-After} seconds and a 404. Neither is serialized (they are not JSON properties);
 * {@link LastOperationResponseAdvice} writes the header and the status. {@code deleteOperation} is
 * set for a deletion that has succeeded, so SCOSB itself answers 410 Gone.
 */
public final class TagflowLastOperationResponse extends GetLastServiceOperationResponse {

  private final LastOperationAnswer answer;

  private TagflowLastOperationResponse(LastOperationAnswer answer) {
    super(state(answer), answer.description(), answer.instanceUsable().orElse(null),
        answer.updateRepeatable().orElse(null), answer.isGone());
    this.answer = answer;
  }

  /** The SCOSB response for this answer. */
  public static TagflowLastOperationResponse of(LastOperationAnswer answer) {
    return new TagflowLastOperationResponse(Objects.requireNonNull(answer, "answer"));
  }

  /** The framework-free answer it was made from. */
  public LastOperationAnswer answer() {
    return answer;
  }

  /** OSB's {@code Retry-After} in whole seconds, when the engine has a hint. */
  public OptionalLong retryAfterSeconds() {
    return answer.retryAfterSeconds();
  }

  /** The HTTP status OSB asks for: 200, 404 or 410. */
  public int httpStatus() {
    return answer.httpStatus();
  }

  private static OperationState state(LastOperationAnswer answer) {
    return switch (answer.status().state()) {
      case IN_PROGRESS -> OperationState.IN_PROGRESS;
      case SUCCEEDED -> OperationState.SUCCEEDED;
      case FAILED -> OperationState.FAILED;
    };
  }

  @Override
  public String toString() {
    return super.toString() + " httpStatus=" + httpStatus() + " retryAfterSeconds=" + retryAfterSeconds();
  }
}
