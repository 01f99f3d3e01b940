package io.rdstagflow.core.internal;

import io.rdstagflow.core.Flow;
import io.rdstagflow.core.OperationToken;
import io.rdstagflow.core.internal.Operation.Lease;
import io.rdstagflow.core.internal.Operation.State;
import io.rdstagflow.core.internal.StepRecord.Status;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Encodes an {@link Operation} to tags and decodes it back: tag format version 2, documented field
 * by field in {@code docs/tag-format.md}. Values are space-separated {@code field=value} words; a
 * {@code reason=} (or a parameter's {@code value=}) runs to the end of the value. Every value begins
 * with {@code op=<operation id>}: a tag stamped with another operation is never evidence for this
 * one.
 *
 * <p>Only the library's own keys are read: {@code <prefix>flow}, {@code <prefix>step:<name>},
 * {@code <prefix>param:<name>} and {@code <prefix>lease}. Any other key, even under the prefix, is
 * the user's: never judged, never removed. Decoding of the library's keys is strict (a value it
 * cannot read is a {@link Decoded.Problem} naming the tag, and nothing runs on it) and monotonic (a
 * step {@code started} or {@code done} proves every earlier step done).
 *
 * <p>Thread-safe: it holds only immutable configuration.
 */
public final class TagCodec {

  /** The format version this engine writes and reads. */
  public static final int VERSION = 2;

  private static final int MAX_QUOTED_VALUE = 100;

  private final String prefix;
  private final String flowKey;
  private final String stepPrefix;
  private final String paramPrefix;
  private final String leaseKey;

  /** A codec for keys under this prefix (for example {@code tagflow:}). */
  public TagCodec(String prefix) {
    this.prefix = prefix;
    this.flowKey = prefix + "flow";
    this.stepPrefix = prefix + "step:";
    this.paramPrefix = prefix + "param:";
    this.leaseKey = prefix + "lease";
  }

  /** The prefix of every key. */
  public String prefix() {
    return prefix;
  }

  /** The key of the flow tag. */
  public String flowKey() {
    return flowKey;
  }

  /** The key of a step's tag. */
  public String stepKey(String stepName) {
    return stepPrefix + stepName;
  }

  /** The key of a parameter's tag. */
  public String paramKey(String name) {
    return paramPrefix + name;
  }

  /** The key of the lease tag. */
  public String leaseKey() {
    return leaseKey;
  }

  /** {@code true} if the library writes keys like this one; every other key is the user's. */
  public boolean isOwnKey(String key) {
    if (key.equals(flowKey) || key.equals(leaseKey)) {
      return true;
    }
    if (key.startsWith(stepPrefix)) {
      return isStepName(key, stepPrefix.length());
    }
    return key.startsWith(paramPrefix) && key.length() > paramPrefix.length();
  }

  /** {@code key[from..]} is a step name: 1 to 40 of {@code [a-z0-9-]}, a letter or digit at each end. */
  private static boolean isStepName(String key, int from) {
    int n = key.length() - from;
    if (n < 1 || n > 40 || key.charAt(from) == '-' || key.charAt(key.length() - 1) == '-') {
      return false;
    }
    for (int i = from; i < key.length(); i++) {
      char c = key.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
        return false;
      }
    }
    return true;
  }

  /** The library's own tags among these, in their order. */
  public Map<String, String> ownTags(Map<String, String> tags) {
    Map<String, String> mine = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : tags.entrySet()) {
      if (isOwnKey(e.getKey())) {
        mine.put(e.getKey(), e.getValue());
      }
    }
    return mine;
  }

  /**
   * The operation id a value of the library's is stamped with, or {@code null} if it has none.
   */
  public static String stampOf(String value) {
    if (!value.startsWith("op=")) {
      return null;
    }
    int end = value.indexOf(' ');
    String id = end < 0 ? value.substring(3) : value.substring(3, end);
    return OperationIds.isValid(id) ? id : null;
  }

  /** The newest operation id stamped on the library's tags among these, or {@code null}. */
  public String newestStamp(Map<String, String> tags) {
    String newest = null;
    for (Map.Entry<String, String> e : tags.entrySet()) {
      String stamp = isOwnKey(e.getKey()) ? stampOf(e.getValue()) : null;
      if (stamp != null && (newest == null || OperationIds.compare(stamp, newest) > 0)) {
        newest = stamp;
      }
    }
    return newest;
  }

  // ---- encoding ----

  /** All the tags of an operation, in a canonical form: flow, steps, parameters, lease. */
  public Map<String, String> encode(Operation op) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put(flowKey, encodeFlow(op));
    for (StepRecord s : op.steps()) {
      tags.put(stepKey(s.name()), encodeStep(op.id(), s));
    }
    for (Map.Entry<String, String> p : op.parameters().entrySet()) {
      tags.put(paramKey(p.getKey()), encodeParam(op.id(), p.getValue()));
    }
    if (op.lease() != null) {
      tags.put(leaseKey, encodeLease(op.id(), op.lease()));
    }
    return tags;
  }

  /** The flow tag's value. */
  public String encodeFlow(Operation op) {
    StringBuilder b = new StringBuilder(160);
    b.append("op=").append(op.id()).append(" v=").append(VERSION).append(" name=").append(op.flowName())
        .append(" def=").append(op.definition()).append(" fp=").append(op.fingerprint())
        .append(" since=").append(Timestamps.format(op.since()));
    if (op.restartedAt() != null) {
      b.append(" restarted=").append(Timestamps.format(op.restartedAt()));
    }
    if (op.previous() != null) {
      b.append(" prev=").append(op.previous());
    }
    b.append(" state=").append(STATE_WORDS[op.state().ordinal()]);
    if (op.endedAt() != null) {
      b.append(" ended=").append(Timestamps.format(op.endedAt()));
    }
    if (op.failure() != null) {
      appendReason(b, op.failure());
    }
    return b.toString();
  }

  /** A step tag's value. */
  public String encodeStep(String opId, StepRecord s) {
    StringBuilder b = new StringBuilder(96);
    b.append("op=").append(opId).append(" seq=").append(s.seq()).append(" state=").append(s.status().word());
    s.firstAttemptAt().ifPresent(t -> b.append(" since=").append(Timestamps.format(t)));
    s.startedAt().filter(t -> !s.firstAttemptAt().equals(java.util.Optional.of(t)))
        .ifPresent(t -> b.append(" started=").append(Timestamps.format(t)));
    if (s.tries() > 0 || s.status() == Status.RUNNING || s.status() == Status.STARTED
        || s.status() == Status.FAILED) {
      b.append(" tries=").append(s.tries());
    }
    s.dueAt().ifPresent(t -> b.append(" due=").append(Timestamps.format(t)));
    s.reason().ifPresent(r -> appendReason(b, r));
    return b.toString();
  }

  /** A parameter tag's value. */
  public static String encodeParam(String opId, String value) {
    return "op=" + opId + " value=" + value;
  }

  /** How many characters a parameter's value may have. */
  public static int maxParameterLength() {
    return TagRules.MAX_VALUE_LENGTH - encodeParam(OperationIds.next(Instant.EPOCH), "").length();
  }

  /** The lease tag's value. */
  public static String encodeLease(String opId, Lease lease) {
    return "op=" + opId + " owner=" + lease.owner() + " until=" + Timestamps.format(lease.until());
  }

  private static void appendReason(StringBuilder b, String reason) {
    int room = room(b.toString());
    b.append(" reason=").append(TagRules.sanitize(reason, room));
  }

  /**
   * A step's reason as it will read back from its tag: reduced to the tag character set and cut to
   * the room the step's other fields leave, so a poll's description stays the same on every later
   * poll.
   */
  public String fitReason(String opId, StepRecord withoutReason, String reason) {
    return TagRules.sanitize(reason, room(encodeStep(opId, withoutReason)));
  }

  /** A flow failure's reason as it will read back from the flow tag; see {@link #fitReason}. */
  public String fitFlowReason(Operation endedWithoutReason, String reason) {
    return TagRules.sanitize(reason, room(encodeFlow(endedWithoutReason)));
  }

  private static int room(String encodedWithoutReason) {
    return Math.max(3, TagRules.MAX_VALUE_LENGTH - encodedWithoutReason.length() - " reason=".length());
  }

  // ---- decoding ----

  /** What the library's tags on an instance say about the operation a poll asks for. */
  public sealed interface Decoded {
    /** No tag of the library's, and no operation asked for: nothing to say. */
    record None() implements Decoded {}

    /** The operation asked for is not (or not yet) visible in the tags. */
    record NotVisible() implements Decoded {}

    /**
     * A newer operation than the one asked for has begun.
     *
     * @param description what the poll answers
     */
    record Superseded(String description, State previousOutcome) implements Decoded {}

    /**
     * Tags of a newer format version than this engine's: a newer rds-tagflow wrote them.
     *
     * @param description what the poll answers (in progress)
     */
    record Newer(String description) implements Decoded {}

    /**
     * The operation's flow definition is not one this engine has.
     *
     * @param flowName    the flow name in the tag
     * @param definition  the definition version in the tag
     * @param since       when the operation began
     * @param retired     {@code true} if it is older than every version this engine has (it never
     *                    will have it); {@code false} if unknown or newer (a newer replica may)
     * @param description what is wrong, naming the tag
     */
    record Unknown(String operationId, String flowName, int definition, Instant since, boolean retired,
        String description, State state, String failure) implements Decoded {}

    /**
     * Tags of the library's that it does not understand.
     *
     * @param description what is wrong, naming the tag
     */
    record Problem(String description) implements Decoded {}

    /**
     * The operation.
     *
     * @param operation     the operation, with stale earlier steps read as done
     * @param flow          its definition
     * @param reconstructed {@code true} if its flow tag was overwritten by an older operation's late
     *                      write and was rebuilt from the token
     * @param clean         {@code true} if every library tag is the operation's own and was read as
     *                      written (nothing repaired, filled in or left by another operation)
     */
    record Found(Operation operation, Flow flow, boolean reconstructed, boolean clean) implements Decoded {}
  }

  private static final Decoded NONE = new Decoded.None();
  private static final Decoded NOT_VISIBLE = new Decoded.NotVisible();

  /**
   * Decodes the library's tags among an instance's tags for the operation a poll asks for: the one
   * {@code token} names, or, without one, the one the flow tag names.
   */
  public Decoded decode(Map<String, String> tags, OperationToken token, FlowRegistry flows) {
    String flowValue = null;
    Map<String, String> stepValues = new LinkedHashMap<>();
    Map<String, String> paramValues = new LinkedHashMap<>();
    String leaseValue = null;
    for (Map.Entry<String, String> e : tags.entrySet()) {
      String key = e.getKey();
      if (!isOwnKey(key)) {
        continue;
      }
      if (key.equals(flowKey)) {
        flowValue = e.getValue();
      } else if (key.equals(leaseKey)) {
        leaseValue = e.getValue();
      } else if (key.startsWith(stepPrefix)) {
        stepValues.put(key.substring(stepPrefix.length()), e.getValue());
      } else {
        paramValues.put(key.substring(paramPrefix.length()), e.getValue());
      }
    }
    if (flowValue == null && stepValues.isEmpty() && paramValues.isEmpty() && leaseValue == null) {
      return token == null ? NONE : NOT_VISIBLE;
    }
    FlowFields ff = null;
    if (flowValue != null) {
      int v = formatVersionOf(flowValue);
      if (v > VERSION) {
        return new Decoded.Newer("the operation's tags are of format " + v + ", newer than this engine's "
            + VERSION + ": a newer rds-tagflow advances it");
      }
      ff = new FlowFields();
      String error = parseWords(flowValue, ff);
      if (error == null) {
        error = ff.check();
      }
      if (error != null) {
        return problem(describe(flowKey, flowValue) + ": " + error);
      }
    }
    boolean reconstructed = false;
    String target;
    if (token != null) {
      target = token.operationId().orElseThrow();
      if (ff != null && ff.op.equals(target)) {
        // the flow tag is the token's operation
      } else if (ff != null && OperationIds.compare(ff.op, target) > 0) {
        return superseded(token, ff);
      } else if (!anyStampedWith(target, stepValues, paramValues, leaseValue)) {
        return NOT_VISIBLE;
      } else if (ff == null) {
        return orphans(tags);
      } else {
        // An older operation's late write replaced the flow tag; the token's own tags prove its operation.
        ff = FlowFields.of(token);
        reconstructed = true;
      }
    } else {
      if (ff == null) {
        return orphans(tags);
      }
      target = ff.op;
    }
    String newer = newerStamp(target, stepValues, paramValues, leaseValue);
    if (newer != null) {
      return new Decoded.Superseded("tags of a newer operation (" + newer + ") than " + target
          + " are on the instance: that operation has begun and is answered by its own token", null);
    }
    // Clean: every library tag is the operation's own and reads back as written, so a poll that
    // changes nothing need not encode anything to know it writes nothing.
    boolean clean = !reconstructed;

    Flow flow = flows.get(ff.name, ff.def);
    if (flow == null) {
      return unknown(flows, ff, flowValue);
    }
    if (!reconstructed && !flow.fingerprint().equals(ff.fp)) {
      return problem(describe(flowKey, flowValue) + ": definition " + ff.def + " of flow " + ff.name
          + " has other steps here (" + flow + ", fingerprint " + flow.fingerprint() + ") than when the operation"
          + " began (fingerprint " + ff.fp + "): a changed list of steps needs a new version number");
    }

    int n = flow.steps().size();
    StepRecord[] steps = new StepRecord[n];
    boolean[] present = new boolean[n];
    for (Map.Entry<String, String> e : stepValues.entrySet()) {
      String name = e.getKey();
      String value = e.getValue();
      String key = stepKey(name);
      int index = flow.indexOf(name);
      String stamp = isStampedWith(value, target) ? target : stampOf(value);
      if (stamp != null && !stamp.equals(target)) {
        clean = false;
        if (index >= 0) {
          present[index] = true; // debris under this step's key: the step reads as not done (row 40)
        }
        continue;
      }
      if (index < 0) {
        return problem("tag " + key + " names a step that flow " + flow.name() + " (definition " + flow.version()
            + ") does not have");
      }
      StepFields sf = new StepFields();
      String error = parseWords(value, sf);
      if (error == null) {
        error = sf.check();
      }
      if (error != null) {
        return problem(describe(key, value) + ": " + error);
      }
      if (sf.seq != index + 1) {
        return problem(describe(key, value) + ": step " + name + " is number " + (index + 1) + " in flow "
            + flow.name() + ", the tag says seq=" + sf.seq);
      }
      steps[index] = sf.toRecord(name);
      present[index] = true;
    }
    for (int i = 0; i < n; i++) {
      if (steps[i] != null) {
        continue;
      }
      String name = flow.steps().get(i).name();
      clean = false;
      if (!present[i] && ff.state == State.RUNNING && !reconstructed) {
        return problem("tag " + stepKey(name) + " is missing: flow " + flow.name() + " needs it for step " + name
            + " (number " + (i + 1) + ")");
      }
      steps[i] = ff.state == State.SUCCEEDED ? StepRecord.pending(name, i + 1).done() : StepRecord.pending(name, i + 1);
    }
    Map<String, String> params = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : paramValues.entrySet()) {
      String value = e.getValue();
      if (isStampedWith(value, target)) {
        int at = value.indexOf(" value=");
        if (at < 0) {
          return problem(describe(paramKey(e.getKey()), value) + ": it needs the fields op and value");
        }
        params.put(e.getKey(), value.substring(at + " value=".length()));
      } else if (stampOf(value) == null) {
        return problem(describe(paramKey(e.getKey()), value) + ": it does not begin with op=<operation id>");
      } else {
        clean = false;
      }
    }
    Lease lease = null;
    if (leaseValue != null && isStampedWith(leaseValue, target)) {
      LeaseFields lf = new LeaseFields();
      String error = parseWords(leaseValue, lf);
      if (error == null && (lf.owner == null || lf.until == null)) {
        error = "it needs the fields op, owner and until";
      }
      if (error != null) {
        return problem(describe(leaseKey, leaseValue) + ": " + error);
      }
      lease = new Lease(lf.owner, lf.until);
    } else if (leaseValue != null) {
      clean = false;
    }
    if (ff.state == State.RUNNING) {
      clean &= !repairStaleSteps(steps);
    } else if (ff.state == State.SUCCEEDED) {
      // Its record says every step was seen done: a step tag saying otherwise is a late write.
      for (int i = 0; i < n; i++) {
        if (steps[i].status() != Status.DONE) {
          steps[i] = StepRecord.pending(steps[i].name(), i + 1).done();
          clean = false;
        }
      }
    }
    Operation op = new Operation(ff.op, ff.name, ff.def, flow.fingerprint(), ff.since, ff.restarted, ff.state,
        ff.ended, ff.reason, List.of(steps), params, lease, ff.prev);
    return new Decoded.Found(op, flow, reconstructed, clean);
  }

  private static boolean anyStampedWith(String id, Map<String, String> steps, Map<String, String> params,
      String lease) {
    for (String v : steps.values()) {
      if (isStampedWith(v, id)) {
        return true;
      }
    }
    for (String v : params.values()) {
      if (isStampedWith(v, id)) {
        return true;
      }
    }
    return lease != null && isStampedWith(lease, id);
  }

  /** A stamp newer than {@code id} among the values, or {@code null}. */
  private static String newerStamp(String id, Map<String, String> steps, Map<String, String> params, String lease) {
    for (String v : steps.values()) {
      if (isStampedNewer(v, id)) {
        return stampOf(v);
      }
    }
    for (String v : params.values()) {
      if (isStampedNewer(v, id)) {
        return stampOf(v);
      }
    }
    return lease != null && isStampedNewer(lease, id) ? stampOf(lease) : null;
  }

  /** {@code true} if {@code value} begins with {@code op=<id>} and a space; no allocation. */
  static boolean isStampedWith(String value, String id) {
    return value.length() > 4 + id.length() && value.startsWith("op=") && value.startsWith(id, 3)
        && value.charAt(3 + id.length()) == ' ';
  }

  private static boolean isStampedNewer(String value, String id) {
    if (isStampedWith(value, id) || !value.startsWith("op=")) {
      return false;
    }
    String stamp = stampOf(value);
    return stamp != null && OperationIds.compare(stamp, id) > 0;
  }

  /**
   * The step records of operation {@code opId} by step name, read without a definition (for moving
   * an operation to another one); values that do not parse are left out.
   */
  public Map<String, StepRecord> stepsOf(Map<String, String> tags, String opId) {
    Map<String, StepRecord> steps = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : tags.entrySet()) {
      String key = e.getKey();
      if (!isOwnKey(key) || !key.startsWith(stepPrefix) || !opId.equals(stampOf(e.getValue()))) {
        continue;
      }
      StepFields sf = new StepFields();
      if (parseWords(e.getValue(), sf) == null && sf.check() == null) {
        String name = key.substring(stepPrefix.length());
        steps.put(name, sf.toRecord(name));
      }
    }
    return steps;
  }

  /**
   * The parameters of operation {@code opId}, read without a definition (for moving an operation
   * to another one); values that do not parse are left out.
   */
  public Map<String, String> paramsOf(Map<String, String> tags, String opId) {
    Map<String, String> params = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : tags.entrySet()) {
      String key = e.getKey();
      String value = e.getValue();
      int at = value.indexOf(" value=");
      if (isOwnKey(key) && key.startsWith(paramPrefix) && isStampedWith(value, opId) && at > 0) {
        params.put(key.substring(paramPrefix.length()), value.substring(at + " value=".length()));
      }
    }
    return params;
  }

  private Decoded superseded(OperationToken token, FlowFields current) {
    String newer = "a newer operation, " + current.name + " since " + Timestamps.format(current.since)
        + ", has begun on the instance";
    String id = token.operationId().orElseThrow();
    if (current.prev != null && current.prev.startsWith(id + "/")) {
      // The operation that replaced it recorded how it ended.
      State outcome = current.prev.endsWith("/succeeded") ? State.SUCCEEDED : State.FAILED;
      return new Decoded.Superseded("flow " + token.flowName().orElse("") + " "
          + (outcome == State.SUCCEEDED ? "succeeded" : "failed") + "; since then " + newer, outcome);
    }
    return new Decoded.Superseded("operation " + token + " is no longer current: " + newer, null);
  }

  private Decoded unknown(FlowRegistry flows, FlowFields ff, String flowValue) {
    String tag = flowValue == null ? "the operation" : describe(flowKey, flowValue);
    if (flows.latest(ff.name) == null) {
      return new Decoded.Unknown(ff.op, ff.name, ff.def, ff.since, false, tag + ": no flow named '" + ff.name
          + "' is registered with this engine (it knows " + flows.names() + ")", ff.state, ff.reason);
    }
    boolean retired = ff.def < flows.latest(ff.name).version();
    return new Decoded.Unknown(ff.op, ff.name, ff.def, ff.since, retired, tag + ": flow " + ff.name + " definition "
        + ff.def + " is not registered with this engine (it has versions " + flows.versions(ff.name) + ")"
        + (retired ? "; move the operation to a registered version" : ""), ff.state, ff.reason);
  }

  private Decoded orphans(Map<String, String> tags) {
    return problem("tags " + ownTags(tags).keySet() + " belong to no operation: the tag " + flowKey
        + " is missing; restore it, or begin a new operation to replace them");
  }

  /**
   * A step started or done proves the earlier ones done (the engine starts a step only after them).
   *
   * @return whether a step was repaired
   */
  private static boolean repairStaleSteps(StepRecord[] steps) {
    int proof = -1;
    for (int i = steps.length - 1; i >= 0; i--) {
      Status st = steps[i].status();
      if (st == Status.STARTED || st == Status.DONE) {
        proof = i;
        break;
      }
    }
    boolean repaired = false;
    for (int i = 0; i < proof; i++) {
      Status st = steps[i].status();
      if (st != Status.DONE && st != Status.FAILED) {
        steps[i] = steps[i].done();
        repaired = true;
      }
    }
    return repaired;
  }

  private static Decoded problem(String description) {
    return new Decoded.Problem(description);
  }

  private static String describe(String key, String value) {
    String shown = value.length() > MAX_QUOTED_VALUE ? value.substring(0, MAX_QUOTED_VALUE) + "..." : value;
    return "tag " + key + " = '" + shown + "'";
  }

  /** The number in a {@code v=} word of a flow value, or 0. */
  private static int formatVersionOf(String value) {
    int at = value.startsWith("v=") ? 0 : value.indexOf(" v=") + 1;
    if (at <= 0 && !value.startsWith("v=")) {
      return 0;
    }
    int from = at + 2;
    int to = from;
    while (to < value.length() && Character.isDigit(value.charAt(to))) {
      to++;
    }
    return positiveInt(value, from, to);
  }

  /**
   * Calls back for each {@code field=value} word of a value, by position; a {@code reason} or
   * {@code value} field runs to the end.
   */
  private interface FieldSink {
    /** @return an error, or {@code null} */
    String field(String text, int name, int eq, int end);
  }

  private static String parseWords(String text, FieldSink sink) {
    int i = 0;
    int n = text.length();
    if (n == 0) {
      return "the value is empty";
    }
    while (i < n) {
      int eq = text.indexOf('=', i);
      int space = text.indexOf(' ', i);
      if (eq < 0 || (space >= 0 && space < eq)) {
        int end = space < 0 ? n : space;
        return "'" + text.substring(i, end) + "' is not a field=value word";
      }
      int end = is(text, i, eq, "reason") || space < 0 ? n : space;
      String error = sink.field(text, i, eq, end);
      if (error != null) {
        return error;
      }
      i = end + 1;
      if (end < n && i >= n) {
        return "the value ends in a space";
      }
    }
    return null;
  }

  private static boolean is(String text, int from, int to, String word) {
    return to - from == word.length() && text.startsWith(word, from);
  }

  private static String unknownField(String text, int name, int eq) {
    return "unknown field '" + text.substring(name, eq) + "'";
  }

  private static String badTime(String text, int name, int end) {
    return text.substring(name, end) + " is not a UTC time like 2026-11-24T10:15:00Z";
  }

  private static String badNumber(String text, int name, int end, String what) {
    return text.substring(name, end) + " is not " + what;
  }

  private static String opField(String t, int v, int end, String[] into) {
    String id = t.substring(v, end);
    if (!OperationIds.isValid(id)) {
      return "op=" + id + " is not an operation id";
    }
    into[0] = id;
    return null;
  }

  private static final class FlowFields implements FieldSink {
    final String[] opHolder = new String[1];
    String op;
    int version = -1;
    String name;
    int def = -1;
    String fp;
    Instant since;
    Instant restarted;
    String prev;
    State state;
    Instant ended;
    String reason;

    static FlowFields of(OperationToken token) {
      FlowFields f = new FlowFields();
      f.op = token.operationId().orElseThrow();
      f.version = VERSION;
      f.name = token.flowName().orElseThrow();
      f.def = token.definition();
      f.since = token.since();
      f.state = State.RUNNING;
      return f;
    }

    @Override
    public String field(String t, int name, int eq, int end) {
      int v = eq + 1;
      if (is(t, name, eq, "op")) {
        return opField(t, v, end, opHolder);
      } else if (is(t, name, eq, "v")) {
        version = positiveInt(t, v, end);
        return version < 1 ? badNumber(t, name, end, "a format version") : null;
      } else if (is(t, name, eq, "name")) {
        this.name = t.substring(v, end);
        return isStepName(this.name, 0) ? null : "name=" + this.name + " is not a flow name";
      } else if (is(t, name, eq, "def")) {
        def = positiveInt(t, v, end);
        return def < 1 ? badNumber(t, name, end, "a definition version") : null;
      } else if (is(t, name, eq, "fp")) {
        fp = t.substring(v, end);
      } else if (is(t, name, eq, "since")) {
        since = Timestamps.parse(t, v, end);
        return since == null ? badTime(t, name, end) : null;
      } else if (is(t, name, eq, "restarted")) {
        restarted = Timestamps.parse(t, v, end);
        return restarted == null ? badTime(t, name, end) : null;
      } else if (is(t, name, eq, "prev")) {
        prev = t.substring(v, end);
        int slash = prev.indexOf('/');
        return slash > 0 && OperationIds.isValid(prev.substring(0, slash))
            && (prev.endsWith("/succeeded") || prev.endsWith("/failed")) ? null
            : "prev=" + prev + " is not <operation id>/succeeded or /failed";
      } else if (is(t, name, eq, "state")) {
        for (int i = 0; i < STATES.length; i++) {
          if (is(t, v, end, STATE_WORDS[i])) {
            state = STATES[i];
            return null;
          }
        }
        return t.substring(name, end) + " is not one of running, succeeded, failed";
      } else if (is(t, name, eq, "ended")) {
        ended = Timestamps.parse(t, v, end);
        return ended == null ? badTime(t, name, end) : null;
      } else if (is(t, name, eq, "reason")) {
        reason = t.substring(v, end);
      } else {
        return unknownField(t, name, eq);
      }
      return null;
    }

    String check() {
      op = opHolder[0];
      if (op == null || version < 0 || name == null || def < 0 || fp == null || since == null || state == null) {
        return "it needs the fields op, v, name, def, fp, since and state";
      }
      if ((state == State.RUNNING) != (ended == null)) {
        return "state=" + state.name().toLowerCase(java.util.Locale.ROOT)
            + (ended == null ? " needs an ended= time" : " has an ended= time");
      }
      if (state != State.FAILED) {
        reason = null;
      }
      return null;
    }
  }

  private static final Status[] STATUSES = Status.values();
  private static final State[] STATES = State.values();
  private static final String[] STATE_WORDS = {"running", "succeeded", "failed"};

  private static final class StepFields implements FieldSink {
    final String[] opHolder = new String[1];
    int seq = -1;
    Status status;
    Instant since;
    Instant started;
    int tries;
    Instant due;
    String reason;

    @Override
    public String field(String t, int name, int eq, int end) {
      int v = eq + 1;
      if (is(t, name, eq, "op")) {
        return opField(t, v, end, opHolder);
      } else if (is(t, name, eq, "seq")) {
        seq = positiveInt(t, v, end);
        return seq < 1 ? badNumber(t, name, end, "a step number") : null;
      } else if (is(t, name, eq, "state")) {
        for (Status s : STATUSES) {
          if (is(t, v, end, s.word())) {
            status = s;
            return null;
          }
        }
        return t.substring(name, end) + " is not one of pending, running, started, done, failed";
      } else if (is(t, name, eq, "since")) {
        since = Timestamps.parse(t, v, end);
        return since == null ? badTime(t, name, end) : null;
      } else if (is(t, name, eq, "started")) {
        started = Timestamps.parse(t, v, end);
        return started == null ? badTime(t, name, end) : null;
      } else if (is(t, name, eq, "tries")) {
        tries = positiveInt(t, v, end);
        return tries < 0 ? badNumber(t, name, end, "a count") : null;
      } else if (is(t, name, eq, "due")) {
        due = Timestamps.parse(t, v, end);
        return due == null ? badTime(t, name, end) : null;
      } else if (is(t, name, eq, "reason")) {
        reason = t.substring(v, end);
        return null;
      }
      return unknownField(t, name, eq);
    }

    String check() {
      if (opHolder[0] == null || seq < 0 || status == null) {
        return "it needs the fields op, seq and state";
      }
      if ((status == Status.STARTED || status == Status.RUNNING) && since == null) {
        return "state=" + status.word() + " needs a since= time";
      }
      return null;
    }

    StepRecord toRecord(String name) {
      Instant startedAt = status == Status.STARTED ? (started != null ? started : since) : null;
      return new StepRecord(name, seq, status, since, startedAt, tries, due, reason);
    }
  }

  private static final class LeaseFields implements FieldSink {
    final String[] opHolder = new String[1];
    String owner;
    Instant until;

    @Override
    public String field(String t, int name, int eq, int end) {
      if (is(t, name, eq, "op")) {
        return opField(t, eq + 1, end, opHolder);
      } else if (is(t, name, eq, "owner")) {
        owner = t.substring(eq + 1, end);
        return null;
      } else if (is(t, name, eq, "until")) {
        until = Timestamps.parse(t, eq + 1, end);
        return until == null ? badTime(t, name, end) : null;
      }
      return unknownField(t, name, eq);
    }
  }

  /** The non-negative number in {@code t[from, to)}, or -1. */
  private static int positiveInt(String t, int from, int to) {
    if (to <= from || to - from > 9) {
      return -1;
    }
    int n = 0;
    for (int i = from; i < to; i++) {
      char c = t.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }
}
