package io.rdstagflow.core;

import io.rdstagflow.core.internal.Engine;
import io.rdstagflow.core.internal.EngineSettings;
import io.rdstagflow.core.internal.FlowRegistry;
import io.rdstagflow.core.internal.TagCodec;
import io.rdstagflow.core.internal.TagRules;
import io.rdstagflow.core.spi.RdsGateway;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

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
 * and records what it learned in one tag write (an ended operation leaves its terminal record). The
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

  /** The default API budget's rate, calls a second: two thirds of RDS's 12 a second per account. */
  public static final double DEFAULT_API_RATE = 8;

  /** The default API budget's burst, calls. */
  public static final int DEFAULT_API_BURST = 40;

  private final Engine engine;

  private TagStateMachine(Engine engine) {
    this.engine = engine;
  }

  /** A builder for an engine that reaches RDS through this gateway. */
  public static Builder builder(RdsGateway gateway) {
    return new Builder(gateway);
  }

  /**
   * The tags that begin an operation of the newest registered definition of a flow on an instance
   * about to be created or restored, to be passed in that request's own tags, and the operation
   * token. Nothing is called; the first poll finds the operation in the new instance's tags. Once
   * RDS has accepted the request, call {@link #startAccepted}; the aws module's starter does both.
   *
   * @param instanceId the new instance's identifier
   * @throws UnknownFlowException if no flow has this name
   * @throws InvalidFlowParameterException if a parameter cannot be a tag, is named like a secret,
   *     or one that a step requires is missing
   * @throws TagLimitException if the flow alone (with a claim policy's lease) needs more than 50
   *     tags
   */
  public FlowStart startTags(String instanceId, String flowName, Map<String, String> parameters) {
    return startTags(instanceId, engine.flow(flowName), parameters);
  }

  /** {@link #startTags(String, String, Map)} without parameters. */
  public FlowStart startTags(String instanceId, String flowName) {
    return startTags(instanceId, flowName, Map.of());
  }

  /**
   * As {@link #startTags(String, String, Map)} for this flow definition, which must be registered.
   *
   * @throws UnknownFlowException if it is not registered
   */
  public FlowStart startTags(String instanceId, Flow flow, Map<String, String> parameters) {
    Objects.requireNonNull(instanceId, "instanceId");
    return engine.startTags(instanceId, Objects.requireNonNull(flow, "flow"), Objects.requireNonNull(parameters,
        "parameters"));
  }

  /**
   * Tells the engine that RDS accepted the create or restore request carrying {@code start}'s tags:
   * the listener hears {@code flowStarted} and the start is logged. A start that RDS refused is
   * never reported as begun.
   */
  public void startAccepted(String instanceId, FlowStart start) {
    engine.startAccepted(Objects.requireNonNull(instanceId, "instanceId"), Objects.requireNonNull(start, "start"));
  }

  /**
   * Begins an operation of the newest registered definition of a flow on an existing instance: one
   * describe, one tag write (and a removal of an older operation's keys the new one does not use,
   * which may fail harmlessly). An ended operation, or one past its flow deadline that nobody
   * polled to the end, is replaced. Repeated with the same flow and parameters while the operation
   * it began has not advanced (a retry after an ambiguous failure: the write landed, its answer was
   * lost), it returns that operation's token and writes nothing.
   *
   * @return the token to return as OSB's {@code operation}
   * @throws ConcurrentOperationException if an operation is still running (OSB's 422 ConcurrencyError)
   * @throws UnknownFlowException if no flow has this name
   * @throws InvalidFlowParameterException if a parameter cannot be a tag, is named like a secret,
   *     or one that a step requires is missing
   * @throws TagLimitException if the instance's other tags and the operation's exceed 50
   * @throws InstanceNotFoundException if the instance does not exist
   * @throws RdsCallException if an RDS call failed; begin again with the same arguments
   */
  public OperationToken begin(String instanceId, String flowName, Map<String, String> parameters) {
    return begin(instanceId, engine.flow(flowName), parameters);
  }

  /** {@link #begin(String, String, Map)} without parameters. */
  public OperationToken begin(String instanceId, String flowName) {
    return begin(instanceId, flowName, Map.of());
  }

  /**
   * Begins an operation as {@link #begin(String, String, Map)} does, then polls it once in the same
   * call: when the instance is ready, the first due steps run now, inside the broker's update
   * request and within its poll budget, instead of on the platform's next poll (60 s later on Cloud
   * Foundry). An update's modify is sent in the request that asked for it. What the poll finds
   * (a busy instance, a refused step) is in the answer and in the tags, as after any poll; the
   * operation has begun whatever the poll answers.
   *
   * @throws ConcurrentOperationException and the others {@link #begin(String, String, Map)} throws,
   *     before anything is written
   */
  public Begun beginAndPoll(String instanceId, Flow flow, Map<String, String> parameters) {
    OperationToken token = begin(instanceId, flow, parameters);
    OperationStatus status;
    try {
      status = engine.poll(instanceId, token);
    } catch (RdsCallException e) {
      // Begun all the same: the platform's next poll meets the failure again and answers it.
      status = OperationStatus.inProgress("the operation began; its first poll met " + e.classification().code(),
          Duration.ofSeconds(10));
    }
    return new Begun(token, status);
  }

  /** {@link #beginAndPoll(String, Flow, Map)} for the newest definition of the flow with this name. */
  public Begun beginAndPoll(String instanceId, String flowName, Map<String, String> parameters) {
    return beginAndPoll(instanceId, engine.flow(flowName), parameters);
  }

  /**
   * As {@link #begin(String, String, Map)} for this flow definition, which must be registered.
   *
   * @throws UnknownFlowException if it is not registered
   */
  public OperationToken begin(String instanceId, Flow flow, Map<String, String> parameters) {
    Objects.requireNonNull(instanceId, "instanceId");
    return engine.begin(instanceId, Objects.requireNonNull(flow, "flow"), Objects.requireNonNull(parameters,
        "parameters"));
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
   * Advances the operation the instance's flow tag records and says where it stands; without one,
   * the instance status alone answers. A poll without a token cannot tell "no operation" from "one
   * whose tags a lagging describe does not show yet": brokers pass the token they returned. Never
   * throws for a transient RDS error: the operation stays in progress with a retry-after hint.
   *
   * @throws RdsCallException if RDS refused a call permanently (for example for want of a
   *     permission); the operation's state is unchanged
   */
  public OperationStatus poll(String instanceId) {
    return engine.poll(Objects.requireNonNull(instanceId, "instanceId"), null);
  }

  /**
   * Advances exactly the operation this token names and says where it stands. Only tags stamped
   * with its operation id are evidence for it: while they are not visible (a lagging describe
   * right after {@code begin}, or an instance a describe does not list yet) the answer is in
   * progress for 5 minutes from its start, then failed naming the operation, never succeeded from
   * the instance status alone. After it ended, its terminal record keeps its answer until the next
   * operation begins; a poll with the token of an operation a newer one replaced fails, saying so.
   * A deletion's token answers {@code succeeded} once the instance is gone.
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
   * As {@link #poll(String)}, with the kind of failure behind a {@code failed} answer.
   *
   * @throws RdsCallException if RDS refused a call permanently
   */
  public PollResult pollResult(String instanceId) {
    return engine.pollResult(Objects.requireNonNull(instanceId, "instanceId"), null);
  }

  /**
   * As {@link #poll(String, OperationToken)}, with the kind of failure behind a {@code failed}
   * answer: whether the instance does not exist, a step failed on a usable instance, the instance
   * is in a status that fails operations, or the operation failed as a whole.
   *
   * @throws RdsCallException if RDS refused a call permanently
   */
  public PollResult pollResult(String instanceId, OperationToken token) {
    return engine.pollResult(Objects.requireNonNull(instanceId, "instanceId"), Objects.requireNonNull(token, "token"));
  }

  /**
   * What the instance's tags say: the last operation (running or its terminal record), each step's
   * state, tries, reasons and times, or what is wrong with the tags. One describe, no write.
   *
   * @throws InstanceNotFoundException if the instance does not exist
   * @throws RdsCallException if the describe failed
   */
  public Inspection inspect(String instanceId) {
    return engine.inspect(Objects.requireNonNull(instanceId, "instanceId"));
  }

  /**
   * The operation running on the instance, if any: begun, not ended and within its flow deadline,
   * which is exactly when {@link #begin} refuses another. One describe, no write.
   *
   * @throws InstanceNotFoundException if the instance does not exist
   * @throws RdsCallException if the describe failed
   */
  public Optional<Inspection.OperationView> runningOperation(String instanceId) {
    return engine.runningOperation(Objects.requireNonNull(instanceId, "instanceId"));
  }

  /**
   * Operator action: makes a failed operation run again from where it stopped (the failed step
   * pending with its tries reset; the deadlines of the flow and of the running step counted anew
   * from now). One describe, one tag write; the next poll runs the step, and a poll with the
   * operation's token goes on answering for it.
   *
   * @return the operation's token, unchanged
   * @throws OperatorActionException if the instance has no failed operation, or its tags are not
   *     understood
   * @throws InstanceNotFoundException if the instance does not exist
   * @throws RdsCallException if an RDS call failed
   */
  public OperationToken retry(String instanceId) {
    return engine.retry(Objects.requireNonNull(instanceId, "instanceId"));
  }

  /**
   * Operator action: ends the running operation as failed ("aborted by an operator"), touching
   * nothing else; polls with its token answer failed, never succeeded. Library tags that cannot be
   * understood are removed instead. One describe and one write.
   *
   * @return {@code false} if no operation was running
   * @throws InstanceNotFoundException if the instance does not exist
   * @throws RdsCallException if an RDS call failed
   */
  public boolean abort(String instanceId) {
    return engine.abort(Objects.requireNonNull(instanceId, "instanceId"));
  }

  /**
   * Operator action: moves the operation on the instance (running, failed, or begun under a
   * definition this engine no longer has) to another registered definition of its flow. Steps
   * count as done for the longest run of the new definition's first steps that were all done in
   * the old one; every later step runs, again if it had run: never a step skipped. Deadlines count
   * anew from now. One describe, one write.
   *
   * @return the operation's new token (the same operation id, the new definition)
   * @throws OperatorActionException if there is no operation, it has succeeded, or the version is
   *     not registered
   */
  public OperationToken moveToDefinition(String instanceId, int version) {
    return engine.moveToDefinition(Objects.requireNonNull(instanceId, "instanceId"), version);
  }

  /**
   * The newest registered definition of the flow with this name.
   *
   * @throws UnknownFlowException if none is registered, naming the registered ones
   */
  public Flow flow(String flowName) {
    return engine.flow(Objects.requireNonNull(flowName, "flowName"));
  }

  /** The prefix of the engine's tag keys. */
  public String tagPrefix() {
    return engine.settings().codec().prefix();
  }

  /** This engine's owner id, as written in lease tags. */
  public String ownerId() {
    return engine.settings().ownerId();
  }

  /** This engine's share of the account's RDS API rate, which its polls and tag writes draw on. */
  public ApiBudget apiBudget() {
    return engine.settings().budget();
  }

  /**
   * Configures a {@link TagStateMachine}. Defaults: system UTC clock, prefix {@code tagflow:},
   * settle time 30 s, poll time budget 20 s, clock skew allowance 30 s, retry hint after transient
   * errors 30 s, no claim, default status policy, a random owner id, no listener, an API budget of 8
   * calls a second with bursts of 40, no describe coalescing. Not thread-safe.
   */
  public static final class Builder {
    private final RdsGateway gateway;
    private final List<Flow> flows = new ArrayList<>();
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper;
    private String tagPrefix = DEFAULT_TAG_PREFIX;
    private Duration settleTime = Duration.ofSeconds(30);
    private Duration pollBudget = Duration.ofSeconds(20);
    private Duration clockSkew = Duration.ofSeconds(30);
    private Duration transientRetryAfter = Duration.ofSeconds(30);
    private ClaimPolicy claimPolicy = ClaimPolicy.none();
    private StatusPolicy statusPolicy = StatusPolicy.defaults();
    private String ownerId;
    private FlowListener listener = new FlowListener() {};
    private ApiBudget budget;
    private double budgetRate = DEFAULT_API_RATE;
    private int budgetBurst = DEFAULT_API_BURST;
    private Duration coalescingWindow = Duration.ZERO;

    private Builder(RdsGateway gateway) {
      this.gateway = Objects.requireNonNull(gateway, "gateway");
    }

    /**
     * Registers a flow definition. Several versions of one flow may be registered (keep every
     * version operations may still run on during a rolling deploy); new operations use the newest.
     *
     * @throws IllegalArgumentException if this name and version are already registered
     */
    public Builder flow(Flow flow) {
      Objects.requireNonNull(flow, "flow");
      for (Flow f : flows) {
        if (f.name().equals(flow.name()) && f.version() == flow.version()) {
          throw new IllegalArgumentException("flow " + flow.name() + " version " + flow.version()
              + " is already registered" + (f.fingerprint().equals(flow.fingerprint()) ? ""
              : " with other steps (" + f + "): a changed list of steps needs a new version number"));
        }
      }
      flows.add(flow);
      return this;
    }

    /** The clock for times in tags, settle times, backoffs and deadlines. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * How a poll pauses before retrying a tag write that records an accepted action. Real time by
     * default with the system clock; with another clock and no sleeper the retries do not pause. On
     * the test kit's virtual clock pass {@code clock::advance}.
     */
    public Builder sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
      return this;
    }

    /**
     * The prefix of every tag key, {@code tagflow:} by default.
     *
     * <p>The library reads and removes only keys of its own shape under the prefix
     * ({@code <prefix>flow}, {@code <prefix>step:<name>}, {@code <prefix>param:<name>},
     * {@code <prefix>lease}); other tags under it are the user's and are kept.
     *
     * @throws IllegalArgumentException if it is empty, longer than 40 characters, outside the tag
     *     character set, begins with {@code aws:} or {@code rds:} in any case, or does not end in a
     *     separator ({@code : / . - _ = + @})
     */
    public Builder tagPrefix(String prefix) {
      Objects.requireNonNull(prefix, "prefix");
      String problem = TagRules.keyProblem(prefix);
      if (problem == null && prefix.length() > 40) {
        problem = "it may have at most 40 characters";
      }
      if (problem == null && ":/.-_=+@".indexOf(prefix.charAt(prefix.length() - 1)) < 0) {
        problem = "it must end in a separator (: / . - _ = + @) so that no tag of the user's shares its keys by"
            + " accident";
      }
      if (problem != null) {
        throw new IllegalArgumentException("tag prefix '" + prefix + "' is not usable: " + problem);
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
     * This engine's share of the account's RDS API rate: {@code perSecond} calls a second
     * sustained, bursts of {@code burst}, on the engine's clock. 8 a second and bursts of 40 by
     * default. RDS allows about 12 a second per account and region for everyone (replicas, console,
     * scripts): with several replicas, give each its share (for example 8 / replicas).
     *
     * @throws IllegalArgumentException if the rate is not positive or the burst is below 1
     * @see ApiBudget
     */
    public Builder apiBudget(double perSecond, int burst) {
      ApiBudget.perSecond(perSecond, burst, clock);
      this.budgetRate = perSecond;
      this.budgetBurst = burst;
      this.budget = null;
      return this;
    }

    /**
     * Uses this budget, for example one shared with the aws module's SDK interceptor so that the
     * broker's own calls and its steps' calls draw on it too, or {@link ApiBudget#unlimited()}.
     */
    public Builder apiBudget(ApiBudget budget) {
      this.budget = Objects.requireNonNull(budget, "budget");
      return this;
    }

    /**
     * Coalesces the describes of polls that arrive within {@code window} (real time) into one
     * DescribeDBInstances of up to 100 instances: each poll still decides on a describe sent after
     * it began, never on an older one. Off ({@link Duration#ZERO}) by default, because a window
     * delays every lone poll by its length and pays only when many polls arrive together; a broker
     * with hundreds of operations in flight turns it on (the README's fleet section says how).
     *
     * @throws IllegalArgumentException if it is negative or longer than 5 seconds
     */
    public Builder coalesceDescribes(Duration window) {
      nonNegative("window", window);
      if (window.compareTo(Duration.ofSeconds(5)) > 0) {
        throw new IllegalArgumentException("a coalescing window holds every poll for its length: at most 5 s, was "
            + window);
      }
      this.coalescingWindow = window;
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
      FlowRegistry registry = new FlowRegistry(flows);
      for (Flow flow : flows) {
        for (Step step : flow.steps()) {
          String problem = TagRules.keyProblem(codec.stepKey(step.name()));
          if (problem != null) {
            throw new IllegalArgumentException("step " + step.name() + " of flow " + flow.name()
                + " cannot be a tag key under prefix " + tagPrefix + ": " + problem);
          }
        }
      }
      String owner = ownerId != null ? ownerId : randomOwnerId();
      Sleeper pause = sleeper != null ? sleeper : clock.equals(Clock.systemUTC()) ? Sleeper.system() : d -> { };
      return new TagStateMachine(new Engine(new EngineSettings(gateway, registry, clock, pause, codec, settleTime,
          pollBudget, clockSkew, transientRetryAfter, claimPolicy, owner, statusPolicy, listener,
          budget != null ? budget : ApiBudget.perSecond(budgetRate, budgetBurst, clock), coalescingWindow)));
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
