package io.rdstagflow.core.internal;

import io.rdstagflow.core.ConcurrentOperationException;
import io.rdstagflow.core.Flow;
import io.rdstagflow.core.FlowStart;
import io.rdstagflow.core.Inspection;
import io.rdstagflow.core.InstanceNotFoundException;
import io.rdstagflow.core.InvalidFlowParameterException;
import io.rdstagflow.core.OperationStatus;
import io.rdstagflow.core.OperationToken;
import io.rdstagflow.core.PollResult;
import io.rdstagflow.core.OperatorActionException;
import io.rdstagflow.core.RdsCallException;
import io.rdstagflow.core.RdsInstance;
import io.rdstagflow.core.Step;
import io.rdstagflow.core.TagLimitException;
import io.rdstagflow.core.UnknownFlowException;
import io.rdstagflow.core.internal.StepRecord.Status;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine behind {@code TagStateMachine}: beginning operations, polls (in {@link Poll}) and the
 * operator actions, each a describe and one tag write (plus, where an older operation's keys must
 * go, one removal that may fail harmlessly). Thread-safe: it holds only immutable settings.
 */
public final class Engine {

  private static final Logger log = LoggerFactory.getLogger(Engine.class);

  /** Words in a parameter name that say it holds a secret; such a value must never become a tag. */
  private static final Pattern SECRET_WORD = Pattern.compile(
      "pass|passwd|password|passphrase|pwd|pw|secret|secrets|token|tokens|cred|creds|credential|credentials"
          + "|uri|url|urls|dsn|jdbc|conn|connection|auth|apikey|privatekey|accesskey|signingkey|sas|otp|pin");
  /** The same, run together with other words (dbpassword, masterpw, apikey). */
  private static final Pattern SECRET_PART = Pattern.compile(
      ".*(password|passwd|passphrase|secret|credential|token|privatekey|apikey|accesskey|keymaterial|signingkey"
          + "|encryptionkey|connectionstring|pw$|pwd|creds$|uri$|url$|dsn$).*");
  /** A URI that carries a user and password, {@code scheme://user:password@host}. */
  private static final Pattern URI_CREDENTIALS = Pattern.compile("(?i).*[a-z][a-z0-9+.-]*://[^/@\\s]*:[^/@\\s]*@.*");

  private final EngineSettings s;
  private final RdsCalls rds;

  /** An engine with these settings. */
  public Engine(EngineSettings settings) {
    this.s = settings;
    this.rds = new RdsCalls(settings.gateway(), settings.budget(), settings.coalescingWindow());
  }

  /** The settings. */
  public EngineSettings settings() {
    return s;
  }

  /** See {@code TagStateMachine.poll}. */
  public OperationStatus poll(String instanceId, OperationToken token) {
    return new Poll(s, rds, instanceId, token).run();
  }

  /** See {@code TagStateMachine.pollResult}. */
  public PollResult pollResult(String instanceId, OperationToken token) {
    return new Poll(s, rds, instanceId, token).result();
  }

  /** The newest registered definition of this flow. */
  public Flow flow(String flowName) {
    Flow flow = s.flows().latest(flowName);
    if (flow == null) {
      throw new UnknownFlowException(flowName, s.flows().names());
    }
    return flow;
  }

  /** See {@code TagStateMachine.startTags}. */
  public FlowStart startTags(String instanceId, Flow flow, Map<String, String> parameters) {
    Operation op = newOperation(registered(flow), parameters, null, null);
    Map<String, String> tags = s.codec().encode(op);
    if (tags.size() + leaseRoom() > TagRules.MAX_TAGS) {
      throw new TagLimitException(0, tags.size() + leaseRoom());
    }
    return new FlowStart(tags, token(op), leaseRoom());
  }

  /** See {@code TagStateMachine.startAccepted}. */
  public void startAccepted(String instanceId, FlowStart start) {
    String flowName = start.token().flowName().orElse("?");
    log.info("instance {}: flow {} begins with the instance (operation {})", instanceId, flowName,
        start.token().operationId().orElse("?"));
    fire(() -> s.listener().flowStarted(instanceId, flowName));
  }

