package io.rdstagflow.examples.broker;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The broker's side of OSB, under {@code broker.*}: who it is and whom it answers.
 *
 * @param name     this broker's name, written in the {@value OwnerTags#BROKER} tag of every
 *                 instance it provisions, so that it restores only snapshots of its own instances;
 *                 two brokers in one AWS account need two names. Default
 *                 {@value #DEFAULT_NAME}.
 * @param username the user the platform authenticates as (HTTP basic); required
 * @param password its password, plain or in Spring Security's {@code {id}encoded} form (for
 *                 example {@code {bcrypt}$2a$...}); required. Never logged.
 */
@ConfigurationProperties("broker")
public record OsbProperties(String name, String username, String password) {

  /** The broker name when none is set. */
  public static final String DEFAULT_NAME = "rds-tagflow-example-broker";

  /** Defaults for what is not set. */
  public OsbProperties {
    name = name == null || name.isBlank() ? DEFAULT_NAME : name;
  }

  /** Leaves the password out: it is a secret. */
  @Override
  public String toString() {
    return "OsbProperties[name=" + name + ", username=" + username + ", password="
        + (password == null ? "unset" : "(set)") + "]";
  }
}
