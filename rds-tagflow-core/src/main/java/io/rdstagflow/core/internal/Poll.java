package io.rdstagflow.core.internal;

import io.rdstagflow.core.ApiBudgetExhaustedException;
import io.rdstagflow.core.Completion;
import io.rdstagflow.core.FailureKind;
import io.rdstagflow.core.Flow;
import io.rdstagflow.core.FlowListener;
import io.rdstagflow.core.MissingFlowParameterException;
import io.rdstagflow.core.OperationStatus;
import io.rdstagflow.core.OperationToken;
import io.rdstagflow.core.PollResult;
import io.rdstagflow.core.RdsCallException;
import io.rdstagflow.core.RdsInstance;
import io.rdstagflow.core.Step;
import io.rdstagflow.core.StepContext;
import io.rdstagflow.core.StepPolicy;
import io.rdstagflow.core.StepResult;
import io.rdstagflow.core.internal.Operation.Lease;
import io.rdstagflow.core.internal.StepRecord.Status;
import io.rdstagflow.core.spi.ErrorClassification;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
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
 * the tags for the operation asked for, answer without acting when the tags do not prove that
 * operation (not visible yet, superseded, a definition this engine lacks), else complete started
 * steps whose post-condition the describe shows and run due steps in order (chaining {@code done}
 * ones within the time budget), and record all that was learned in one tag write. Deadlines are
 * judged only when the poll would otherwise answer in progress: they bound waiting, never finished
 * work.
 *
 * <p>Used once, by one thread.
 */
final class Poll {

  private static final Logger log = LoggerFactory.getLogger(Poll.class);

  /** The first pause before retrying a tag write that records an accepted action; it doubles. */
  private static final Duration FIRST_WRITE_BACKOFF = Duration.ofMillis(200);
  /** How often such a write is tried in one poll at most. */
  private static final int WRITE_ATTEMPTS = 5;
  /** What a poll pays ahead before it runs a step: the step's call and the write that records it. */
  private static final int STEP_CALLS = 2;
  /** What a poll pays ahead before it claims a step: the lease's write and read-back, the step and its record. */
  private static final int CLAIM_CALLS = 4;
  /** How every answer that waits for the budget begins. */
  private static final String BUDGET_WAIT = "waiting for the engine's RDS API budget";

  private final EngineSettings s;
  private final RdsCalls rds;
  private final Events events;
  private final String instanceId;
  private final OperationToken token;
  private final Instant startedAt;

  private RdsInstance instance;
  private Map<String, String> ownTags;
  private Flow flow;
  private Operation read;
  /** The tags read back exactly as {@link #read}: a poll that changes nothing writes nothing. */
  private boolean clean;
  private StepRecord[] steps;
  private Lease lease;
  private Operation ended;
  private boolean claimed;
  /** Why the answer is {@code failed}, when a failure site knows; otherwise {@link FailureKind#OPERATION}. */
  private FailureKind failure;
  /**
   * Whether this poll has acted (run a step, written a lease): from then on its writes record work
   * begun and go first; before, a write is new work and is paid for ahead.
   */
  private boolean acted;

  Poll(EngineSettings settings, RdsCalls rds, String instanceId, OperationToken token) {
    this.s = settings;
    this.rds = rds;
    this.events = new Events(settings.listener(), instanceId);
    this.instanceId = instanceId;
    this.token = token;
    this.startedAt = settings.clock().instant();
  }

  /** The answer with the kind of failure behind a {@code failed} one. */
  PollResult result() {
    OperationStatus status = run();
    return new PollResult(status, status.state() == OperationStatus.State.FAILED
        ? Optional.of(failure != null ? failure : FailureKind.OPERATION) : Optional.empty());
  }

