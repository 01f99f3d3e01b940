package io.rdstagflow.core.internal;

import io.rdstagflow.core.spi.ErrorClassification;
import io.rdstagflow.core.Flow;
import io.rdstagflow.core.FlowListener;
import io.rdstagflow.core.OperationStatus;
import io.rdstagflow.core.OperationToken;
import io.rdstagflow.core.PendingOperation;
import io.rdstagflow.core.RdsCallException;
import io.rdstagflow.core.RdsInstance;
import io.rdstagflow.core.Step;
import io.rdstagflow.core.StepContext;
import io.rdstagflow.core.StepPolicy;
import io.rdstagflow.core.StepResult;
import io.rdstagflow.core.StepState;
import io.rdstagflow.core.StepState.Status;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One poll of one instance: the whole of design.md's "One poll" in one place. Describe once, decode
 * the tags, answer from the instance status when nothing can run, else run due steps in order
 * (chaining {@code done} ones within the time budget), and record all that was learned in at most
 * one tag write, plus one removal when the flow ends.
 *
 * <p>Used once, by one thread.
 */
final class Poll {

  private static final Logger log = LoggerFactory.getLogger(Poll.class);

  /** How long after an operation began a describe that does not list the instance may be lag, not loss. */
  static final Duration NOT_LISTED_GRACE = Duration.ofMinutes(5);

  private final EngineSettings s;
  private final Events events;
  private final String instanceId;
  private final OperationToken token;
  private final Instant startedAt;

  private RdsInstance instance;
  private Flow flow;
  private PendingOperation read;
  private StepState[] steps;
  private PendingOperation.Lease lease;
  private Optional<String> flowFailure;
  private boolean claimed;
  /** The operation as the claim's read-back describe showed it, to decide on afresh. */
  private PendingOperation reread;

  Poll(EngineSettings settings, String instanceId, OperationToken token) {
    this.s = settings;
    this.events = new Events(settings.listener(), instanceId);
    this.instanceId = instanceId;
    this.token = token;
    this.startedAt = settings.clock().instant();
  }

  OperationStatus run() {
    Optional<RdsInstance> described;
    try {
      described = s.gateway().describe(instanceId);
    } catch (RuntimeException e) {
      return callFailed("DescribeDBInstances", e);
    }
    if (described.isEmpty()) {
      if (token != null && token.isDeletion()) {
        return OperationStatus.succeeded("instance " + instanceId + " is gone");
      }
      if (token != null && s.clock().instant().isBefore(token.since().plus(NOT_LISTED_GRACE).plus(s.clockSkew()))) {
        // RDS's reads are eventually consistent: right after a create or restore, a describe may not list it yet.
        return OperationStatus.inProgress("instance " + instanceId + " is not listed yet");
      }
      return OperationStatus.failed("instance " + instanceId + " not found");
    }
    instance = described.get();
    if (token != null && token.isDeletion()) {
      return OperationStatus.inProgress("instance is " + instance.status());
    }
    TagCodec.Decoded decoded = s.codec().decode(instance.tags(), s.flows());
    if (decoded instanceof TagCodec.Decoded.Problem problem) {
      if (token != null && s.codec().isDebrisOf(instance.tags(), s.flows().get(token.flowName().orElse("")))) {
        return debrisOfEndedFlow();
      }
      log.warn("instance {}: flow tags not understood: {}", instanceId, problem.description());
      return OperationStatus.failed(problem.description());
    }
    if (decoded instanceof TagCodec.Decoded.None) {
      return withoutFlowTags();
    }
    PendingOperation op = ((TagCodec.Decoded.Found) decoded).operation();
    if (token != null && !token.equals(op.token())) {
      return forOtherOperation(op);
    }
    MDC.put(Mdc.INSTANCE, instanceId);
    MDC.put(Mdc.FLOW, op.flowName());
    try {
      return advance(op);
    } finally {
      MDC.remove(Mdc.INSTANCE);
      MDC.remove(Mdc.FLOW);
    }
  }

  // ---- answers without a flow ----

  private OperationStatus withoutFlowTags() {
    if (token != null && isRecent(token.since())) {
      // Right after begin, a lagging describe may not show the new tags yet.
      return OperationStatus.inProgress("operation " + token.flowName().orElse("") + " is starting");
    }
    return statusAlone();
  }

