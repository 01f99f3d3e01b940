package io.rdstagflow.aws;

import io.rdstagflow.core.Flow;
import io.rdstagflow.core.TagStateMachine;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import software.amazon.awssdk.services.rds.RdsClient;

/**
 * The one wiring a broker needs: give it the broker's {@link RdsClient} once, the flows, and any
 * engine settings, and it hands out the engine ({@link TagStateMachine} over an
 * {@link SdkRdsGateway}) and the {@link RdsStarter}, all on that one client; with cluster flows
 * ({@link Builder#clusterFlow(Function)}), also the engine of Aurora clusters
 * ({@link #clusterEngine()}, over an {@link SdkClusterGateway}) and its {@link ClusterStarter}.
 *
 * <pre>{@code
 * RdsTagflow tagflow = RdsTagflow.builder(rds)
 *     .flow(ready -> ready.restoreFromSnapshot().settings(b -> b.dbParameterGroupName("pg15")).masterPassword(passwords).build())
 *     .flow(ready -> ready.updatePlan().settings((ctx, b) -> b.dbInstanceClass(ctx.parameter("instance-class"))).build())
 *     .engine(b -> b.clockSkew(Duration.ofSeconds(30)))
 *     .build();
 * OperationToken token = tagflow.starter().restoreFromSnapshot(tagflow.flow("restore-from-snapshot"), params, request);
 * }</pre>
 *
 * <p>The parts stay public for brokers that need them apart ({@link SdkRdsGateway},
 * {@link SdkClusterGateway}, {@link TagStateMachine#builder}, {@link RdsStarter},
 * {@link ClusterStarter}). Immutable and thread-safe.
 */
public final class RdsTagflow {

  private final RdsClient rds;
  private final TagStateMachine engine;
  private final RdsStarter starter;
  private final List<Flow> flows;
  private final TagStateMachine clusterEngine;
  private final ClusterStarter clusterStarter;
  private final List<Flow> clusterFlows;

  private RdsTagflow(Builder b) {
    this.rds = b.rds;
    this.flows = List.copyOf(b.flows);
    this.clusterFlows = List.copyOf(b.clusterFlows);
    this.engine = flows.isEmpty() ? null : engine(new SdkRdsGateway(b.rds), flows, b, null);
    this.starter = engine == null ? null : new RdsStarter(b.rds, engine);
    // One wiring, one share of the account's rate: the cluster engine draws on the instance engine's budget.
    this.clusterEngine = clusterFlows.isEmpty() ? null : engine(new SdkClusterGateway(b.rds), clusterFlows, b,
        engine == null ? null : engine.apiBudget());
    this.clusterStarter = clusterEngine == null ? null : new ClusterStarter(b.rds, clusterEngine);
  }

  private static TagStateMachine engine(io.rdstagflow.core.spi.RdsGateway gateway, List<Flow> flows, Builder b,
      io.rdstagflow.core.ApiBudget shared) {
    TagStateMachine.Builder engineBuilder = TagStateMachine.builder(gateway);
    flows.forEach(engineBuilder::flow);
    b.engineSettings.forEach(c -> c.accept(engineBuilder));
    if (shared != null) {
      engineBuilder.apiBudget(shared);
    }
    return engineBuilder.build();
  }

  /**
   * A builder for the wiring on this client (the broker's, with its own HTTP client, region and
   * credentials: the library never builds one).
   */
  public static Builder builder(RdsClient rds) {
    return new Builder(rds);
  }

  /**
   * The engine of DB instances: polls, {@code begin}, the operator actions.
   *
   * @throws IllegalStateException if only cluster flows were registered
   */
  public TagStateMachine engine() {
    if (engine == null) {
      throw new IllegalStateException("no instance flow is registered: register one with flow(...), or use"
          + " clusterEngine() for the cluster flows");
    }
    return engine;
  }

  /**
   * The starter for restores, creates and deletions of instances on the same client and engine.
   *
   * @throws IllegalStateException if only cluster flows were registered
   */
  public RdsStarter starter() {
    engine();
    return starter;
  }