  OperationStatus run() {
    Optional<RdsInstance> described;
    try {
      described = rds.describe(instanceId);
    } catch (ApiBudgetExhaustedException e) {
      log.debug("instance {}: the RDS API budget has no token; answering in progress", instanceId);
      return RetryAfters.withEstimate(OperationStatus.inProgress(BUDGET_WAIT, e.retryAfter()), null);
    } catch (RdsCallException e) {
      return RetryAfters.withEstimate(callFailed(e), null);
    }
    // Admitted: new work is paid for ahead, then its calls go first.
    OperationStatus answer = rds.inPoll(() -> decide(described));
    return RetryAfters.withEstimate(answer, instance);
  }

  private OperationStatus decide(Optional<RdsInstance> described) {
    if (described.isEmpty()) {
      return notFound();
    }
    instance = described.get();
    if (token != null && token.isDeletion()) {
      return OperationStatus.inProgress("instance is " + instance.status());
    }
    if (token != null && token.kind() == OperationToken.Kind.NEWER_FORMAT) {
      return OperationStatus.inProgress("the operation was begun by a newer rds-tagflow; a broker running it"
          + " advances it");
    }
    TagCodec.Decoded decoded = s.codec().decode(instance.tags(), token, s.flows());
    if (decoded instanceof TagCodec.Decoded.None) {
      return statusAlone();
    }
    if (decoded instanceof TagCodec.Decoded.NotVisible) {
      return notVisible();
    }
    if (decoded instanceof TagCodec.Decoded.Superseded sup) {
      if (token == null) {
        return OperationStatus.inProgress(sup.description());
      }
      return sup.previousOutcome() == Operation.State.SUCCEEDED ? OperationStatus.succeeded(sup.description())
          : OperationStatus.failed(sup.description());
    }
    if (decoded instanceof TagCodec.Decoded.Newer newer) {
      return OperationStatus.inProgress(newer.description());
    }
    if (decoded instanceof TagCodec.Decoded.Unknown unknown) {
      return unknownDefinition(unknown);
    }
    if (decoded instanceof TagCodec.Decoded.Problem problem) {
      log.warn("instance {}: flow tags not understood: {}", instanceId, problem.description());
      return OperationStatus.failed(problem.description());
    }
    TagCodec.Decoded.Found found = (TagCodec.Decoded.Found) decoded;
    MDC.put(Mdc.INSTANCE, instanceId);
    MDC.put(Mdc.FLOW, found.operation().flowName());
    try {
      return found.operation().isRunning() ? advance(found) : terminal(found);
    } finally {
      MDC.remove(Mdc.INSTANCE);
      MDC.remove(Mdc.FLOW);
    }
  }

  // ---- answers that act on nothing ----

  private OperationStatus notFound() {
    if (token != null && (token.isDeletion() || isDeletionFlow(token))) {
      return OperationStatus.succeeded("instance " + instanceId + " is gone");
    }
    if (token != null && withinGrace(token.since())) {
      // RDS's reads are eventually consistent: right after a create or restore, a describe may not list it yet.
      return OperationStatus.inProgress("instance " + instanceId + " is not listed yet");
    }
    failure = FailureKind.INSTANCE_NOT_FOUND;
    return OperationStatus.failed("instance " + instanceId + " not found");
  }

  /** A flow token of a flow that deletes its resource ({@link Flow#isDeletion()}): gone is its success. */
  private boolean isDeletionFlow(OperationToken token) {
    Flow f = token.flowName().map(name -> s.flows().get(name, token.definition())).orElse(null);
    return f != null && f.isDeletion();
  }

  private OperationStatus notVisible() {
    if (withinGrace(token.since())) {
      return OperationStatus.inProgress("operation " + token.flowName().orElse("") + " is starting: its tags are"
          + " not visible on the instance yet");
    }
    log.warn("instance {}: operation {} never appeared in the instance's tags", instanceId, token);
    return OperationStatus.failed("operation " + token.flowName().orElse("") + " (" + token.operationId().orElse("")
        + ") never appeared on instance " + instanceId + ": its tags are not on the instance");
  }