  private OperationStatus statusAlone() {
    String status = instance.status();
    if (s.statusPolicy().isBroken(status)) {
      return OperationStatus.failed("instance status " + status);
    }
    if (instance.isAvailable()) {
      return OperationStatus.succeeded("instance is available");
    }
    return OperationStatus.inProgress("instance is " + status);
  }

  /**
   * The token's flow has ended (its tags were removed), and a slow poller's tag write, computed
   * before that, landed after it and put back some step tags. Tags have no compare-and-set, so this
   * cannot be prevented; it is told apart from a hand edit by its shape (see
   * {@link TagCodec#isDebrisOf}), answered as the ended flow, and cleaned up.
   */
  private OperationStatus debrisOfEndedFlow() {
    Collection<String> debris = s.codec().flowTags(instance.tags()).keySet();
    try {
      s.gateway().removeTags(instance, debris);
      log.info("instance {}: removed {} left by a late write after the flow ended", instanceId, debris);
    } catch (RuntimeException e) {
      log.info("instance {}: could not remove {} left by a late write: {}", instanceId, debris,
          s.gateway().classify(e).code());
    }
    return statusAlone();
  }

  private OperationStatus forOtherOperation(PendingOperation op) {
    OperationToken current = op.token();
    if (token.since().isAfter(current.since()) && isRecent(token.since())) {
      return OperationStatus.inProgress("operation " + token.flowName().orElse("") + " is starting");
    }
    if (token.since().isAfter(current.since())) {
      return OperationStatus.failed("operation " + token + " is not recorded on the instance, which shows "
          + current + " instead");
    }
    return OperationStatus.failed("operation " + token + " is no longer current: a newer operation, "
        + current.flowName().orElse("") + " since " + current.since() + ", has begun on the instance");
  }

  private boolean isRecent(Instant since) {
    return s.clock().instant().isBefore(since.plus(s.settleTime()).plus(s.clockSkew()));
  }

  // ---- the flow ----

  private OperationStatus advance(PendingOperation op) {
    flow = s.flows().get(op.flowName());
    read = op;
    steps = op.steps().toArray(new StepState[0]);
    lease = op.lease().orElse(null);
    flowFailure = op.failure();
    if (op.isFailed()) {
      return OperationStatus.failed(op.failureDescription().orElseThrow());
    }
    Instant now = s.clock().instant();
    Duration flowDeadline = flow.deadline().forInstance(instance);
    if (now.isAfter(op.deadlineBase().plus(flowDeadline).plus(s.clockSkew()))) {
      return failFlow("exceeded its flow deadline of " + flowDeadline);
    }
    if (s.statusPolicy().isBroken(instance.status())) {
      return failFlow("failed: instance status " + instance.status());
    }
    int i = currentIndex();
    if (i == steps.length) {
      return finish();
    }
    StepState current = steps[i];
    Duration stepDeadline = flow.policy(i).deadline().forInstance(instance);
    if (current.firstAttemptAt().isPresent()
        && now.isAfter(current.firstAttemptAt().get().plus(stepDeadline).plus(s.clockSkew()))) {
      return failStep(i, "exceeded its deadline of " + stepDeadline);
    }
    if (!instance.isSettled()) {
      return OperationStatus.inProgress(busyDescription(current));
    }
    return runSteps(i);
  }

