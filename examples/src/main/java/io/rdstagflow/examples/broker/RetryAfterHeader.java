package io.rdstagflow.examples.broker;

import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyAdvice;

/**
 * Sets OSB's {@code Retry-After} header (in whole seconds, rounded up) on last_operation answers
 * that carry one ({@link LastOperationResponse}: every in-progress answer). Spring Cloud Open Service Broker builds the
 * response itself and has no hook for headers; a body advice sees the answer just before it is
 * written, whatever controller produced it.
 */
@ControllerAdvice
public class RetryAfterHeader implements ResponseBodyAdvice<Object> {

  @Override
  public boolean supports(MethodParameter returnType, Class<? extends HttpMessageConverter<?>> converterType) {
    return true; // the body's type decides, in beforeBodyWrite
  }

  @Override
  public Object beforeBodyWrite(Object body, MethodParameter returnType, MediaType contentType,
      Class<? extends HttpMessageConverter<?>> converterType, ServerHttpRequest request, ServerHttpResponse response) {
    if (body instanceof LastOperationResponse answer) {
      answer.retryAfterHeader().ifPresent(seconds -> response.getHeaders().set(HttpHeaders.RETRY_AFTER, seconds));
    }
    return body;
  }
}
