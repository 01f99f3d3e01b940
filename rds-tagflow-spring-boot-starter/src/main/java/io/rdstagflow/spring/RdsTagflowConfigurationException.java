package io.rdstagflow.spring;

import java.util.Objects;

/**
 * The application context lacks something rds-tagflow needs (an {@code RdsClient} bean, a
 * {@code Flow} bean) or a {@code rdstagflow.*} property is not usable. Spring Boot reports it at
 * start-up as a failure with the description and the action to take.
 */
public class RdsTagflowConfigurationException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  private final String action;

  /** What is wrong, and what to do about it. */
  public RdsTagflowConfigurationException(String description, String action) {
    this(description, action, null);
  }

  /** What is wrong, what to do about it, and the error behind it. */
  public RdsTagflowConfigurationException(String description, String action, Throwable cause) {
    super(Objects.requireNonNull(description, "description"), cause);
    this.action = Objects.requireNonNull(action, "action");
  }

  /** What to do about it. */
  public String action() {
    return action;
  }
}