  private OperationStatus runSteps(int first) {
    for (int i = first; i < steps.length; i++) {
      StepState st = steps[i];
      Step step = flow.steps().get(i);
      Instant now = s.clock().instant();
      if (i > first && !now.isBefore(startedAt.plus(s.pollBudget()))) {
        return record(OperationStatus.inProgress("step " + st.name() + " is next; it runs on the next poll"));
      }
      if (st.status() == Status.STARTED) {
        Instant settledAt = st.startedAt().orElseThrow().plus(s.settleTime()).plus(s.clockSkew());
        if (now.isBefore(settledAt)) {
          return record(OperationStatus.inProgress("step " + st.name() + " started; the instance is settling",
              Duration.between(now, settledAt)));
        }
        boolean complete;
        try {
          complete = step.completion(context(i, st, now)).isComplete();
        } catch (RuntimeException e) {
          return stepThrew(i, e);
        }
        if (!complete) {
          return record(OperationStatus.inProgress("step " + st.name() + " started; waiting for it to complete"));
        }
        markDone(i);
        continue;
      }
      if (st.dueAt().isPresent() && now.isBefore(st.dueAt().get())) {
        return record(OperationStatus.inProgress("step " + st.name() + " waits to be retried"
            + st.reason().map(r -> " after: " + r).orElse(""), Duration.between(now, st.dueAt().get())));
      }
      if (!claimed && s.claimPolicy().leaseTime().isPresent()) {
        OperationStatus refused = claim(st);
        if (refused != null) {
          return refused;
        }
        if (reread != null) {
          // The claim cost a second describe: decide again on what it shows (status, steps others recorded).
          PendingOperation fresh = reread;
          reread = null;
          return advance(fresh);
        }
        now = s.clock().instant();
      }
      StepResult result;
      try {
        result = step.run(context(i, st, now));
      } catch (RuntimeException e) {
        return stepThrew(i, e);
      }
      OperationStatus stop = apply(i, result, now);
      if (stop != null) {
        return stop;
      }
    }
    return finish();
  }

  /** Records a step's result; {@code null} to go on to the next step. */
  private OperationStatus apply(int i, StepResult result, Instant now) {
    StepState st = steps[i];
    Instant firstAttempt = st.firstAttemptAt().orElse(now);
    StepPolicy policy = flow.policy(i);
    if (result instanceof StepResult.Done) {
      markDone(i);
      return null;
    }
    if (result instanceof StepResult.Started) {
      steps[i] = new StepState(st.name(), st.seq(), Status.STARTED, Optional.of(firstAttempt), Optional.of(now),
          st.tries() + 1, Optional.empty(), Optional.empty());
      events.add(l -> l.stepStarted(instanceId, flow.name(), st.name(), st.tries() + 1));
      log.info("instance {}: step {} started", instanceId, st.name());
      return record(OperationStatus.inProgress("step " + st.name() + " started"));
    }
    if (result instanceof StepResult.Waiting waiting) {
      if (st.status() == Status.PENDING) {
        steps[i] = new StepState(st.name(), st.seq(), Status.RUNNING, Optional.of(firstAttempt), Optional.empty(),
            st.tries(), Optional.empty(), Optional.empty());
      }
      log.debug("instance {}: step {} waiting: {}", instanceId, st.name(), waiting.reason());
      return record(OperationStatus.inProgress("step " + st.name() + " waiting: " + waiting.reason()));
    }
    if (result instanceof StepResult.Retry retry) {
      int tries = st.tries() + 1;
      if (tries >= policy.retry().maxAttempts()) {
        return failStep(i, "failed after " + tries + " tries: " + retry.reason(), tries, firstAttempt);
      }
      Duration backoff = policy.retry().backoffAfter(tries);
      StepState retrying = new StepState(st.name(), st.seq(), Status.RUNNING, Optional.of(firstAttempt),
          Optional.empty(), tries, Optional.of(now.plus(backoff)), Optional.empty());
      String reason = s.codec().fitReason(retrying, retry.reason());
      steps[i] = withReason(retrying, reason);
      events.add(l -> l.stepRetried(instanceId, flow.name(), st.name(), tries, reason));
      log.info("instance {}: step {} will be retried (try {} of {}): {}", instanceId, st.name(), tries,
          policy.retry().maxAttempts(), reason);
      return record(OperationStatus.inProgress("step " + st.name() + " will be retried: " + reason, backoff));
    }
    StepResult.Failed failed = (StepResult.Failed) result;
    return failStep(i, "failed: " + failed.reason(), st.tries() + 1, firstAttempt);
  }