  /** See {@code TagStateMachine.begin}. */
  public OperationToken begin(String instanceId, Flow flow, Map<String, String> parameters) {
    Flow def = registered(flow);
    checkParameters(def, parameters);
    RdsInstance instance = describe(instanceId);
    TagCodec.Decoded decoded = s.codec().decode(instance.tags(), null, s.flows());
    if (decoded instanceof TagCodec.Decoded.Found found && isRunning(found.operation(), found.flow(), instance)) {
      Operation running = found.operation();
      if (isSameUnstarted(running, def, parameters)) {
        // A repeated begin after an ambiguous failure (the write landed, its answer was lost).
        log.info("instance {}: begin repeated for operation {}, which has not advanced; same operation",
            instanceId, running.id());
        return token(running);
      }
      throw new ConcurrentOperationException(instanceId, token(running));
    }
    if (decoded instanceof TagCodec.Decoded.Unknown u && !u.retired() && u.state() == Operation.State.RUNNING
        && s.clock().instant().isBefore(u.since().plus(EngineSettings.UNKNOWN_FLOW_WAIT))) {
      throw new ConcurrentOperationException(instanceId, "operation " + u.operationId() + " of flow " + u.flowName()
          + " definition " + u.definition() + ", which this engine does not have, began at " + u.since());
    }
    if (decoded instanceof TagCodec.Decoded.Newer || decoded instanceof TagCodec.Decoded.Superseded) {
      throw new ConcurrentOperationException(instanceId, "an operation this engine cannot read is on the instance ("
          + (decoded instanceof TagCodec.Decoded.Newer n ? n.description()
          : ((TagCodec.Decoded.Superseded) decoded).description()) + ")");
    }
    String previous = decoded instanceof TagCodec.Decoded.Found replaced
        ? replaced.operation().id() + "/" + (replaced.operation().state() == Operation.State.SUCCEEDED
            ? "succeeded" : "failed") : null;
    Operation op = newOperation(def, parameters, s.codec().newestStamp(instance.tags()), previous);
    Map<String, String> tags = s.codec().encode(op);
    Map<String, String> old = s.codec().ownTags(instance.tags());
    int others = instance.tags().size() - old.size();
    if (others + tags.size() + leaseRoom() > TagRules.MAX_TAGS) {
      throw new TagLimitException(others, tags.size() + leaseRoom());
    }
    addTagsRetried(instance, tags);
    List<String> stale = new ArrayList<>();
    for (String key : old.keySet()) {
      if (!tags.containsKey(key)) {
        stale.add(key);
      }
    }
    if (!stale.isEmpty()) {
      try {
        rds.removeTags(instance, stale);
      } catch (RuntimeException e) {
        // Stamped with the older operation, they are ignored by every decision; a later poll removes them.
        log.info("instance {}: could not remove the older operation's tags {} yet", instanceId, stale);
      }
    }
    log.info("instance {}: flow {} begun (operation {})", instanceId, def.name(), op.id());
    fire(() -> s.listener().flowStarted(instanceId, def.name()));
    return token(op);
  }

  /** See {@code TagStateMachine.inspect}. */
  public Inspection inspect(String instanceId) {
    RdsInstance instance = describe(instanceId);
    TagCodec.Decoded decoded = s.codec().decode(instance.tags(), null, s.flows());
    Optional<Inspection.OperationView> op = decoded instanceof TagCodec.Decoded.Found f
        ? Optional.of(view(f.operation(), f.flow(), instance)) : Optional.empty();
    Optional<String> problem = describeProblem(decoded);
    return new Inspection(instance, op, problem, s.codec().ownTags(instance.tags()));
  }

  /** See {@code TagStateMachine.retry}. */
  public OperationToken retry(String instanceId) {
    RdsInstance instance = describe(instanceId);
    TagCodec.Decoded.Found found = found(instanceId, instance, "retry");
    Operation op = found.operation();
    if (op.state() != Operation.State.FAILED) {
      throw new OperatorActionException("operation " + op.id() + " of flow " + op.flowName() + " on instance "
          + instanceId + " has not failed; nothing to retry");
    }
    Operation retried = op.retried(now());
    write(instance, retried);
    log.info("instance {}: operation {} of flow {} retried by an operator", instanceId, op.id(), op.flowName());
    return token(retried);
  }

