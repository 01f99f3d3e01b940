package io.rdstagflow.spring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The engine's settings under {@code rdstagflow.*}, with the engine's own defaults (see
 * {@code TagStateMachine.Builder}). Settings made in code with an {@link RdsTagflowCustomizer} are
 * applied after these and win.
 */
@ConfigurationProperties(prefix = RdsTagflowProperties.PREFIX)
public class RdsTagflowProperties {

  /** The properties' prefix. */
  public static final String PREFIX = "rdstagflow";

  /** Whether to auto-configure rds-tagflow at all. */
  private boolean enabled = true;

  /** The prefix of every tag key the engine writes; it must end in a separator (: / . - _ = + @). */
  private String tagPrefix = "tagflow:";

  /**
   * How long after a step's asynchronous RDS operation was accepted the instance must have been
   * settled before the step may count as complete.
   */
  private Duration settleTime = Duration.ofSeconds(30);

  /** How long one poll may go on running steps that finish at once before it answers. */
  private Duration pollBudget = Duration.ofSeconds(20);

  /**
   * The allowance for the clocks of other broker hosts, added to settle times, deadlines and
   * other owners' leases.
   */
  private Duration clockSkew = Duration.ofSeconds(30);

  /** The Retry-After hint of a poll that met a transient RDS error. */
  private Duration transientRetryAfter = Duration.ofSeconds(30);

  /**
   * This broker process's id in lease tags: 1 to 40 characters of [A-Za-z0-9-], unique per
   * process. Random when unset.
   */
  private String ownerId;

  /**
   * When set, a step is claimed with a lease tag of this length before it runs (rarer double
   * execution by replicas for two more RDS calls); unset, steps are not claimed.
   */
  private Duration claimLease;

  /** This engine's share of the account's RDS API rate (about 12 calls a second for everyone). */
  private final ApiBudget apiBudget = new ApiBudget();

  /**
   * How long a poll's describe waits for other polls to share one DescribeDBInstances (up to 100
   * instances a call); 0 (the default) describes each poll on its own. About 1s for a fleet.
   */
  private Duration coalescingWindow = Duration.ZERO;

  /** Additions to the engine's instance status policy. */
  private final StatusPolicy statusPolicy = new StatusPolicy();

  /** The OSB last_operation answer. */
  private final Osb osb = new Osb();

  /** Micrometer, when the application has a MeterRegistry. */
  private final Metrics metrics = new Metrics();

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public String getTagPrefix() {
    return tagPrefix;
  }

  public void setTagPrefix(String tagPrefix) {
    this.tagPrefix = tagPrefix;
  }

  public Duration getSettleTime() {
    return settleTime;
  }

  public void setSettleTime(Duration settleTime) {
    this.settleTime = settleTime;
  }

  public Duration getPollBudget() {
    return pollBudget;
  }

  public void setPollBudget(Duration pollBudget) {
    this.pollBudget = pollBudget;
  }

  public Duration getClockSkew() {
    return clockSkew;
  }

  public void setClockSkew(Duration clockSkew) {
    this.clockSkew = clockSkew;
  }

  public Duration getTransientRetryAfter() {
    return transientRetryAfter;
  }

  public void setTransientRetryAfter(Duration transientRetryAfter) {
    this.transientRetryAfter = transientRetryAfter;
  }

  public String getOwnerId() {
    return ownerId;
  }

  public void setOwnerId(String ownerId) {
    this.ownerId = ownerId;
  }

  public Duration getClaimLease() {
    return claimLease;
  }

  public void setClaimLease(Duration claimLease) {
    this.claimLease = claimLease;
  }

  public ApiBudget getApiBudget() {
    return apiBudget;
  }

  public Duration getCoalescingWindow() {
    return coalescingWindow;
  }

  public void setCoalescingWindow(Duration coalescingWindow) {
    this.coalescingWindow = coalescingWindow;
  }

  public StatusPolicy getStatusPolicy() {
    return statusPolicy;
  }

  public Osb getOsb() {
    return osb;
  }

  public Metrics getMetrics() {
    return metrics;
  }

  /** The engine's API budget: a token bucket every call of the engine draws on. */
  public static class ApiBudget {

    /** Calls a second, sustained; with several replicas, each replica's share (8 / replicas, say). */
    private double rate = io.rdstagflow.core.TagStateMachine.DEFAULT_API_RATE;

    /** Calls in a burst. */
    private int burst = io.rdstagflow.core.TagStateMachine.DEFAULT_API_BURST;

    public double getRate() {
      return rate;
    }

    public void setRate(double rate) {
      this.rate = rate;
    }

    public int getBurst() {
      return burst;
    }

    public void setBurst(int burst) {
      this.burst = burst;
    }
  }

  /** Statuses added to the engine's default status policy ({@code io.rdstagflow.core.StatusPolicy}). */
  public static class StatusPolicy {

    /** More instance statuses that fail an operation, naming the status. */
    private List<String> broken = new ArrayList<>();

    /** Statuses counted as busy (wait) instead of broken, e.g. storage-full for a broker that repairs it. */
    private List<String> busy = new ArrayList<>();

    /** More statuses on which steps may run, as on available. */
    private List<String> usable = new ArrayList<>();

    public List<String> getBroken() {
      return broken;
    }

    public void setBroken(List<String> broken) {
      this.broken = broken;
    }

    public List<String> getBusy() {
      return busy;
    }

    public void setBusy(List<String> busy) {
      this.busy = busy;
    }

    public List<String> getUsable() {
      return usable;
    }

    public void setUsable(List<String> usable) {
      this.usable = usable;
    }
  }

  /** How the OSB last_operation answer reads operations. */
  public static class Osb {

    /**
     * The flows the broker begins for OSB updates: a failure of one carries OSB 2.16's
     * instance_usable and update_repeatable where the engine knows them.
     */
    private List<String> updateFlows = new ArrayList<>(List.of("update-plan"));

    public List<String> getUpdateFlows() {
      return updateFlows;
    }

    public void setUpdateFlows(List<String> updateFlows) {
      this.updateFlows = updateFlows;
    }
  }

  /** Micrometer meters. */
  public static class Metrics {

    /**
     * Whether to meter every call on the application's RdsClient beans (rdstagflow.rds.calls by
     * action and outcome, rdstagflow.rds.throttles); the beans are then proxies over their interfaces.
     */
    private boolean rdsCalls = true;

    public boolean isRdsCalls() {
      return rdsCalls;
    }

    public void setRdsCalls(boolean rdsCalls) {
      this.rdsCalls = rdsCalls;
    }
  }
}
