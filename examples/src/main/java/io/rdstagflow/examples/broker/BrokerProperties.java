package io.rdstagflow.examples.broker;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The broker's settings, under {@code rdstagflow.*}.
 *
 * @param backend        {@code fake} (default): the embedded fake RDS, with a lifecycle of seconds
 *                       and a demo snapshot {@value BrokerConfiguration#DEMO_SNAPSHOT}; {@code aws}:
 *                       a real {@code RdsClient} from the SDK's default chains (credentials, region,
 *                       endpoint from the environment)
 * @param passwordSeed   the secret seed of the passwords the broker derives (master and bound
 *                       users), base64, at least 16 bytes; required with {@code aws}, a fixed demo
 *                       seed on the fake. Never logged.
 * @param parameterGroup the DB parameter group every instance gets (it must exist on AWS; the fake
 *                       backend creates it)
 * @param settleTime     the engine's settle time; 30 s on AWS, 2 s on the fake
 * @param clockSkew      the engine's clock-skew allowance; 30 s on AWS, none on the fake (one clock)
 */
@ConfigurationProperties("rdstagflow")
public record BrokerProperties(
    Backend backend,
    String passwordSeed,
    String parameterGroup,
    Duration settleTime,
    Duration clockSkew) {

  /** Where the broker's RDS is. */
  public enum Backend {
    /** The test kit's in-memory fake RDS, in real time. */
    FAKE,
    /** Real AWS RDS. */
    AWS
  }

  /** Defaults for what is not set. */
  public BrokerProperties {
    backend = backend == null ? Backend.FAKE : backend;
    parameterGroup = parameterGroup == null ? "rdstagflow-example-postgres16" : parameterGroup;
    boolean fake = backend == Backend.FAKE;
    settleTime = settleTime != null ? settleTime : fake ? Duration.ofSeconds(2) : Duration.ofSeconds(30);
    clockSkew = clockSkew != null ? clockSkew : fake ? Duration.ZERO : Duration.ofSeconds(30);
  }

  /** Leaves the seed out: it is a secret. */
  @Override
  public String toString() {
    return "BrokerProperties[backend=" + backend + ", parameterGroup=" + parameterGroup + ", settleTime="
        + settleTime + ", clockSkew=" + clockSkew + ", passwordSeed=" + (passwordSeed == null ? "unset" : "(set)") + "]";
  }
}
