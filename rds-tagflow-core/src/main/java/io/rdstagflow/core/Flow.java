package io.rdstagflow.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A named, ordered list of steps with their policies: for example {@code restore-from-snapshot}
 * with the steps {@code settings}, {@code reboot}, {@code users}. The name is written in the
 * instance's tags, so it must stay stable while flows of that name may be running.
 *
 * <p>Defaults: each step gets {@link RetryPolicy#defaults()} and a deadline of 2 hours from its
 * first attempt; the whole flow gets 1 day from its start.
 *
 * <p>Immutable and thread-safe. Build one with {@link #builder(String)}.
 */
public final class Flow {

  /** Flow and step names: they become parts of tag keys and values. */
  static final Pattern NAME = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?");

  private static final Deadline DEFAULT_STEP_DEADLINE = Deadline.of(Duration.ofHours(2));
  private static final Deadline DEFAULT_FLOW_DEADLINE = Deadline.of(Duration.ofDays(1));

  private final String name;
  private final int version;
  private final List<Step> steps;
  private final List<StepPolicy> policies;
  private final Deadline deadline;
  private final String fingerprint;
  private final boolean deletion;

  private Flow(Builder b) {
    this.name = b.name;
    this.version = b.version;
    this.steps = List.copyOf(b.steps);
    List<StepPolicy> resolved = new ArrayList<>();
    for (StepPolicy p : b.policies) {
      resolved.add(p != null ? p : new StepPolicy(b.retry, b.stepDeadline));
    }
    this.policies = List.copyOf(resolved);
    this.deadline = b.flowDeadline;
    this.deletion = b.deletion;
    int h = 17;
    for (Step s : steps) {
      h = 31 * h + s.name().hashCode();
    }
    this.fingerprint = String.format(java.util.Locale.ROOT, "%04x", (h ^ (h >>> 16)) & 0xffff);
  }

  /**
   * A builder for a flow of this name.
   *
   * @throws IllegalArgumentException if the name is not 1 to 40 characters of {@code [a-z0-9-]},
   *     beginning and ending with a letter or digit
   */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** The flow's name, as written in the tags. */
  public String name() {
    return name;
  }

  /**
   * The definition's version, 1 unless set: the number the author raises whenever the list of steps
   * changes. An operation finishes on the definition it was begun under (written in its flow tag),
   * so an engine keeps registered every version it may still have operations for.
   */
  public int version() {
    return version;
  }

  /**
   * A short fingerprint of the step names in order, written in the flow tag beside the version: a
   * list changed without a new version number is refused instead of being run.
   */
  public String fingerprint() {
    return fingerprint;
  }

  /** The steps, in the order they run. */
  public List<Step> steps() {
    return steps;
  }

  /** The policy of the step at this position (0-based). */
  public StepPolicy policy(int index) {
    return policies.get(index);
  }

  /** How long the whole flow may take from its start. */
  public Deadline deadline() {
    return deadline;
  }

  /**
   * {@code true} for a flow that deletes the resource it runs on ({@link Builder#deletion()}):
   * polled with its token, a resource that is gone answers {@code succeeded}.
   */
  public boolean isDeletion() {
    return deletion;
  }

  /** The position (0-based) of the step with this name, or -1. */
  public int indexOf(String stepName) {
    for (int i = 0; i < steps.size(); i++) {
      if (steps.get(i).name().equals(stepName)) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public String toString() {
    List<String> names = new ArrayList<>();
    for (Step s : steps) {
      names.add(s.name());
    }
    return "Flow[" + name + " v" + version + ": " + String.join(", ", names) + "]";
  }

  static void checkName(String what, String name) {
    Objects.requireNonNull(name, what);
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(what + " '" + name + "' is not 1 to 40 characters of [a-z0-9-]"
          + " beginning and ending with a letter or digit; it becomes part of a tag key");
    }
  }

  /** Builds a {@link Flow}. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private final List<Step> steps = new ArrayList<>();
    private final List<StepPolicy> policies = new ArrayList<>();
    private final Set<String> stepNames = new HashSet<>();
    private RetryPolicy retry = RetryPolicy.defaults();
    private Deadline stepDeadline = DEFAULT_STEP_DEADLINE;
    private Deadline flowDeadline = DEFAULT_FLOW_DEADLINE;
    private int version = 1;
    private boolean deletion;

    private Builder(String name) {
      checkName("flow name", name);
      this.name = name;
    }

    /**
     * Appends a step with the flow's default policies.
     *
     * @throws IllegalArgumentException if the step's name is invalid or already used in this flow
     */
    public Builder step(Step step) {
      return add(step, null);
    }

    /**
     * Appends a step with its own retry policy and deadline.
     *
     * @throws IllegalArgumentException if the step's name is invalid or already used in this flow
     */
    public Builder step(Step step, StepPolicy policy) {
      return add(step, Objects.requireNonNull(policy, "policy"));
    }

    private Builder add(Step step, StepPolicy policy) {
      Objects.requireNonNull(step, "step");
      checkName("step name", step.name());
      if (!stepNames.add(step.name())) {
        throw new IllegalArgumentException("flow " + name + " already has a step named " + step.name());
      }
      steps.add(step);
      policies.add(policy);
      return this;
    }

    /**
     * The definition's version (1 by default). Raise it whenever the steps change, and keep the
     * older version registered while operations begun under it may still be polled (a rolling
     * deploy).
     *
     * @throws IllegalArgumentException if it is not between 1 and 9999
     */
    public Builder version(int version) {
      if (version < 1 || version > 9999) {
        throw new IllegalArgumentException("flow " + name + ": a version is 1 to 9999, was " + version);
      }
      this.version = version;
      return this;
    }

    /** The retry policy of steps added without their own policy. */
    public Builder retryPolicy(RetryPolicy retry) {
      this.retry = Objects.requireNonNull(retry, "retry");
      return this;
    }

    /** The deadline of steps added without their own policy. */
    public Builder stepDeadline(Deadline deadline) {
      this.stepDeadline = Objects.requireNonNull(deadline, "deadline");
      return this;
    }

    /** How long the whole flow may take from its start. */
    public Builder flowDeadline(Deadline deadline) {
      this.flowDeadline = Objects.requireNonNull(deadline, "deadline");
      return this;
    }

    /**
     * Makes it a flow that deletes the resource it runs on (an Aurora cluster deletes its members,
     * then itself): polled with its token, a describe that finds the resource no more answers
     * {@code succeeded} ("gone"), as a deletion's token does, instead of failing it as not found.
     * Its steps see the resource while it exists; those that act while it is {@code deleting}
     * declare it in {@link Step#repairs()}.
     */
    public Builder deletion() {
      this.deletion = true;
      return this;
    }

    /**
     * @throws IllegalStateException if no step was added
     */
    public Flow build() {
      if (steps.isEmpty()) {
        throw new IllegalStateException("flow " + name + " has no steps");
      }
      return new Flow(this);
    }
  }
}
