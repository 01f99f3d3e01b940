package io.rdstagflow.core;

import io.rdstagflow.core.spi.RdsGateway;
import io.rdstagflow.core.internal.Engine;
import io.rdstagflow.core.internal.EngineSettings;
import io.rdstagflow.core.internal.TagCodec;
import io.rdstagflow.core.internal.TagRules;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The engine: runs multi-step {@link Flow flows} on RDS instances with all of their state in the
 * instances' tags, advanced one {@link #poll poll} at a time from a broker's LastOperation
 * endpoint.
 *
 * <p>A broker begins a flow either with the tags of {@link #startTags} passed in its create or
 * restore request, or with {@link #begin} on an existing instance, returns the
 * {@link OperationToken} as OSB's {@code operation}, and answers each LastOperation request with
 * {@link #poll(String, OperationToken)}. A poll describes the instance once; runs the steps that
 * are due when the instance has settled, chaining {@code done} steps within the poll time budget;
 * and records what it learned in at most one tag write (plus one removal when the flow ends). The
 * tags are documented in {@code docs/tag-format.md}.
 *
 * <p>Nothing is kept between polls: a new engine with the same flows, in this process or another,
 * picks up every flow where its tags say it stands. Several engines may poll the same instance;
 * see {@link Step} for the contract that makes that safe, and {@link ClaimPolicy} for making
 * repeats rarer.
 *
 * <p>Thread-safe. Build one with {@link #builder(RdsGateway)} and share it.
 */
public final class TagStateMachine {

  /** The default prefix of every tag key the engine writes. */
  public static final String DEFAULT_TAG_PREFIX = "tagflow:";

  private final Engine engine;

  private TagStateMachine(Engine engine) {
    this.engine = engine;
  }

  /** A builder for an engine that reaches RDS through this gateway. */
  public static Builder builder(RdsGateway gateway) {
    return new Builder(gateway);
  }

  /**
   * The tags that begin a flow on an instance about to be created or restored, to be passed in that
   * request's own tags, and the operation token. Nothing is called; the first poll finds the flow
   * in the new instance's tags.
   *
   * @param instanceId the new instance's identifier (for the listener and the logs)
   * @throws UnknownFlowException if no flow has this name
   * @throws InvalidFlowParameterException if a parameter cannot be a tag or is named like a secret
   * @throws TagLimitException if the flow alone needs more than 50 tags
   */
  public FlowStart startTags(String instanceId, String flowName, Map<String, String> parameters) {
    return engine.startTags(instanceId, flowName, parameters);
  }

  /** {@link #startTags(String, String, Map)} without parameters. */
  public FlowStart startTags(String instanceId, String flowName) {
    return startTags(instanceId, flowName, Map.of());
  }

  /**
   * Begins a flow on an existing instance: one describe, one tag write (and one removal of an older
   * flow's keys that the new one does not use). A failed flow, or one past its flow deadline that
   * nobody polled to the end, is replaced.
   *
   * @return the token to return as OSB's {@code operation}
   * @throws ConcurrentOperationException if a flow is still running (OSB's 422 ConcurrencyError)
   * @throws UnknownFlowException if no flow has this name
   * @throws InvalidFlowParameterException if a parameter cannot be a tag or is named like a secret
   * @throws TagLimitException if the instance's other tags and the flow's exceed 50
   * @throws InstanceNotFoundException if the instance does not exist
   * @throws RdsCallException if an RDS call failed; nothing or only the new tags were written
   */
  public OperationToken begin(String instanceId, String flowName, Map<String, String> parameters) {
    return engine.begin(instanceId, flowName, parameters);
  }

  /** {@link #begin(String, String, Map)} without parameters. */
  public OperationToken begin(String instanceId, String flowName) {
    return begin(instanceId, flowName, Map.of());
  }

  /**
   * The token of a deletion the broker has just requested (the DeleteDBInstance call is the
   * broker's, or the aws module's): polled with it, the operation answers {@code succeeded} once
   * the instance is gone.
   */
  public OperationToken deletionToken() {
    return OperationToken.forDeletion(engine.settings().clock().instant());
  }

  /**
   * Advances whatever flow the instance's tags record and says where it stands; without a flow, the
   * instance status alone answers. Never throws for a transient RDS error: the operation stays in
   * progress with a retry-after hint.
   *
   * @throws RdsCallException if RDS refused a call permanently (for example for want of a
   *     permission); the operation's state is unchanged
   */
  public OperationStatus poll(String instanceId) {
    return engine.poll(Objects.requireNonNull(instanceId, "instanceId"), null);
  }

  /**
   * As {@link #poll(String)}, for the operation this token names: a poll for an older operation
   * than the instance's current one answers for the older one (never the new one's progress); a
   * deletion's token answers {@code succeeded} once the instance is gone; an instance that a
   * describe does not list within 5 minutes of its operation's start is taken for describe lag (in
   * progress), not loss; and step tags a late write put back after the token's flow ended are
   * answered as the ended flow and removed (docs/tag-format.md).
   *
   * @throws RdsCallException if RDS refused a call permanently
   */
  public OperationStatus poll(String instanceId, OperationToken token) {
    return engine.poll(Objects.requireNonNull(instanceId, "instanceId"), Objects.requireNonNull(token, "token"));
  }

  /**
   * As {@link #poll(String, OperationToken)} with the token as OSB sends it back; a {@code null}
   * or empty one polls without a token.
   *
   * @throws InvalidOperationTokenException if it is not a token this library wrote
   * @throws RdsCallException if RDS refused a call permanently
   */
  public OperationStatus poll(String instanceId, String operation) {
    if (operation == null || operation.isEmpty()) {
      return poll(instanceId);
    }
    return poll(instanceId, OperationToken.parse(operation));
  }

  /**
   * What the instance's tags say: the operation, each step's state, tries, reasons and times, or
   * what is wrong with the tags. One describe, no write.
   *
   * @throws InstanceNotFoundException if the instance does not exist
   * @throws RdsCallException if the describe failed
   */
  public Inspection inspect(String instanceId) {
    return engine.inspect(instanceId);
  }

  /**
   * Operator action: makes a failed flow run again from its failed step (that step pending, its
   * tries reset; the flow deadline counted anew from now). One describe, one tag write; the next
   * poll runs the step.
   *
   * @return the flow's token, unchanged
   * @throws OperatorActionException if the instance has no failed flow, or its tags are not
   *     understood
   * @throws InstanceNotFoundException if the instance does not exist
   * @throws RdsCallException if an RDS call failed
   */
  public OperationToken retry(String instanceId) {
    return engine.retry(instanceId);
  }

  /**
   * Operator action: removes every tag of the flow, touching nothing else; later polls answer from
   * the instance status alone. One describe and at most one removal.
   *
   * @return {@code false} if the instance had no flow tags
   * @throws InstanceNotFoundException if the instance does not exist
   * @throws RdsCallException if an RDS call failed
   */
  public boolean abort(String instanceId) {
    return engine.abort(instanceId);
  }

  /** The prefix of the engine's tag keys. */
  public String tagPrefix() {
    return engine.settings().codec().prefix();
  }

  /** This engine's owner id, as written in lease tags. */
  public String ownerId() {
    return engine.settings().ownerId();
  }

  /**
   * Configures a {@link TagStateMachine}. Defaults: system UTC clock, prefix {@code tagflow:},
   * settle time 30 s, poll time budget 20 s, clock skew allowance 30 s, retry hint after transient
   * errors 30 s, no claim, default status policy, a random owner id, no listener. Not thread-safe.
   */
  public static final class Builder {
    private final RdsGateway gateway;
    private final Map<String, Flow> flows = new LinkedHashMap<>();
    private Clock clock = Clock.systemUTC();
    private String tagPrefix = DEFAULT_TAG_PREFIX;
    private Duration settleTime = Duration.ofSeconds(30);
    private Duration pollBudget = Duration.ofSeconds(20);
    private Duration clockSkew = Duration.ofSeconds(30);
    private Duration transientRetryAfter = Duration.ofSeconds(30);
    private ClaimPolicy claimPolicy = ClaimPolicy.none();
    private StatusPolicy statusPolicy = StatusPolicy.defaults();
    private String ownerId;
    private FlowListener listener = new FlowListener() {};

    private Builder(RdsGateway gateway) {
      this.gateway = Objects.requireNonNull(gateway, "gateway");
    }

    /**
     * Registers a flow.
     *
     * @throws IllegalArgumentException if a flow of that name is already registered
     */
    public Builder flow(Flow flow) {
      Objects.requireNonNull(flow, "flow");
      if (flows.putIfAbsent(flow.name(), flow) != null) {
        throw new IllegalArgumentException("a flow named " + flow.name() + " is already registered");
      }
      return this;
    }

    /** The clock for times in tags, settle times, backoffs and deadlines. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The prefix of every tag key, {@code tagflow:} by default.
     *
     * @throws IllegalArgumentException if it is empty, longer than 40 characters, outside the tag
     *     character set, or begins with {@code aws:} or {@code rds:}
     */
    public Builder tagPrefix(String prefix) {
      Objects.requireNonNull(prefix, "prefix");
      String problem = TagRules.keyProblem(prefix);
      if (problem != null || prefix.length() > 40) {
        throw new IllegalArgumentException("tag prefix '" + prefix + "' is not usable: "
            + (problem != null ? problem : "it may have at most 40 characters"));
      }
      this.tagPrefix = prefix;
      return this;
    }

    /**
     * How long after a step's asynchronous operation was accepted the instance must have been
     * settled before the step counts as complete: the describe that follows an accepted modify can
     * still say {@code available} for a few seconds.
     */
    public Builder settleTime(Duration settleTime) {
      this.settleTime = nonNegative("settleTime", settleTime);
      return this;
    }

    /** How long one poll may go on running {@code done} steps before it answers. */
    public Builder pollBudget(Duration pollBudget) {
      this.pollBudget = nonNegative("pollBudget", pollBudget);
      return this;
    }

    /**
     * The allowance for the clocks of other broker hosts, which wrote some of the times in tags:
     * added to settle times, deadlines and other owners' leases.
     */
    public Builder clockSkew(Duration clockSkew) {
      this.clockSkew = nonNegative("clockSkew", clockSkew);
      return this;
    }

    /** The retry-after hint a poll gives after a transient RDS error. */
    public Builder transientRetryAfter(Duration retryAfter) {
      this.transientRetryAfter = nonNegative("transientRetryAfter", retryAfter);
      return this;
    }

    /** Whether steps are claimed with a lease before they run; {@link ClaimPolicy#none()} by default. */
    public Builder claimPolicy(ClaimPolicy claimPolicy) {
      this.claimPolicy = Objects.requireNonNull(claimPolicy, "claimPolicy");
      return this;
    }

    /** Which instance statuses fail an operation. */
    public Builder statusPolicy(StatusPolicy statusPolicy) {
      this.statusPolicy = Objects.requireNonNull(statusPolicy, "statusPolicy");
      return this;
    }

    /**
     * This engine's id in lease tags: unique per broker process, made of {@code [A-Za-z0-9-]}, at
     * most 40 characters. Random by default.
     *
     * @throws IllegalArgumentException if it breaks those rules
     */
    public Builder ownerId(String ownerId) {
      Objects.requireNonNull(ownerId, "ownerId");
      if (!ownerId.matches("[A-Za-z0-9-]{1,40}")) {
        throw new IllegalArgumentException("owner id '" + ownerId + "' must be 1 to 40 characters of [A-Za-z0-9-]");
      }
      this.ownerId = ownerId;
      return this;
    }

    /** Receives the engine's events. */
    public Builder listener(FlowListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * @throws IllegalStateException if no flow was registered
     * @throws IllegalArgumentException if a flow's keys would not fit RDS's 128-character limit
     *     under this prefix
     */
    public TagStateMachine build() {
      if (flows.isEmpty()) {
        throw new IllegalStateException("register at least one flow");
      }
      TagCodec codec = new TagCodec(tagPrefix);
      for (Flow flow : flows.values()) {
        for (Step step : flow.steps()) {
          String problem = TagRules.keyProblem(codec.stepKey(step.name()));
          if (problem != null) {
            throw new IllegalArgumentException("step " + step.name() + " of flow " + flow.name()
                + " cannot be a tag key under prefix " + tagPrefix + ": " + problem);
          }
        }
      }
      String owner = ownerId != null ? ownerId : randomOwnerId();
      return new TagStateMachine(new Engine(new EngineSettings(gateway, flows, clock, codec, settleTime, pollBudget,
          clockSkew, transientRetryAfter, claimPolicy, owner, statusPolicy, listener)));
    }

    private static String randomOwnerId() {
      byte[] bytes = new byte[6];
      new SecureRandom().nextBytes(bytes);
      return HexFormat.of().formatHex(bytes);
    }

    private static Duration nonNegative(String name, Duration d) {
      Objects.requireNonNull(d, name);
      if (d.isNegative()) {
        throw new IllegalArgumentException(name + " must not be negative, was " + d);
      }
      return d;
    }
  }
}