  private OperationStatus unknownDefinition(TagCodec.Decoded.Unknown unknown) {
    // An ended operation's record answers without its definition.
    if (unknown.state() == Operation.State.SUCCEEDED) {
      return OperationStatus.succeeded("flow " + unknown.flowName() + " succeeded");
    }
    if (unknown.state() == Operation.State.FAILED) {
      return OperationStatus.failed(unknown.failure() != null ? unknown.failure()
          : "operation " + unknown.operationId() + " of flow " + unknown.flowName() + " failed");
    }
    if (!unknown.retired() && withinWait(unknown.since(), EngineSettings.UNKNOWN_FLOW_WAIT)) {
      return OperationStatus.inProgress(unknown.description() + "; waiting for a broker that has it");
    }
    log.warn("instance {}: {}", instanceId, unknown.description());
    return OperationStatus.failed(unknown.description());
  }

  private OperationStatus statusAlone() {
    String status = instance.status();
    if (s.statusPolicy().isBroken(status)) {
      failure = FailureKind.INSTANCE_STATUS;
      return OperationStatus.failed("instance status " + status);
    }
    for (RdsInstance.Member m : instance.members()) {
      if (s.statusPolicy().isBroken(m.status())) {
        failure = FailureKind.INSTANCE_STATUS;
        return OperationStatus.failed("cluster member " + m.id() + " status " + m.status());
      }
      if (!s.statusPolicy().isUsable(m.status())) {
        return OperationStatus.inProgress("cluster is " + status + ", member " + m.id() + " is " + m.status());
      }
    }
    if (s.statusPolicy().isUsable(status)) {
      return OperationStatus.succeeded("instance is " + status);
    }
    return OperationStatus.inProgress("instance is " + status);
  }

  private boolean withinGrace(Instant since) {
    return withinWait(since, EngineSettings.NOT_VISIBLE_GRACE);
  }

  private boolean withinWait(Instant since, Duration wait) {
    return s.clock().instant().isBefore(since.plus(wait).plus(s.clockSkew()));
  }

  /** An ended operation: its terminal record answers, and leftovers of late writes are cleaned up. */
  private OperationStatus terminal(TagCodec.Decoded.Found found) {
    Operation op = found.operation();
    TagDiff diff = TagDiff.between(ownTags(), s.codec().encode(op), op.id());
    if (!diff.isEmpty() && rds.payForWork(1).isZero()) { // best effort: a later poll cleans up otherwise
      try {
        write(diff, false);
        log.info("instance {}: tags a late write left after operation {} ended were cleaned up", instanceId, op.id());
      } catch (RdsCallException e) {
        log.info("instance {}: could not clean up after operation {}: {}", instanceId, op.id(),
            e.classification().code());
      }
    }
    if (op.state() == Operation.State.SUCCEEDED) {
      return OperationStatus.succeeded("flow " + op.flowName() + " succeeded");
    }
    // The record keeps the reason, not its kind: the instance as described now and the failed step tell it.
    boolean broken = s.statusPolicy().isBroken(instance.status())
        || instance.members().stream().anyMatch(m -> s.statusPolicy().isBroken(m.status()));
    failure = broken ? FailureKind.INSTANCE_STATUS
        : op.failedStep().isPresent() ? FailureKind.STEP_FAILED : FailureKind.OPERATION;
    return OperationStatus.failed(op.failureDescription());
  }

  // ---- the flow ----

