package io.rdstagflow.examples.broker;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.servicebroker.annotation.ServiceBrokerRestController;
import org.springframework.cloud.servicebroker.controller.ServiceBrokerWebMvcExceptionHandler;
import org.springframework.cloud.servicebroker.exception.ServiceBrokerException;
import org.springframework.cloud.servicebroker.exception.ServiceBrokerInvalidOriginatingIdentityException;
import org.springframework.cloud.servicebroker.model.error.ErrorMessage;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.BindingResult;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.bind.annotation.ResponseStatus;

/**
 * The broker's error answers: Spring Cloud Open Service Broker's status codes and bodies, with two
 * changes. A 4xx answer is the caller's mistake, so it is logged in one line at INFO (WARN for a
 * malformed request), never with a stack trace (the library logs those at ERROR with one); and a
 * last_operation poll of an instance that does not exist is answered 404, as OSB 2.16 asks.
 * Ahead of the library's own handler, which it extends.
 */
@ControllerAdvice(annotations = ServiceBrokerRestController.class)
@ResponseBody
@Order(Ordered.HIGHEST_PRECEDENCE)
public class OsbErrorAnswers extends ServiceBrokerWebMvcExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(OsbErrorAnswers.class);

  // Spring Cloud Open Service Broker's request properties whose JSON names differ.
  private static final Map<String, String> OSB_FIELD_NAMES = Map.of(
      "serviceDefinitionId", "service_id", "planId", "plan_id", "serviceInstanceId", "instance_id",
      "bindingId", "binding_id");

  @Override
  protected Logger getLog() {
    return log;
  }

  /** A 5xx is the broker's (or RDS's) trouble: ERROR, with the cause. */
  @Override
  @ExceptionHandler(ServiceBrokerException.class)
  @ResponseStatus(HttpStatus.INTERNAL_SERVER_ERROR)
  public ErrorMessage handleException(ServiceBrokerException e) {
    log.error("500: {}", e.getMessage(), e.getCause());
    return e.getErrorMessage();
  }

  @Override
  @ExceptionHandler(ServiceBrokerInvalidOriginatingIdentityException.class)
  @ResponseStatus(HttpStatus.UNPROCESSABLE_ENTITY)
  public ErrorMessage handleException(ServiceBrokerInvalidOriginatingIdentityException e) {
    log.warn("422: {}", e.getMessage());
    return e.getErrorMessage();
  }

  @Override
  @ExceptionHandler(MissingServletRequestParameterException.class)
  @ResponseStatus(HttpStatus.BAD_REQUEST)
  public ErrorMessage handleException(MissingServletRequestParameterException e) {
    log.warn("400: {}", e.getMessage());
    return getErrorResponse(e.getMessage());
  }

  @Override
  @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
  @ResponseStatus(HttpStatus.BAD_REQUEST)
  public ErrorMessage handleException(HttpMediaTypeNotSupportedException e) {
    log.warn("400: {}", e.getMessage());
    return getErrorResponse(e.getMessage());
  }

  @Override
  @ExceptionHandler(HttpMessageNotReadableException.class)
  @ResponseStatus(HttpStatus.BAD_REQUEST)
  public ErrorMessage handleException(HttpMessageNotReadableException e) {
    // The message can quote the body: log only that it did not parse.
    log.warn("400: the request body is not the JSON OSB asks for");
    return getErrorResponse("the request body is not the JSON OSB asks for");
  }

  /** Missing required fields (OSB: 400), named as OSB names them. */
  @Override
  protected ErrorMessage handleBindingException(Exception e, BindingResult result) {
    String fields = String.join(", ", result.getFieldErrors().stream()
        .map(f -> OSB_FIELD_NAMES.getOrDefault(f.getField(), f.getField())).toList());
    log.warn("400: missing required fields: {}", fields);
    return getErrorResponse("Missing required fields: " + fields);
  }

  /** Every other Spring Cloud Open Service Broker error (each 4xx): one INFO line. */
  @Override
  protected ErrorMessage getErrorResponse(ServiceBrokerException e) {
    log.info("{}: {}", e.getClass().getSimpleName(), e.getMessage());
    return e.getErrorMessage();
  }
}
