package io.rdstagflow.spring.micrometer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.rdstagflow.spring.RdsTagflowAutoConfiguration;
import io.rdstagflow.spring.RdsTagflowObservations;
import io.rdstagflow.spring.RdsTagflowProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import software.amazon.awssdk.services.rds.RdsClient;

/**
 * Micrometer for rds-tagflow, when the application has a {@link MeterRegistry} (Spring Boot's, with
 * actuator): the engine's events as meters ({@link RdsTagflowMetrics}, heard as one more
 * {@code FlowListener}), the application's {@code RdsClient} beans metered ({@link MeteredRdsClient};
 * off with {@code rdstagflow.metrics.rds-calls=false}), and the starter's observations on the
 * application's {@link ObservationRegistry}, or, without one, on a registry of the starter's own
 * that makes timers of them in the meter registry.
 */
@AutoConfiguration(before = RdsTagflowAutoConfiguration.class, afterName = {
    "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.actuate.autoconfigure.observation.ObservationAutoConfiguration"})
@ConditionalOnClass({MeterRegistry.class, RdsClient.class})
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnProperty(prefix = RdsTagflowProperties.PREFIX, name = "enabled", matchIfMissing = true)
public class RdsTagflowMetricsAutoConfiguration {

  /** Created by Spring Boot. */
  public RdsTagflowMetricsAutoConfiguration() {
  }

  /** The engine's events as meters. */
  @Bean
  @ConditionalOnMissingBean
  public RdsTagflowMetrics rdsTagflowMetrics(MeterRegistry registry) {
    return new RdsTagflowMetrics(registry);
  }

  /** The engine's API budget as meters. */
  @Bean
  @ConditionalOnMissingBean
  public ApiBudgetMeters rdsTagflowApiBudgetMeters(MeterRegistry registry,
      ObjectProvider<io.rdstagflow.core.TagStateMachine> engine) {
    return new ApiBudgetMeters(registry, engine);
  }

  /** Observations where the application has them, else timers of them in the meter registry. */
  @Bean
  @ConditionalOnMissingBean
  public RdsTagflowObservations rdsTagflowObservations(ObjectProvider<ObservationRegistry> observations,
      MeterRegistry meters) {
    ObservationRegistry registry = observations.getIfUnique();
    if (registry == null || registry.isNoop()) {
      registry = ObservationRegistry.create();
      registry.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
    }
    return new RdsTagflowObservations(registry, true);
  }

  /** Meters every call on the application's {@code RdsClient} beans. */
  @Bean
  @ConditionalOnProperty(prefix = RdsTagflowProperties.PREFIX, name = "metrics.rds-calls", matchIfMissing = true)
  public static BeanPostProcessor rdsTagflowRdsClientMetrics(ObjectProvider<MeterRegistry> meters) {
    return new BeanPostProcessor() {
      @Override
      public Object postProcessAfterInitialization(Object bean, String beanName) {
        return bean instanceof RdsClient client ? MeteredRdsClient.wrap(client, meters::getIfUnique) : bean;
      }
    };
  }
}