  private OperationStatus advance(TagCodec.Decoded.Found found) {
    flow = found.flow();
    read = found.operation();
    clean = found.clean();
    steps = read.steps().toArray(new StepRecord[0]);
    lease = read.lease();
    if (found.reconstructed()) {
      log.info("instance {}: the flow tag of operation {} was overwritten by an older operation's late write;"
          + " rebuilt from the token", instanceId, read.id());
    }
    int first = currentIndex();
    for (int i = first; i < steps.length; i = currentIndex()) {
      StepRecord st = steps[i];
      Step step = flow.steps().get(i);
      Instant now = now();
      String status = instance.status();
      if (s.statusPolicy().isBroken(status) && !step.repairs().contains(status)) {
        failure = FailureKind.INSTANCE_STATUS;
        return failFlow("failed: instance status " + status);
      }
      for (RdsInstance.Member m : instance.members()) {
        if (s.statusPolicy().isBroken(m.status()) && !step.repairs().contains(m.status())) {
          failure = FailureKind.INSTANCE_STATUS;
          return failFlow("failed: cluster member " + m.id() + " status " + m.status());
        }
      }
      if (i > first && !now.isBefore(startedAt.plus(s.pollBudget()))) {
        return answer(OperationStatus.inProgress("step " + st.name() + " is next; it runs on the next poll",
            RetryAfters.MIN));
      }
      String busy = busy(step);
      if (busy != null) {
        return answer(OperationStatus.inProgress(busy + "; next: step " + st.name()));
      }
      if (st.status() == Status.STARTED) {
        Instant settledAt = clamp(st.startedAt().orElseThrow()).plus(s.settleTime()).plus(s.clockSkew());
        if (now.isBefore(settledAt)) {
          return answer(OperationStatus.inProgress("step " + st.name() + " started; the instance is settling",
              Duration.between(now, settledAt)));
        }
        Completion completion;
        try {
          completion = step.completion(context(i, st, now));
        } catch (RuntimeException e) {
          return stepThrew(i, e);
        }
        if (!completion.isComplete()) {
          return answer(OperationStatus.inProgress("step " + st.name() + " started; waiting for: "
              + completion.waitingFor().orElse("its work to complete")));
        }
        markDone(i);
        continue;
      }
      if (st.dueAt().isPresent() && now.isBefore(st.dueAt().get())) {
        return answer(OperationStatus.inProgress("step " + st.name() + " waits to be retried"
            + st.reason().map(r -> " after: " + r).orElse(""), Duration.between(now, st.dueAt().get())));
      }
      if (!claimed && s.claimPolicy().leaseTime().isPresent()) {
        OperationStatus unpaid = payFor(CLAIM_CALLS, "claim step " + st.name());
        if (unpaid != null) {
          return unpaid;
        }
        OperationStatus refused = claim(st);
        if (refused != null) {
          return refused;
        }
        if (reread != null) {
          // The claim's read-back describe is the newer view: decide again on what it shows.
          Operation fresh = reread;
          reread = null;
          return advance(new TagCodec.Decoded.Found(fresh, flow, false, false));
        }
      }
      OperationStatus unpaid = payFor(STEP_CALLS, "run step " + st.name());
      if (unpaid != null) {
        return unpaid;
      }
      acted = true;
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

  /**
   * Why the instance cannot take the step's work now, or {@code null} when it has settled: a status
   * that is not usable (and that the step does not repair), a parameter group {@code applying}, or
   * pending values within the settle time of the operation's start or last accepted action (after
   * it, on a usable instance, they are changes deferred to the maintenance window).
   */
  private String busy(Step step) {
    String status = instance.status();
    boolean usable = s.statusPolicy().isUsable(status) || step.repairs().contains(status);
    boolean applying = false;
    for (RdsInstance.ParameterGroup g : instance.parameterGroups()) {
      applying |= RdsInstance.APPLYING.equals(g.applyStatus());
    }
    boolean pendingFresh = !instance.pendingModifications().isEmpty()
        && now().isBefore(clamp(lastActionAt()).plus(s.settleTime()).plus(s.clockSkew()));
    String memberBusy = null;
    for (RdsInstance.Member m : instance.members()) {
      boolean memberUsable = s.statusPolicy().isUsable(m.status()) || step.repairs().contains(m.status());
      boolean memberApplying = m.parameterGroups().stream().anyMatch(g -> RdsInstance.APPLYING.equals(g.applyStatus()));
      if ((!memberUsable || memberApplying) && memberBusy == null) {
        memberBusy = "member " + m.id() + " is " + m.status() + (memberApplying ? ", its parameter group applying" : "");
      }
    }
    if (usable && !applying && !pendingFresh && memberBusy == null) {
      return null;
    }
    StringBuilder b = new StringBuilder("instance is ").append(status);
    if (!instance.pendingModifications().isEmpty()) {
      b.append(", pending ").append(String.join(", ", new TreeSet<>(instance.pendingModifications())));
    }
    for (RdsInstance.ParameterGroup g : instance.parameterGroups()) {
      if (RdsInstance.APPLYING.equals(g.applyStatus())) {
        b.append(", parameter group ").append(g.name()).append(" applying");
      }
    }
    if (memberBusy != null) {
      b.append(", ").append(memberBusy);
    }
    return b.toString();
  }

  /** Records a step's result; {@code null} to go on to the next step. */
  private OperationStatus apply(int i, StepResult result, Instant now) {
    StepRecord st = steps[i];
    StepPolicy policy = flow.policy(i);
    if (result instanceof StepResult.Done) {
      markDone(i);
      return null;
    }
    if (result instanceof StepResult.Started) {
      steps[i] = st.started(now);
      events.add(l -> l.stepStarted(instanceId, flow.name(), st.name(), st.tries() + 1));
      log.info("instance {}: step {} started", instanceId, st.name());
      // No poll can complete it before the settle time has passed.
      return record(OperationStatus.inProgress("step " + st.name() + " started",
          s.settleTime().plus(s.clockSkew())), true);
    }
    if (result instanceof StepResult.Waiting waiting) {
      steps[i] = st.attempted(now, null);
      log.debug("instance {}: step {} waiting: {}", instanceId, st.name(), waiting.reason());
      return answer(OperationStatus.inProgress("step " + st.name() + " waiting: " + waiting.reason()));
    }
    if (result instanceof StepResult.Retry retry) {
      int tries = st.tries() + 1;
      if (tries >= policy.retry().maxAttempts()) {
        return failStep(i, "failed after " + tries + " tries: " + retry.reason(), tries);
      }
      Duration backoff = policy.retry().backoffAfter(tries);
      Instant due = now.plus(backoff).truncatedTo(ChronoUnit.SECONDS);
      String reason = s.codec().fitReason(read.id(), st.retrying(now, due, null), retry.reason());
      steps[i] = st.retrying(now, due, reason);
      events.add(l -> l.stepRetried(instanceId, flow.name(), st.name(), tries, reason));
      log.info("instance {}: step {} will be retried (try {} of {}): {}", instanceId, st.name(), tries,
          policy.retry().maxAttempts(), reason);
      return answer(OperationStatus.inProgress("step " + st.name() + " will be retried: " + reason, backoff));
    }
    StepResult.Failed failed = (StepResult.Failed) result;
    return failStep(i, "failed: " + failed.reason(), st.tries() + 1);
  }

  private OperationStatus stepThrew(int i, RuntimeException e) {
    StepRecord st = steps[i];
    if (e instanceof MissingFlowParameterException missing) {
      return failStep(i, "failed: " + missing.getMessage(), st.tries() + 1);
    }
    ErrorClassification c = rds.classify(e);
    switch (c.kind()) {
      case TRANSIENT:
        if (st.status() == Status.PENDING || st.status() == Status.RUNNING) {
          steps[i] = st.attempted(now(), "transient error " + c.code());
        }
        log.info("instance {}: step {} met a transient error {}; it runs again on a later poll",
            instanceId, st.name(), c.code());
        return answer(OperationStatus.inProgress("step " + st.name() + " met a transient error " + c.code()
            + "; retrying", s.transientRetryAfter()));
      case NOT_FOUND:
        failure = FailureKind.INSTANCE_NOT_FOUND;
        return OperationStatus.failed("instance " + instanceId + " not found");
      default:
        return failStep(i, "failed: " + c.code(), st.tries() + 1);
    }
  }

  private void markDone(int i) {
    StepRecord st = steps[i];
    steps[i] = st.done();
    events.add(l -> l.stepDone(instanceId, flow.name(), st.name()));
    log.info("instance {}: step {} done", instanceId, st.name());
  }

  // ---- claims ----

  /** The operation as a claim's read-back describe showed it, to decide on afresh. */
  private Operation reread;

  /**
   * Writes a lease, reads it back and keeps going only if it is this engine's; {@code null} when
   * the claim holds (then {@link #reread} holds the operation as the read-back describe showed it).
   */
  private OperationStatus claim(StepRecord st) {
    Instant now = now();
    if (lease != null && !lease.owner().equals(s.ownerId()) && now.isBefore(lease.until().plus(s.clockSkew()))) {
      // Another broker is about to run the step: no deadline is judged on a step that has not had
      // its chance (the lease expires within one lease time).
      return record(OperationStatus.inProgress("step " + st.name() + " is claimed by another broker until "
          + lease.until(), untilOrMin(lease.until().plus(s.clockSkew()))), false);
    }
    if (lease != null && lease.owner().equals(s.ownerId()) && now.isBefore(lease.until())) {
      claimed = true;
      return null;
    }
    Lease mine = new Lease(s.ownerId(), now.plus(s.claimPolicy().leaseTime().orElseThrow()).truncatedTo(ChronoUnit.SECONDS));
    lease = mine;
    acted = true;
    OperationStatus unwritten = record(null, false);
    if (unwritten != null) {
      return unwritten;
    }
    Optional<RdsInstance> again;
    try {
      again = rds.describeFirst(instanceId);
    } catch (RdsCallException e) {
      return callFailed(e);
    }
    if (again.isEmpty()) {
      failure = FailureKind.INSTANCE_NOT_FOUND;
      return OperationStatus.failed("instance " + instanceId + " not found");
    }
    String seen = again.get().tags().get(s.codec().leaseKey());
    if (!TagCodec.encodeLease(read.id(), mine).equals(seen)) {
      Lease other = otherOwnersLiveLease(again.get());
      if (other != null) {
        return OperationStatus.inProgress("step " + st.name() + " is claimed by another broker until " + other.until(),
            untilOrMin(other.until().plus(s.clockSkew())));
      }
      // The read-back lags behind the lease write and shows no rival: go on as claimed. A claim only
      // makes repeats rarer (the step contract makes them harmless); waiting for a describe that
      // shows it would never end under a standing lag.
      claimed = true;
      return null;
    }
    instance = again.get();
    ownTags = null;
    claimed = true;
    OperationToken self = OperationToken.forFlow(read.flowName(), read.definition(), read.since(), read.id());
    TagCodec.Decoded fresh = s.codec().decode(instance.tags(), self, s.flows());
    if (fresh instanceof TagCodec.Decoded.Found f && f.operation().isRunning()) {
      reread = f.operation();
      return null;
    }
    return OperationStatus.inProgress("the operation's tags changed while step " + st.name() + " was being claimed");
  }

  /** Another engine's lease on this operation that is still live on this describe, or {@code null}. */
  private Lease otherOwnersLiveLease(RdsInstance described) {
    OperationToken self = OperationToken.forFlow(read.flowName(), read.definition(), read.since(), read.id());
    TagCodec.Decoded d = s.codec().decode(described.tags(), self, s.flows());
    if (d instanceof TagCodec.Decoded.Found f && f.operation().lease() != null) {
      Lease l = f.operation().lease();
      if (!l.owner().equals(s.ownerId()) && now().isBefore(l.until().plus(s.clockSkew()))) {
        return l;
      }
    }
    return null;
  }

  // ---- failure and success ----

  private OperationStatus failStep(int i, String reason, int tries) {
    StepRecord st = steps[i];
    Instant now = now();
    String fitted = s.codec().fitReason(read.id(), st.failed(now, tries, null), reason);
    steps[i] = st.failed(now, tries, fitted);
    ended = current().failed(now, null);
    String description = "step " + st.name() + " " + fitted;
    failure = FailureKind.STEP_FAILED;
    events.add(l -> l.stepFailed(instanceId, flow.name(), st.name(), fitted));
    events.add(l -> l.flowFailed(instanceId, flow.name(), description));
    log.warn("instance {}: {}", instanceId, description);
    return record(OperationStatus.failed(description), true);
  }

  private OperationStatus failFlow(String reason) {
    Instant now = now();
    String description = "flow " + flow.name() + " " + reason;
    String fitted = s.codec().fitFlowReason(current().failed(now, null), description);
    ended = current().failed(now, fitted);
    events.add(l -> l.flowFailed(instanceId, flow.name(), fitted));
    log.warn("instance {}: {}", instanceId, fitted);
    return record(OperationStatus.failed(fitted), true);
  }

  private OperationStatus finish() {
    ended = current().succeeded(now());
    events.add(l -> l.flowSucceeded(instanceId, flow.name()));
    OperationStatus unwritten = record(null, true);
    if (unwritten != null) {
      return unwritten;
    }
    log.info("instance {}: flow {} succeeded", instanceId, flow.name());
    return OperationStatus.succeeded("flow " + flow.name() + " succeeded");
  }

  /**
   * Answers in progress, unless a deadline has passed: the flow's since its start (or an operator's
   * retry), the current step's since its first attempt. Judged here, after the poll gave every
   * started step its completion check and every due step its run, so finished work never fails.
   */
  private OperationStatus answer(OperationStatus inProgress) {
    Instant now = now();
    Instant base = read.deadlineBase();
    Duration flowDeadline = flow.deadline().forInstance(instance);
    if (now.isAfter(base.plus(flowDeadline).plus(s.clockSkew()))) {
      return failFlow("exceeded its flow deadline of " + Durations.human(flowDeadline) + "; it was: "
          + inProgress.description());
    }
    int i = currentIndex();
    if (i < steps.length && steps[i].firstAttemptAt().isPresent()) {
      Duration stepDeadline = flow.policy(i).deadline().forInstance(instance);
      Instant first = clamp(steps[i].firstAttemptAt().get());
      if (now.isAfter(first.plus(stepDeadline).plus(s.clockSkew()))) {
        return failStep(i, "exceeded its deadline of " + Durations.human(stepDeadline) + "; it was: "
            + inProgress.description(), steps[i].tries());
      }
    }
    return record(inProgress, false);
  }

  // ---- recording ----

  /**
   * Writes what changed, then answers {@code answer} (or {@code null} once written); or answers why
   * it could not write. An {@code important} write, one that records an accepted action or an
   * end, is retried on transient errors within the poll's time budget: losing it costs a repeated
   * action.
   */
  private OperationStatus record(OperationStatus answer, boolean important) {
    if (clean && unchanged()) {
      events.fire();
      return answer;
    }
    Operation now = current();
    TagDiff diff = TagDiff.between(ownTags(), s.codec().encode(now), now.id());
    if (!diff.isEmpty()) {
      if (!acted) {
        // Progress learned without acting (a step seen complete, a deadline passed): recording it is
        // new work, paid for ahead; a later poll learns it again.
        OperationStatus unpaid = payFor(1, ended != null ? "record the operation's end" : "record its progress");
        if (unpaid != null) {
          return unpaid;
        }
      }
      try {
        write(diff, important);
      } catch (RdsCallException e) {
        events.clear();
        return callFailed(e);
      }
    }
    events.fire();
    return answer;
  }

  private void write(TagDiff diff, boolean important) {
    if (!diff.add().isEmpty()) {
      Duration backoff = FIRST_WRITE_BACKOFF;
      for (int attempt = 1; ; attempt++) {
        try {
          rds.addTags(instance, diff.add());
          break;
        } catch (RdsCallException e) {
          Instant now = s.clock().instant();
          boolean time = attempt < WRITE_ATTEMPTS && now.plus(backoff).isBefore(startedAt.plus(s.pollBudget()));
          if (!important || !e.isTransient() || !time || !pause(backoff)) {
            throw e;
          }
          log.info("instance {}: recording the step's outcome met {}; retrying the write", instanceId,
              e.classification().code());
          backoff = backoff.multipliedBy(2);
        }
      }
      ownTags().putAll(diff.add());
      clean = false;
    }
    if (!diff.remove().isEmpty()) {
      try {
        rds.removeTags(instance, diff.remove());
        diff.remove().forEach(ownTags()::remove);
      } catch (RdsCallException e) {
        // Leftovers are ignored by every decision; a later poll removes them.
        log.info("instance {}: could not remove {}: {}", instanceId, diff.remove(), e.classification().code());
      }
    }
  }

  /**
   * Pays ahead for {@code calls} calls of new work; {@code null} when paid, else the answer to give
   * instead: in progress until the budget has them. What this poll already did and must record (a
   * step it ran) is recorded first: that write goes first.
   */
  private OperationStatus payFor(int calls, String work) {
    Duration wait = rds.payForWork(calls);
    if (wait.isZero()) {
      return null;
    }
    log.debug("instance {}: the RDS API budget has no tokens to {}; answering in progress", instanceId, work);
    OperationStatus waiting = OperationStatus.inProgress(BUDGET_WAIT + " to " + work, wait);
    if (acted) {
      return record(waiting, true);
    }
    events.clear();
    return waiting;
  }

  private boolean pause(Duration d) {
    try {
      s.sleeper().sleep(d);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** {@code true} if this poll changed nothing of what it read (records are immutable: identity suffices). */
  private boolean unchanged() {
    if (ended != null || lease != read.lease()) {
      return false;
    }
    for (int i = 0; i < steps.length; i++) {
      if (steps[i] != read.steps().get(i)) {
        return false;
      }
    }
    return true;
  }

  /** The library's tags on the instance as last described, and as this poll's writes left them. */
  private Map<String, String> ownTags() {
    if (ownTags == null) {
      ownTags = s.codec().ownTags(instance.tags());
    }
    return ownTags;
  }

  /** When this operation's last asynchronous action was accepted, or its start. */
  private Instant lastActionAt() {
    Instant last = read.since();
    for (StepRecord st : steps) {
      Instant t = st.startedAt().orElse(null);
      if (t != null && t.isAfter(last)) {
        last = t;
      }
    }
    return last;
  }

  private Operation current() {
    if (ended != null) {
      return ended;
    }
    return read.withSteps(List.of(steps)).withLease(lease);
  }

  /**
   * A failed call: transient ones leave the operation in progress (a later poll repeats what this
   * one did), not-found fails it, others are thrown, since there is no state to record them in.
   */
  private OperationStatus callFailed(RdsCallException e) {
    ErrorClassification c = e.classification();
    switch (c.kind()) {
      case TRANSIENT:
        log.info("instance {}: {}; answering in progress", instanceId, e.getMessage());
        return OperationStatus.inProgress("an RDS call met a transient error " + c.code() + "; retrying",
            s.transientRetryAfter());
      case NOT_FOUND:
        if (token != null && token.isDeletion()) {
          return OperationStatus.succeeded("instance " + instanceId + " is gone");
        }
        failure = FailureKind.INSTANCE_NOT_FOUND;
        return OperationStatus.failed("instance " + instanceId + " not found");
      default:
        throw new RdsCallException(e.getMessage().replaceFirst(" failed: .*", "") + " for instance " + instanceId,
            c, e.getCause());
    }
  }

  // ---- helpers ----

  private Duration untilOrMin(Instant t) {
    Duration d = Duration.between(s.clock().instant(), t);
    return d.compareTo(RetryAfters.MIN) < 0 ? RetryAfters.MIN : d;
  }

  private Instant now() {
    return s.clock().instant().truncatedTo(ChronoUnit.SECONDS);
  }

  /** A time from a tag, never before its operation's start (a host with a slow clock wrote it). */
  private Instant clamp(Instant t) {
    Instant base = read.deadlineBase();
    return t.isBefore(base) ? base : t;
  }

  private int currentIndex() {
    for (int i = 0; i < steps.length; i++) {
      if (steps[i].status() != Status.DONE) {
        return i;
      }
    }
    return steps.length;
  }

  private StepContext context(int i, StepRecord st, Instant now) {
    return new StepContext(instance, flow.name(), st.name(), read.parameters(), st.tries() + 1,
        clamp(st.firstAttemptAt().orElse(now)), s.clock());
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
