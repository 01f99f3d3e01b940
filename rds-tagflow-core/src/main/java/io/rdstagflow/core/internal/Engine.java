package io.rdstagflow.core.internal;

import io.rdstagflow.core.ConcurrentOperationException;
import io.rdstagflow.core.spi.ErrorClassification;
import io.rdstagflow.core.Flow;
import io.rdstagflow.core.FlowStart;
import io.rdstagflow.core.Inspection;
import io.rdstagflow.core.InstanceNotFoundException;
import io.rdstagflow.core.InvalidFlowParameterException;
import io.rdstagflow.core.OperationStatus;
import io.rdstagflow.core.OperationToken;
import io.rdstagflow.core.OperatorActionException;
import io.rdstagflow.core.PendingOperation;
import io.rdstagflow.core.RdsCallException;
import io.rdstagflow.core.RdsInstance;
import io.rdstagflow.core.StepState;
import io.rdstagflow.core.TagLimitException;
import io.rdstagflow.core.UnknownFlowException;
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
 * The engine behind {@code TagStateMachine}: beginning flows, polls (in {@link Poll}) and the
 * operator actions, each a describe and at most one tag write (plus one removal where a flow's old
 * keys must go). Thread-safe: it holds only immutable settings.
 */
public final class Engine {

  private static final Logger log = LoggerFactory.getLogger(Engine.class);

  /** Parameter names that say they hold a secret; such a value must never become a tag. */
  private static final Pattern SECRET_NAME = Pattern.compile(
      ".*(password|passwd|pwd|passphrase|secret|token|credential|private.?key|api.?key|access.?key"
          + "|key.?material|signing.?key|encryption.?key).*");

  private final EngineSettings s;

  /** An engine with these settings. */
  public Engine(EngineSettings settings) {
    this.s = settings;
  }

  /** The settings. */
  public EngineSettings settings() {
    return s;
  }

  /** See {@code TagStateMachine.poll}. */
  public OperationStatus poll(String instanceId, OperationToken token) {
    return new Poll(s, instanceId, token).run();
  }

  /** See {@code TagStateMachine.startTags}. */
  public FlowStart startTags(String instanceId, String flowName, Map<String, String> parameters) {
    PendingOperation op = newOperation(flowName, parameters);
    Map<String, String> tags = s.codec().encode(op);
    if (tags.size() + leaseRoom() > TagRules.MAX_TAGS) {
      throw new TagLimitException(0, tags.size() + leaseRoom());
    }
    log.info("instance {}: flow {} begins with the instance", instanceId, flowName);
    s.listener().flowStarted(instanceId, flowName);
    return new FlowStart(tags, op.token());
  }

  /** See {@code TagStateMachine.begin}. */
  public OperationToken begin(String instanceId, String flowName, Map<String, String> parameters) {
    PendingOperation op = newOperation(flowName, parameters);
    RdsInstance instance = describe(instanceId);
    TagCodec.Decoded decoded = s.codec().decode(instance.tags(), s.flows());
    if (decoded instanceof TagCodec.Decoded.Found found && isRunning(found.operation(), instance)) {
      throw new ConcurrentOperationException(instanceId, found.operation().token());
    }
    Map<String, String> tags = s.codec().encode(op);
    Map<String, String> old = s.codec().flowTags(instance.tags());
    int others = instance.tags().size() - old.size();
    if (others + tags.size() + leaseRoom() > TagRules.MAX_TAGS) {
      throw new TagLimitException(others, tags.size() + leaseRoom());
    }
    call("AddTagsToResource", () -> s.gateway().addTags(instance, tags));
    List<String> stale = new ArrayList<>();
    for (String key : old.keySet()) {
      if (!tags.containsKey(key)) {
        stale.add(key);
      }
    }
    if (!stale.isEmpty()) {
      call("RemoveTagsFromResource", () -> s.gateway().removeTags(instance, stale));
    }
    log.info("instance {}: flow {} begun", instanceId, flowName);
    s.listener().flowStarted(instanceId, flowName);
    return op.token();
  }

  /** See {@code TagStateMachine.inspect}. */
  public Inspection inspect(String instanceId) {
    RdsInstance instance = describe(instanceId);
    TagCodec.Decoded decoded = s.codec().decode(instance.tags(), s.flows());
    Optional<PendingOperation> op = decoded instanceof TagCodec.Decoded.Found f
        ? Optional.of(f.operation()) : Optional.empty();
    Optional<String> problem = decoded instanceof TagCodec.Decoded.Problem p
        ? Optional.of(p.description()) : Optional.empty();
    return new Inspection(instance, op, problem, s.codec().flowTags(instance.tags()));
  }

