package io.rdstagflow.examples.broker;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * An example Open Service Broker for RDS PostgreSQL on Spring Cloud Open Service Broker, with every
 * multi-step operation kept in the instance's tags by rds-tagflow. It runs on the embedded fake RDS
 * by default (a real-time clock, lifecycle in seconds) and on real AWS with
 * {@code rdstagflow.backend=aws}; see {@link BrokerProperties}.
 */
@SpringBootApplication
@EnableConfigurationProperties({BrokerProperties.class, OsbProperties.class})
public class BrokerApplication {

  /** Starts the broker. */
  public static void main(String[] args) {
    SpringApplication.run(BrokerApplication.class, args);
  }
}
