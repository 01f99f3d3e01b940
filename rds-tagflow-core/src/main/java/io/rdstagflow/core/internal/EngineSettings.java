package io.rdstagflow.core.internal;

import io.rdstagflow.core.ApiBudget;
import io.rdstagflow.core.ClaimPolicy;
import io.rdstagflow.core.FlowListener;
import io.rdstagflow.core.Sleeper;
import io.rdstagflow.core.StatusPolicy;
import io.rdstagflow.core.spi.RdsGateway;
import java.time.Clock;
import java.time.Duration;

/**
 * Everything an engine is configured with, checked and immutable.
 *
 * @param gateway             the port to RDS
 * @param flows               the registered flow definitions
 * @param clock               the clock
 * @param sleeper             how a poll pauses between retries of an important tag write
 * @param codec               the tag codec for the prefix
 * @param settleTime          how long a started step waits after its start before it can complete
 * @param pollBudget          how long one poll may go on running {@code done} steps
 * @param clockSkew           the allowance for other hosts' clocks
 * @param transientRetryAfter the retry hint after a transient RDS error
 * @param claimPolicy         whether steps are claimed with a lease
 * @param ownerId             this engine's owner id in lease tags
 * @param statusPolicy        which statuses fail an operation and which let steps run
 * @param listener            the event listener
 * @param budget              the engine's share of the account's RDS API rate
 * @param coalescingWindow    how long a poll's describe waits for others to share its call; zero: no
 *                            coalescing
 */
public record EngineSettings(
    RdsGateway gateway,
    FlowRegistry flows,
    Clock clock,
    Sleeper sleeper,
    TagCodec codec,
    Duration settleTime,
    Duration pollBudget,
    Duration clockSkew,
    Duration transientRetryAfter,
    ClaimPolicy claimPolicy,
    String ownerId,
    StatusPolicy statusPolicy,
    FlowListener listener,
    ApiBudget budget,
    Duration coalescingWindow) {

  /** How long after an operation began a describe that does not show it may be lag, not loss. */
  public static final Duration NOT_VISIBLE_GRACE = Duration.ofMinutes(5);

  /** How long an operation of a flow definition this engine does not know waits for a replica that does. */
  public static final Duration UNKNOWN_FLOW_WAIT = Duration.ofDays(1);
}
