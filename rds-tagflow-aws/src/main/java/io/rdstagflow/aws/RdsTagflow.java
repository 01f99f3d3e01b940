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
 * {@link SdkRdsGateway}) and the {@link RdsStarter}, all on that one client.
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
 * {@link TagStateMachine#builder}, {@link RdsStarter}). Immutable and thread-safe.
 */
public final class RdsTagflow {

  private final RdsClient rds;
  private final TagStateMachine engine;
  private final RdsStarter starter;
  private final List<Flow> flows;

  private RdsTagflow(Builder b) {
    this.rds = b.rds;
    TagStateMachine.Builder engineBuilder = TagStateMachine.builder(new SdkRdsGateway(b.rds));
    b.flows.forEach(engineBuilder::flow);
    b.engineSettings.forEach(c -> c.accept(engineBuilder));
    this.engine = engineBuilder.build();
    this.starter = new RdsStarter(b.rds, engine);
    this.flows = List.copyOf(b.flows);
  }

  /**
   * A builder for the wiring on this client (the broker's, with its own HTTP client, region and
   * credentials: the library never builds one).
   */
  public static Builder builder(RdsClient rds) {
    return new Builder(rds);
  }

  /** The engine: polls, {@code begin}, the operator actions. */
  public TagStateMachine engine() {
    return engine;
  }

  /** The starter for restores, creates and deletions on the same client and engine. */
  public RdsStarter starter() {
    return starter;
  }

  /** The client everything here calls RDS with. */
  public RdsClient rds() {
    return rds;
  }

  /** The registered flows, in the order they were given. */
  public List<Flow> flows() {
    return flows;
  }

  /**
   * The newest registered definition of the flow with this name.
   *
   * @throws io.rdstagflow.core.UnknownFlowException if none is registered, naming the registered ones
   */
  public Flow flow(String name) {
    return engine.flow(name);
  }

  /** Builds an {@link RdsTagflow}. Not thread-safe. */
  public static final class Builder {
    private final RdsClient rds;
    private final List<Flow> flows = new ArrayList<>();
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

    /** Engine settings (clock, prefix, settle time, claim policy, listener, ...); may be given several times. */
    public Builder engine(Consumer<TagStateMachine.Builder> settings) {
      engineSettings.add(Objects.requireNonNull(settings, "settings"));
      return this;
    }

    /** The client, for building the broker's own steps. */
    public RdsClient rds() {
      return rds;
    }

    /**
     * @throws IllegalStateException if no flow was registered
     * @throws IllegalArgumentException if two flows share a name and version
     */
    public RdsTagflow build() {
      if (flows.isEmpty()) {
        throw new IllegalStateException("register at least one flow: flow(ready -> ready.restoreFromSnapshot()...)"
            + " or flow(yourFlow)");
      }
      return new RdsTagflow(this);
    }
  }
}
