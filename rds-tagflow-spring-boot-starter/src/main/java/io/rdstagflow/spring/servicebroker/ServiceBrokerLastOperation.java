package io.rdstagflow.spring.servicebroker;

import io.rdstagflow.core.InvalidOperationTokenException;
import io.rdstagflow.core.RdsCallException;
import io.rdstagflow.spring.ObservedLastOperation;
import java.util.Objects;
import org.springframework.cloud.servicebroker.exception.ServiceBrokerException;
import org.springframework.cloud.servicebroker.exception.ServiceBrokerInvalidParametersException;
import org.springframework.cloud.servicebroker.model.instance.GetLastServiceOperationRequest;
import org.springframework.cloud.servicebroker.model.instance.GetLastServiceOperationResponse;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The {@code last_operation} answer for a Spring Cloud Open Service Broker, so that a
 * {@code ServiceInstanceService.getLastOperation} is one line:
 *
 * <pre>{@code
 * return lastOperation.answer(rdsId(request.getServiceInstanceId()), request.getOperation());
 * }</pre>
 *
 * <p>The poll runs on {@link Schedulers#boundedElastic()} (it blocks on RDS: one describe, maybe one
 * step). The response is a {@link TagflowLastOperationResponse}: OSB's state and description,
 * {@code instance_usable} and {@code update_repeatable} for a failed update where the engine knows
 * them, 410 Gone for a deletion that succeeded (SCOSB's {@code deleteOperation}), and, written by
 * {@link LastOperationResponseAdvice} on Spring MVC, 404 for an instance that does not exist and
 * the {@code Retry-After} header. A token that does not parse is SCOSB's 400
 * ({@link ServiceBrokerInvalidParametersException}), before any RDS call; an RDS call refused for
 * good is SCOSB's 500 ({@link ServiceBrokerException}, naming the call and the AWS error code,
 * nothing secret). Thread-safe.
 */
public final class ServiceBrokerLastOperation {

  private final ObservedLastOperation lastOperation;

  /** Over the starter's (observed) answer. */
  public ServiceBrokerLastOperation(ObservedLastOperation lastOperation) {
    this.lastOperation = Objects.requireNonNull(lastOperation, "lastOperation");
  }

  /**
   * The answer for the RDS instance {@code instanceId} (the broker's mapping of the service
   * instance id) and the {@code operation} as the platform sent it ({@code null} or empty allowed).
   */
  public Mono<GetLastServiceOperationResponse> answer(String instanceId, String operation) {
    Objects.requireNonNull(instanceId, "instanceId");
    return Mono.fromCallable(() -> respond(instanceId, operation)).subscribeOn(Schedulers.boundedElastic());
  }

  /** As {@link #answer(String, String)} for a broker whose RDS identifiers are the service instance ids. */
  public Mono<GetLastServiceOperationResponse> answer(GetLastServiceOperationRequest request) {
    return answer(request.getServiceInstanceId(), request.getOperation());
  }

  private GetLastServiceOperationResponse respond(String instanceId, String operation) {
    try {
      return TagflowLastOperationResponse.of(lastOperation.answer(instanceId, operation));
    } catch (InvalidOperationTokenException e) {
      throw new ServiceBrokerInvalidParametersException(e.getMessage());
    } catch (RdsCallException e) {
      throw new ServiceBrokerException(e.getMessage(), e);
    }
  }
}