  /** See {@code TagStateMachine.abort}. */
  public boolean abort(String instanceId) {
    RdsInstance instance = describe(instanceId);
    TagCodec.Decoded decoded = s.codec().decode(instance.tags(), null, s.flows());
    if (decoded instanceof TagCodec.Decoded.Problem) {
      Map<String, String> own = s.codec().ownTags(instance.tags());
      rds.removeTags(instance, own.keySet());
      log.info("instance {}: tags not understood removed by an operator (abort): {}", instanceId, own.keySet());
      return true;
    }
    if (!(decoded instanceof TagCodec.Decoded.Found found) || !found.operation().isRunning()) {
      return false;
    }
    Operation op = found.operation();
    write(instance, op.failed(now(), "flow " + op.flowName() + " aborted by an operator"));
    log.info("instance {}: operation {} of flow {} aborted by an operator", instanceId, op.id(), op.flowName());
    return true;
  }

  /** See {@code TagStateMachine.moveToDefinition}. */
  public OperationToken moveToDefinition(String instanceId, int version) {
    RdsInstance instance = describe(instanceId);
    TagCodec.Decoded decoded = s.codec().decode(instance.tags(), null, s.flows());
    String opId;
    String flowName;
    Instant since;
    Map<String, String> parameters;
    if (decoded instanceof TagCodec.Decoded.Found f) {
      opId = f.operation().id();
      flowName = f.operation().flowName();
      since = f.operation().since();
      parameters = f.operation().parameters();
      if (f.operation().state() == Operation.State.SUCCEEDED) {
        throw new OperatorActionException("operation " + opId + " on instance " + instanceId + " has succeeded;"
            + " nothing to move");
      }
    } else if (decoded instanceof TagCodec.Decoded.Unknown u) {
      opId = u.operationId();
      flowName = u.flowName();
      since = u.since();
      parameters = s.codec().paramsOf(instance.tags(), opId);
    } else {
      throw new OperatorActionException("instance " + instanceId + " has no operation to move"
          + describeProblem(decoded).map(p -> " (" + p + ")").orElse(""));
    }
    Flow target = s.flows().get(flowName, version);
    if (target == null) {
      throw new OperatorActionException("flow " + flowName + " has no registered version " + version
          + " (this engine has " + s.flows().versions(flowName) + ")");
    }
    Map<String, StepRecord> old = s.codec().stepsOf(instance.tags(), opId);
    // Done carries over for the longest prefix of the new list whose steps were all done; every
    // later step runs (again): never a step skipped, at least once as always.
    List<StepRecord> steps = new ArrayList<>();
    boolean prefix = true;
    for (int i = 0; i < target.steps().size(); i++) {
      String name = target.steps().get(i).name();
      StepRecord was = old.get(name);
      prefix &= was != null && was.status() == Status.DONE;
      StepRecord fresh = StepRecord.pending(name, i + 1);
      steps.add(prefix ? fresh.done() : fresh);
    }
    Operation moved = new Operation(opId, flowName, target.version(), target.fingerprint(), since, now(),
        Operation.State.RUNNING, null, null, steps, parameters, null,
        decoded instanceof TagCodec.Decoded.Found f ? f.operation().previous() : null);
    write(instance, moved);
    log.info("instance {}: operation {} moved to flow {} definition {} by an operator", instanceId, opId, flowName,
        version);
    return token(moved);
  }

  /** See {@code TagStateMachine.runningOperation}. */
  public Optional<Inspection.OperationView> runningOperation(String instanceId) {
    return inspect(instanceId).runningOperation();
  }

  // ---- helpers ----

