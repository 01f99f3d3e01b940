package io.rdstagflow.aws;

import io.rdstagflow.core.StepContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;
import software.amazon.awssdk.services.rds.model.CreateDbInstanceRequest;

/**
 * What instances an Aurora cluster should have, as {@link CreateClusterInstancesStep} creates them:
 * a writer and as many readers as the plan asks, their identifiers derived from the cluster's
 * (by default {@code <cluster>-1} for the writer, {@code <cluster>-2}, {@code <cluster>-3}, ...
 * for the readers), and the CreateDBInstance request each gets (instance class, DB parameter
 * group, Performance Insights, monitoring, the member's own tags, ...). The step sets the
 * identifier, the {@code DBClusterIdentifier} and, unless the request names one, the cluster's
 * engine.
 *
 * <p>Every function here is called on every run and completion check, in any broker process: it
 * must give the same answer for the same context (a plan's values come from flow parameters, which
 * live in the tags).
 *
 * <p>Immutable and thread-safe if the functions are.
 */
public final class ClusterMembers {

  private final BiConsumer<StepContext, CreateDbInstanceRequest.Builder> instance;
  private final ToIntFunction<StepContext> readers;
  private final BiFunction<String, Integer, String> memberId;

  private ClusterMembers(Builder b) {
    this.instance = b.instance;
    this.readers = b.readers;
    this.memberId = b.memberId;
  }

  /** A builder: by default one writer, no reader, and a request with nothing but what the step sets. */
  public static Builder builder() {
    return new Builder();
  }

  /** The writer's identifier for the cluster of this context. */
  public String writerId(StepContext context) {
    return memberId.apply(context.instanceId(), 1);
  }

  /**
   * The readers' identifiers for the cluster of this context, as many as {@link Builder#readers}
   * says.
   *
   * @throws IllegalArgumentException if the count is negative or over 15 (Aurora's limit)
   */
  public List<String> readerIds(StepContext context) {
    int count = readers.applyAsInt(context);
    if (count < 0 || count > 15) {
      throw new IllegalArgumentException("an Aurora cluster has 0 to 15 readers; the plan asks " + count);
    }
    List<String> ids = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      ids.add(memberId.apply(context.instanceId(), i + 2));
    }
    return ids;
  }

  /** The broker's shaping of one member's CreateDBInstance request. */
  void shape(StepContext context, CreateDbInstanceRequest.Builder request) {
    instance.accept(context, request);
  }

  /** Builds a {@link ClusterMembers}. Not thread-safe. */
  public static final class Builder {
    private BiConsumer<StepContext, CreateDbInstanceRequest.Builder> instance = (c, b) -> { };
    private ToIntFunction<StepContext> readers = c -> 0;
    private BiFunction<String, Integer, String> memberId = (cluster, position) -> cluster + "-" + position;

    private Builder() {}

    /**
     * Each member's CreateDBInstance request, the same for every cluster (instance class,
     * parameter group, tags, ...).
     */
    public Builder instance(Consumer<CreateDbInstanceRequest.Builder> request) {
      Objects.requireNonNull(request, "request");
      this.instance = (context, builder) -> request.accept(builder);
      return this;
    }

    /**
     * Each member's CreateDBInstance request, shaped per cluster and flow parameters (the plan's
     * instance class, say); deterministic for a given context.
     */
    public Builder instance(BiConsumer<StepContext, CreateDbInstanceRequest.Builder> request) {
      this.instance = Objects.requireNonNull(request, "request");
      return this;
    }

    /** This many readers besides the writer (0 to 15). */
    public Builder readers(int count) {
      return readers(context -> count);
    }

    /** As many readers as the plan asks, from the context (a flow parameter, say). */
    public Builder readers(ToIntFunction<StepContext> count) {
      this.readers = Objects.requireNonNull(count, "count");
      return this;
    }

    /**
     * How a member is named: from the cluster's identifier and the member's position (1 for the
     * writer, 2 and up for the readers); {@code <cluster>-<position>} by default. RDS allows 63
     * characters: a cluster identifier of up to 61 fits the default with up to 9 members.
     */
    public Builder memberId(BiFunction<String, Integer, String> naming) {
      this.memberId = Objects.requireNonNull(naming, "naming");
      return this;
    }

    /** The description. */
    public ClusterMembers build() {
      return new ClusterMembers(this);
    }
  }
}