  private OperationStatus stepThrew(int i, RuntimeException e) {
    ErrorClassification c = s.gateway().classify(e);
    switch (c.kind()) {
      case TRANSIENT:
        log.info("instance {}: step {} met a transient error {}; it runs again on a later poll",
            instanceId, steps[i].name(), c.code());
        return record(OperationStatus.inProgress("step " + steps[i].name() + " met a transient error "
            + c.code() + "; retrying", s.transientRetryAfter()));
      case NOT_FOUND:
        return OperationStatus.failed("instance " + instanceId + " not found");
      default:
        return failStep(i, "failed: " + c.code(), steps[i].tries() + 1,
            steps[i].firstAttemptAt().orElse(s.clock().instant()));
    }
  }

  private void markDone(int i) {
    StepState st = steps[i];
    steps[i] = st.done();
    events.add(l -> l.stepDone(instanceId, flow.name(), st.name()));
    log.info("instance {}: step {} done", instanceId, st.name());
  }

  /**
   * Writes a lease, reads it back and keeps going only if it is this engine's; {@code null} when
   * the claim holds.
   */
  private OperationStatus claim(StepState st) {
    Instant now = s.clock().instant();
    if (lease != null && !lease.owner().equals(s.ownerId())
        && now.isBefore(lease.until().plus(s.clockSkew()))) {
      return record(OperationStatus.inProgress("step " + st.name() + " is claimed by another broker until "
          + lease.until()));
    }
    if (lease != null && lease.owner().equals(s.ownerId()) && now.isBefore(lease.until())) {
      claimed = true;
      return null;
    }
    PendingOperation.Lease mine = new PendingOperation.Lease(s.ownerId(),
        now.plus(s.claimPolicy().leaseTime().orElseThrow()).truncatedTo(ChronoUnit.SECONDS));
    lease = mine;
    OperationStatus unwritten = write();
    if (unwritten != null) {
      return unwritten;
    }
    Optional<RdsInstance> again;
    try {
      again = s.gateway().describe(instanceId);
    } catch (RuntimeException e) {
      return callFailed("DescribeDBInstances", e);
    }
    if (again.isEmpty()) {
      return OperationStatus.failed("instance " + instanceId + " not found");
    }
    String seen = again.get().tags().get(s.codec().leaseKey());
    if (!s.codec().encodeLease(mine).equals(seen)) {
      return OperationStatus.inProgress("step " + st.name() + " claimed; waiting to see the claim confirmed");
    }
    instance = again.get();
    claimed = true;
    TagCodec.Decoded fresh = s.codec().decode(instance.tags(), s.flows());
    if (fresh instanceof TagCodec.Decoded.Found found && found.operation().token().equals(read.token())) {
      reread = found.operation();
      return null;
    }
    return OperationStatus.inProgress("the flow's tags changed while step " + st.name() + " was being claimed");
  }

  // ---- failure and success ----

  private OperationStatus failStep(int i, String reason) {
    return failStep(i, reason, steps[i].tries(), steps[i].firstAttemptAt().orElse(s.clock().instant()));
  }

  private OperationStatus failStep(int i, String reason, int tries, Instant firstAttempt) {
    StepState st = steps[i];
    StepState failed = new StepState(st.name(), st.seq(), Status.FAILED, Optional.of(firstAttempt),
        Optional.empty(), tries, Optional.empty(), Optional.empty());
    String fitted = s.codec().fitReason(failed, reason);
    steps[i] = withReason(failed, fitted);
    String description = "step " + st.name() + " " + fitted;
    events.add(l -> l.stepFailed(instanceId, flow.name(), st.name(), fitted));
    events.add(l -> l.flowFailed(instanceId, flow.name(), description));
    log.warn("instance {}: {}", instanceId, description);
    return record(OperationStatus.failed(description));
  }

  private OperationStatus failFlow(String reason) {
    String fitted = s.codec().fitFlowReason(current(), reason);
    flowFailure = Optional.of(fitted);
    String description = "flow " + flow.name() + " " + fitted;
    events.add(l -> l.flowFailed(instanceId, flow.name(), description));
    log.warn("instance {}: {}", instanceId, description);
    return record(OperationStatus.failed(description));
  }

  private OperationStatus finish() {
    Collection<String> keys = s.codec().flowTags(instance.tags()).keySet();
    try {
      s.gateway().removeTags(instance, keys);
    } catch (RuntimeException e) {
      return callFailed("RemoveTagsFromResource", e);
    }
    events.add(l -> l.flowSucceeded(instanceId, flow.name()));
    events.fire();
    log.info("instance {}: flow {} succeeded", instanceId, flow.name());
    return OperationStatus.succeeded("flow " + flow.name() + " succeeded");
  }