  /** The registered definition for this flow (the same object, or one with the same steps). */
  private Flow registered(Flow flow) {
    Flow def = s.flows().get(flow.name(), flow.version());
    if (def == null) {
      throw new UnknownFlowException(flow.name() + " version " + flow.version(), s.flows().names());
    }
    if (def != flow && !def.fingerprint().equals(flow.fingerprint())) {
      throw new IllegalArgumentException("the engine has another " + def + " registered than " + flow
          + "; register this one, or give it a new version");
    }
    return def;
  }

  private TagCodec.Decoded.Found found(String instanceId, RdsInstance instance, String action) {
    TagCodec.Decoded decoded = s.codec().decode(instance.tags(), null, s.flows());
    if (decoded instanceof TagCodec.Decoded.Found f) {
      return f;
    }
    Optional<String> problem = describeProblem(decoded);
    if (problem.isPresent()) {
      throw new OperatorActionException("instance " + instanceId + ": cannot " + action + ": " + problem.get());
    }
    throw new OperatorActionException("instance " + instanceId + " has no operation to " + action);
  }

  private static Optional<String> describeProblem(TagCodec.Decoded decoded) {
    if (decoded instanceof TagCodec.Decoded.Problem p) {
      return Optional.of(p.description());
    }
    if (decoded instanceof TagCodec.Decoded.Unknown u) {
      return Optional.of(u.description());
    }
    if (decoded instanceof TagCodec.Decoded.Newer n) {
      return Optional.of(n.description());
    }
    if (decoded instanceof TagCodec.Decoded.Superseded sup) {
      return Optional.of(sup.description());
    }
    return Optional.empty();
  }