  /**
   * The engine of Aurora DB clusters ({@link TagStateMachine} over an {@link SdkClusterGateway} on
   * the same client, with the cluster flows and the same engine settings): a cluster's operations
   * are polled here, with the cluster's identifier.
   *
   * @throws IllegalStateException if no cluster flow was registered
   */
  public TagStateMachine clusterEngine() {
    if (clusterEngine == null) {
      throw new IllegalStateException("no cluster flow is registered: register one with clusterFlow(ready ->"
          + " ready.restoreFromSnapshot()...)");
    }
    return clusterEngine;
  }

  /**
   * The starter for cluster restores, creates and deletions on the same client and the cluster engine.
   *
   * @throws IllegalStateException if no cluster flow was registered
   */
  public ClusterStarter clusterStarter() {
    clusterEngine();
    return clusterStarter;
  }

  /** The client everything here calls RDS with. */
  public RdsClient rds() {
    return rds;
  }

  /** The registered instance flows, in the order they were given. */
  public List<Flow> flows() {
    return flows;
  }

  /** The registered cluster flows, in the order they were given. */
  public List<Flow> clusterFlows() {
    return clusterFlows;
  }

  /**
   * The newest registered definition of the instance flow with this name.
   *
   * @throws io.rdstagflow.core.UnknownFlowException if none is registered, naming the registered ones
   * @throws IllegalStateException if only cluster flows were registered
   */
  public Flow flow(String name) {
    return engine().flow(name);
  }

  /**
   * The newest registered definition of the cluster flow with this name.
   *
   * @throws io.rdstagflow.core.UnknownFlowException if none is registered, naming the registered ones
   * @throws IllegalStateException if no cluster flow was registered
   */
  public Flow clusterFlow(String name) {
    return clusterEngine().flow(name);
  }

  /** Builds an {@link RdsTagflow}. Not thread-safe. */
  public static final class Builder {
    private final RdsClient rds;
    private final List<Flow> flows = new ArrayList<>();
    private final List<Flow> clusterFlows = new ArrayList<>();
    private final List<Consumer<TagStateMachine.Builder>> engineSettings = new ArrayList<>();

    private Builder(RdsClient rds) {
      this.rds = Objects.requireNonNull(rds, "rds");
    }

    /** Registers a flow the broker built (its own steps may use {@link #rds()}'s client). */
    public Builder flow(Flow flow) {
      flows.add(Objects.requireNonNull(flow, "flow"));
      return this;
    }

    /** Registers a ready flow built from the ready flows bound to this client. */
    public Builder flow(Function<ReadyFlows.Bound, Flow> readyFlow) {
      return flow(Objects.requireNonNull(readyFlow, "readyFlow").apply(ReadyFlows.using(rds)));
    }

    /**
     * Registers a flow of Aurora clusters the broker built (from the cluster steps, say), for
     * {@link RdsTagflow#clusterEngine()}.
     */
    public Builder clusterFlow(Flow flow) {
      clusterFlows.add(Objects.requireNonNull(flow, "flow"));
      return this;
    }

    /** Registers a ready cluster flow built from the ready cluster flows bound to this client. */
    public Builder clusterFlow(Function<ReadyClusterFlows.Bound, Flow> readyFlow) {
      return clusterFlow(Objects.requireNonNull(readyFlow, "readyFlow").apply(ReadyClusterFlows.using(rds)));
    }

    /**
     * Engine settings (clock, prefix, settle time, claim policy, listener, ...); may be given several
     * times. They apply to the cluster engine too, which draws on the instance engine's API budget
     * when there are both (one wiring, one share of the account's rate).
     */
    public Builder engine(Consumer<TagStateMachine.Builder> settings) {
      engineSettings.add(Objects.requireNonNull(settings, "settings"));
      return this;
    }

    /** The client, for building the broker's own steps. */
    public RdsClient rds() {
      return rds;
    }

    /**
     * @throws IllegalStateException if no flow was registered (of instances or of clusters)
     * @throws IllegalArgumentException if two flows of an engine share a name and version
     */
    public RdsTagflow build() {
      if (flows.isEmpty() && clusterFlows.isEmpty()) {
        throw new IllegalStateException("register at least one flow: flow(ready -> ready.restoreFromSnapshot()...)"
            + " or flow(yourFlow)");
      }
      return new RdsTagflow(this);
    }
  }
}
