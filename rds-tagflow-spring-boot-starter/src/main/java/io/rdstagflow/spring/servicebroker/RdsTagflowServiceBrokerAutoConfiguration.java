package io.rdstagflow.spring.servicebroker;

import io.rdstagflow.spring.ObservedLastOperation;
import io.rdstagflow.spring.RdsTagflowAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.cloud.servicebroker.model.instance.GetLastServiceOperationResponse;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyAdvice;
import reactor.core.publisher.Mono;

/**
 * With Spring Cloud Open Service Broker on the class path: the {@link ServiceBrokerLastOperation}
 * bean and, on a servlet web application, the {@link LastOperationResponseAdvice} that writes
 * {@code Retry-After} and 404.
 */
@AutoConfiguration(after = RdsTagflowAutoConfiguration.class)
@ConditionalOnClass({GetLastServiceOperationResponse.class, Mono.class})
@ConditionalOnBean(ObservedLastOperation.class)
public class RdsTagflowServiceBrokerAutoConfiguration {

  /** Created by Spring Boot. */
  public RdsTagflowServiceBrokerAutoConfiguration() {
  }

  /** The one-line last_operation answer. */
  @Bean
  @ConditionalOnMissingBean
  public ServiceBrokerLastOperation serviceBrokerLastOperation(ObservedLastOperation lastOperation) {
    return new ServiceBrokerLastOperation(lastOperation);
  }

  /** Spring MVC: the header and the status SCOSB cannot set. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnClass(ResponseBodyAdvice.class)
  static class WebMvc {

    @Bean
    @ConditionalOnMissingBean
    LastOperationResponseAdvice rdsTagflowLastOperationResponseAdvice() {
      return new LastOperationResponseAdvice();
    }
  }
}
