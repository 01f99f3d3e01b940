package io.rdstagflow.spring.servicebroker;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyAdvice;

/**
 * Writes OSB's {@code Retry-After} header (whole seconds) and the 404 status that a
 * {@link TagflowLastOperationResponse} carries, just before SCOSB's answer is written: SCOSB builds
 * the response itself and has no hook for either. Any other body passes untouched.
 */
@ControllerAdvice
public class LastOperationResponseAdvice implements ResponseBodyAdvice<Object> {

  private static final Logger log = LoggerFactory.getLogger(LastOperationResponseAdvice.class);

  /** Registered by the auto-configuration on a servlet web application. */
  public LastOperationResponseAdvice() {
  }

  @Override
  public boolean supports(MethodParameter returnType, Class<? extends HttpMessageConverter<?>> converterType) {
    return true; // the body's type decides, in beforeBodyWrite
  }

  @Override
  public Object beforeBodyWrite(Object body, MethodParameter returnType, MediaType contentType,
      Class<? extends HttpMessageConverter<?>> converterType, ServerHttpRequest request, ServerHttpResponse response) {
    if (body instanceof TagflowLastOperationResponse answer) {
      answer.retryAfterSeconds().ifPresent(s -> response.getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(s)));
      if (answer.httpStatus() == HttpStatus.NOT_FOUND.value()) {
        response.setStatusCode(HttpStatus.NOT_FOUND);
        // The platform's question, not the broker's fault: one line, no stack trace.
        log.info("404: {}", answer.getDescription());
      }
    }
    return body;
  }
}
