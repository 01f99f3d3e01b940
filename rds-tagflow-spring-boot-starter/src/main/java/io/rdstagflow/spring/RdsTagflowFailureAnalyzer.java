package io.rdstagflow.spring;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a {@link RdsTagflowConfigurationException} into Spring Boot's "APPLICATION FAILED TO START" report. */
public class RdsTagflowFailureAnalyzer extends AbstractFailureAnalyzer<RdsTagflowConfigurationException> {

  /** Registered in {@code META-INF/spring.factories}. */
  public RdsTagflowFailureAnalyzer() {
  }

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, RdsTagflowConfigurationException cause) {
    return new FailureAnalysis("rds-tagflow: " + cause.getMessage(), cause.action(), cause);
  }
}
