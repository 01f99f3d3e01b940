/**
 * rds-tagflow for Spring Boot: {@link io.rdstagflow.spring.RdsTagflowAutoConfiguration} builds the
 * engine, gateway and starter from the application's {@code RdsClient} and {@code Flow} beans, with
 * settings from {@code rdstagflow.*} ({@link io.rdstagflow.spring.RdsTagflowProperties}) and
 * {@link io.rdstagflow.spring.RdsTagflowCustomizer} beans, and offers the OSB {@code last_operation}
 * answer observed ({@link io.rdstagflow.spring.ObservedLastOperation}). Micrometer meters are in
 * {@code io.rdstagflow.spring.micrometer}, the Spring Cloud Open Service Broker answer in
 * {@code io.rdstagflow.spring.servicebroker}.
 */
package io.rdstagflow.spring;