  /** See {@code TagStateMachine.retry}. */
  public OperationToken retry(String instanceId) {
    RdsInstance instance = describe(instanceId);
    TagCodec.Decoded decoded = s.codec().decode(instance.tags(), s.flows());
    if (decoded instanceof TagCodec.Decoded.Problem p) {
      throw new OperatorActionException("instance " + instanceId + ": cannot retry, the flow tags are not understood ("
          + p.description() + "); fix the tag or abort the flow");
    }
    if (decoded instanceof TagCodec.Decoded.None) {
      throw new OperatorActionException("instance " + instanceId + " has no flow to retry");
    }
    PendingOperation op = ((TagCodec.Decoded.Found) decoded).operation();
    if (!op.isFailed()) {
      throw new OperatorActionException("flow " + op.flowName() + " on instance " + instanceId
          + " has not failed; nothing to retry");
    }
    List<StepState> steps = new ArrayList<>();
    for (StepState st : op.steps()) {
      steps.add(st.status() == StepState.Status.FAILED ? StepState.pending(st.name(), st.seq()) : st);
    }
    Instant now = s.clock().instant().truncatedTo(ChronoUnit.SECONDS);
    PendingOperation retried = new PendingOperation(op.flowName(), op.formatVersion(), op.since(), Optional.of(now),
        Optional.empty(), steps, op.parameters(), Optional.empty());
    Map<String, String> changed = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : s.codec().encode(retried).entrySet()) {
      if (!e.getValue().equals(instance.tags().get(e.getKey()))) {
        changed.put(e.getKey(), e.getValue());
      }
    }
    call("AddTagsToResource", () -> s.gateway().addTags(instance, changed));
    log.info("instance {}: flow {} retried by an operator", instanceId, op.flowName());
    return op.token();
  }

  /** See {@code TagStateMachine.abort}. */
  public boolean abort(String instanceId) {
    RdsInstance instance = describe(instanceId);
    Map<String, String> flowTags = s.codec().flowTags(instance.tags());
    if (flowTags.isEmpty()) {
      return false;
    }
    call("RemoveTagsFromResource", () -> s.gateway().removeTags(instance, flowTags.keySet()));
    log.info("instance {}: flow tags removed by an operator (abort)", instanceId);
    return true;
  }

  // ---- helpers ----

  private boolean isRunning(PendingOperation op, RdsInstance instance) {
    if (op.isFailed()) {
      return false;
    }
    Flow flow = s.flows().get(op.flowName());
    Instant deadline = op.deadlineBase().plus(flow.deadline().forInstance(instance)).plus(s.clockSkew());
    return !s.clock().instant().isAfter(deadline);
  }

  private PendingOperation newOperation(String flowName, Map<String, String> parameters) {
    Flow flow = s.flows().get(flowName);
    if (flow == null) {
      throw new UnknownFlowException(flowName, s.flows().keySet());
    }
    checkParameters(parameters);
    List<StepState> steps = new ArrayList<>();
    for (int i = 0; i < flow.steps().size(); i++) {
      steps.add(StepState.pending(flow.steps().get(i).name(), i + 1));
    }
    Instant now = s.clock().instant().truncatedTo(ChronoUnit.SECONDS);
    return new PendingOperation(flowName, TagCodec.VERSION, now, Optional.empty(), Optional.empty(), steps,
        new LinkedHashMap<>(parameters), Optional.empty());
  }

  private void checkParameters(Map<String, String> parameters) {
    for (Map.Entry<String, String> p : parameters.entrySet()) {
      String name = p.getKey();
      String value = p.getValue();
      if (name == null || value == null) {
        throw new InvalidFlowParameterException("flow parameters may not have null names or values");
      }
      if (SECRET_NAME.matcher(name.toLowerCase(Locale.ROOT)).matches()) {
        throw new InvalidFlowParameterException("parameter '" + name + "' is named like a secret; tags are "
            + "readable by anyone who may describe the instance, so secrets never go into them: derive it in a "
            + "step from a PasswordSource or read it from your secret store instead");
      }
      String keyProblem = TagRules.keyProblem(s.codec().paramKey(name));
      if (keyProblem != null) {
        throw new InvalidFlowParameterException("parameter name '" + name + "' cannot be part of a tag key: "
            + keyProblem);
      }
      String valueProblem = TagRules.valueProblem(value);
      if (valueProblem != null) {
        // The value itself is left out: it may be something the caller did not mean to show.
        throw new InvalidFlowParameterException("the value of parameter '" + name + "' cannot be a tag value: "
            + valueProblem);
      }
    }
  }

  private int leaseRoom() {
    return s.claimPolicy().leaseTime().isPresent() ? 1 : 0;
  }

  private RdsInstance describe(String instanceId) {
    Optional<RdsInstance> found;
    try {
      found = s.gateway().describe(instanceId);
    } catch (RuntimeException e) {
      throw failure("DescribeDBInstances", e);
    }
    return found.orElseThrow(() -> new InstanceNotFoundException(instanceId));
  }

  private void call(String name, Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      throw failure(name, e);
    }
  }

  private RuntimeException failure(String call, RuntimeException e) {
    ErrorClassification c = s.gateway().classify(e);
    return new RdsCallException(call, c, e);
  }
}
