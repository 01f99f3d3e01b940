/**
 * Micrometer meters for rds-tagflow, switched on when the application has a {@code MeterRegistry}:
 * {@link io.rdstagflow.spring.micrometer.RdsTagflowMetrics} lists them. Every tag is of low
 * cardinality (flow, step, outcome, RDS action); an instance id is never a tag.
 */
package io.rdstagflow.spring.micrometer;
