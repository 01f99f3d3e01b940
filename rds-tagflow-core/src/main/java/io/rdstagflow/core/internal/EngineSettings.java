package io.rdstagflow.core.internal;

import io.rdstagflow.core.ClaimPolicy;
import io.rdstagflow.core.Flow;
import io.rdstagflow.core.FlowListener;
import io.rdstagflow.core.spi.RdsGateway;
import io.rdstagflow.core.StatusPolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * Everything an engine is configured with, checked and immutable.
 *
 * @param gateway             the port to RDS
 * @param flows               the registered flows by name
 * @param clock               the clock
 * @param codec               the tag codec for the prefix
 * @param settleTime          how long a started step waits after its start before it can complete
 * @param pollBudget          how long one poll may go on running {@code done} steps
 * @param clockSkew           the allowance for other hosts' clocks
 * @param transientRetryAfter the retry hint after a transient RDS error
 * @param claimPolicy         whether steps are claimed with a lease
 * @param ownerId             this engine's owner id in lease tags
 * @param statusPolicy        which statuses fail an operation
 * @param listener            the event listener
 */
public record EngineSettings(
    RdsGateway gateway,
    Map<String, Flow> flows,
    Clock clock,
    TagCodec codec,
    Duration settleTime,
    Duration pollBudget,
    Duration clockSkew,
    Duration transientRetryAfter,
    ClaimPolicy claimPolicy,
    String ownerId,
    StatusPolicy statusPolicy,
    FlowListener listener) {

  /** Copies the flows. */
  public EngineSettings {
    flows = Map.copyOf(flows);
  }
}