  // ---- recording ----

  /** Writes what changed, then answers {@code answer}; or answers why it could not write. */
  private OperationStatus record(OperationStatus answer) {
    OperationStatus unwritten = write();
    if (unwritten != null) {
      return unwritten;
    }
    events.fire();
    return answer;
  }

  /** One AddTags with every tag whose value changed; {@code null} when written or nothing to write. */
  private OperationStatus write() {
    PendingOperation now = current();
    if (now.equals(read)) {
      return null;
    }
    Map<String, String> wanted = s.codec().encode(now);
    Map<String, String> changed = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : wanted.entrySet()) {
      if (!e.getValue().equals(instance.tags().get(e.getKey()))) {
        changed.put(e.getKey(), e.getValue());
      }
    }
    if (!changed.isEmpty()) {
      try {
        s.gateway().addTags(instance, changed);
      } catch (RuntimeException e) {
        events.clear();
        return callFailed("AddTagsToResource", e);
      }
    }
    read = now;
    return null;
  }

  private PendingOperation current() {
    return new PendingOperation(read.flowName(), read.formatVersion(), read.since(), read.restartedAt(),
        flowFailure, List.of(steps), read.parameters(), Optional.ofNullable(lease));
  }

  /**
   * A failed call: transient ones leave the operation in progress (a later poll repeats what this
   * one did), not-found fails it, others are thrown, since there is no state to record them in.
   */
  private OperationStatus callFailed(String call, RuntimeException e) {
    ErrorClassification c = s.gateway().classify(e);
    switch (c.kind()) {
      case TRANSIENT:
        log.info("instance {}: {} met a transient error {}; answering in progress", instanceId, call, c.code());
        return OperationStatus.inProgress("RDS call " + call + " met a transient error " + c.code()
            + "; retrying", s.transientRetryAfter());
      case NOT_FOUND:
        return OperationStatus.failed("instance " + instanceId + " not found");
      default:
        throw new RdsCallException(call + " for instance " + instanceId, c, e);
    }
  }

  // ---- helpers ----

  private int currentIndex() {
    for (int i = 0; i < steps.length; i++) {
      if (steps[i].status() != Status.DONE) {
        return i;
      }
    }
    return steps.length;
  }

  private StepContext context(int i, StepState st, Instant now) {
    return new StepContext(instance, flow.name(), st.name(), read.parameters(), st.tries() + 1,
        st.firstAttemptAt().orElse(now), s.clock());
  }

  private String busyDescription(StepState current) {
    StringBuilder b = new StringBuilder("instance is ").append(instance.status());
    if (!instance.pendingModifications().isEmpty()) {
      b.append(", pending ").append(String.join(", ", new TreeSet<>(instance.pendingModifications())));
    }
    for (RdsInstance.ParameterGroup g : instance.parameterGroups()) {
      if (RdsInstance.APPLYING.equals(g.applyStatus())) {
        b.append(", parameter group ").append(g.name()).append(" applying");
      }
    }
    b.append("; next: step ").append(current.name());
    return b.toString();
  }

  private static StepState withReason(StepState st, String reason) {
    return new StepState(st.name(), st.seq(), st.status(), st.firstAttemptAt(), st.startedAt(), st.tries(),
        st.dueAt(), Optional.of(reason));
  }

  /** Listener calls held until the write that records them has succeeded. */
  private static final class Events {
    private final FlowListener listener;
    private final String instanceId;
    private final List<Consumer<FlowListener>> pending = new ArrayList<>(2);

    Events(FlowListener listener, String instanceId) {
      this.listener = listener;
      this.instanceId = instanceId;
    }

    void add(Consumer<FlowListener> event) {
      pending.add(event);
    }

    void clear() {
      pending.clear();
    }

    void fire() {
      for (var event : pending) {
        try {
          event.accept(listener);
        } catch (RuntimeException e) {
          log.warn("instance {}: the flow listener threw {}; ignored", instanceId, e.getClass().getName());
        }
      }
      pending.clear();
    }
  }
}