  /**
   * The write that begins an operation, tried again (the same tags) after a transient failure: a
   * write whose answer was lost, or that lands late, then carries the same values as its retry, so it
   * cannot overwrite the operation a retried {@code begin} would otherwise have made.
   */
  private void addTagsRetried(RdsInstance instance, Map<String, String> tags) {
    Duration backoff = Duration.ofMillis(200);
    for (int attempt = 1; ; attempt++) {
      try {
        rds.addTags(instance, tags);
        return;
      } catch (RdsCallException e) {
        if (!e.isTransient() || attempt >= 3) {
          throw e;
        }
        try {
          s.sleeper().sleep(backoff);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
        backoff = backoff.multipliedBy(2);
      }
    }
  }

  /** One AddTags with what differs, and a removal of the library keys the operation no longer has. */
  private void write(RdsInstance instance, Operation op) {
    TagDiff diff = TagDiff.between(s.codec().ownTags(instance.tags()), s.codec().encode(op), op.id());
    if (!diff.add().isEmpty()) {
      rds.addTags(instance, diff.add());
    }
    if (!diff.remove().isEmpty()) {
      try {
        rds.removeTags(instance, diff.remove());
      } catch (RuntimeException e) {
        log.info("instance {}: could not remove {} yet; a later poll does", instance.id(), diff.remove());
      }
    }
  }

  private boolean isRunning(Operation op, Flow flow, RdsInstance instance) {
    return op.isRunning() && !s.clock().instant().isAfter(flowDeadline(op, flow, instance));
  }

  private Instant flowDeadline(Operation op, Flow flow, RdsInstance instance) {
    return op.deadlineBase().plus(flow.deadline().forInstance(instance)).plus(s.clockSkew());
  }

  private static boolean isSameUnstarted(Operation running, Flow def, Map<String, String> parameters) {
    if (!running.flowName().equals(def.name()) || running.definition() != def.version()
        || !running.parameters().equals(Map.copyOf(parameters)) || running.restartedAt() != null) {
      return false;
    }
    for (StepRecord st : running.steps()) {
      if (st.status() != Status.PENDING || st.firstAttemptAt().isPresent()) {
        return false;
      }
    }
    return true;
  }

  private Operation newOperation(Flow flow, Map<String, String> parameters, String newestOnInstance,
      String previous) {
    checkParameters(flow, parameters);
    List<StepRecord> steps = new ArrayList<>();
    for (int i = 0; i < flow.steps().size(); i++) {
      steps.add(StepRecord.pending(flow.steps().get(i).name(), i + 1));
    }
    Instant now = now();
    return new Operation(OperationIds.nextAfter(newestOnInstance, now), flow.name(), flow.version(), flow.fingerprint(), now, null,
        Operation.State.RUNNING, null, null, steps, new LinkedHashMap<>(parameters), null, previous);
  }

  private void checkParameters(Flow flow, Map<String, String> parameters) {
    for (Map.Entry<String, String> p : parameters.entrySet()) {
      String name = p.getKey();
      String value = p.getValue();
      if (name == null || value == null) {
        throw new InvalidFlowParameterException("flow parameters may not have null names or values");
      }
      if (looksSecret(name)) {
        throw new InvalidFlowParameterException("parameter '" + name + "' is named like a secret; tags are "
            + "readable by anyone who may describe the instance, so secrets never go into them: derive it in a "
            + "step from a PasswordSource or read it from your secret store instead");
      }
      String keyProblem = TagRules.keyProblem(s.codec().paramKey(name));
      if (keyProblem != null) {
        throw new InvalidFlowParameterException("parameter name '" + name + "' cannot be part of a tag key: "
            + keyProblem);
      }
      // The value itself is never quoted: it may be something the caller did not mean to show.
      if (URI_CREDENTIALS.matcher(value).matches()) {
        throw new InvalidFlowParameterException("the value of parameter '" + name + "' is a URI with a user and"
            + " password in it; tags are readable by anyone who may describe the instance: pass the host and"
            + " user only, and the password from your secret store");
      }
      String valueProblem = TagRules.valueProblem(value);
      if (valueProblem == null && value.length() > TagCodec.maxParameterLength()) {
        valueProblem = "a parameter value may have at most " + TagCodec.maxParameterLength() + " characters"
            + " (the rest of the tag holds the operation id), this one has " + value.length();
      }
      if (valueProblem != null) {
        throw new InvalidFlowParameterException("the value of parameter '" + name + "' cannot be a tag value: "
            + valueProblem);
      }
    }
    for (Step step : flow.steps()) {
      for (String required : step.requiredParameters()) {
        if (!parameters.containsKey(required)) {
          throw new InvalidFlowParameterException("flow " + flow.name() + " needs the parameter " + required
              + " (step " + step.name() + " reads it); it was not given");
        }
      }
    }
  }

  static boolean looksSecret(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    for (String word : lower.split("[^a-z0-9]+")) {
      if (SECRET_WORD.matcher(word).matches()) {
        return true;
      }
    }
    return SECRET_PART.matcher(lower.replaceAll("[^a-z0-9]", "")).matches();
  }

  private int leaseRoom() {
    return s.claimPolicy().leaseTime().isPresent() ? 1 : 0;
  }

  private Instant now() {
    return s.clock().instant().truncatedTo(ChronoUnit.SECONDS);
  }

  private RdsInstance describe(String instanceId) {
    return rds.describeFirst(instanceId).orElseThrow(() -> new InstanceNotFoundException(instanceId));
  }

  private void fire(Runnable event) {
    try {
      event.run();
    } catch (RuntimeException e) {
      log.warn("the flow listener threw {}; ignored", e.getClass().getName());
    }
  }

  static OperationToken token(Operation op) {
    return OperationToken.forFlow(op.flowName(), op.definition(), op.since(), op.id());
  }

  private Inspection.OperationView view(Operation op, Flow flow, RdsInstance instance) {
    List<Inspection.StepView> steps = new ArrayList<>();
    for (StepRecord st : op.steps()) {
      steps.add(new Inspection.StepView(st.name(), st.seq(), Inspection.StepState.valueOf(st.status().name()),
          st.firstAttemptAt(), st.startedAt(), st.tries(), st.dueAt(), st.reason()));
    }
    return new Inspection.OperationView(token(op), op.flowName(), op.definition(), op.since(),
        Optional.ofNullable(op.restartedAt()), Inspection.OperationState.valueOf(op.state().name()),
        Optional.ofNullable(op.endedAt()),
        op.state() == Operation.State.FAILED ? Optional.of(op.failureDescription()) : Optional.empty(), steps,
        op.parameters(), flowDeadline(op, flow, instance), isRunning(op, flow, instance));
  }
}
