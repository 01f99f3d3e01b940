package io.rdstagflow.core.internal;

import io.rdstagflow.core.Flow;
import io.rdstagflow.core.PendingOperation;
import io.rdstagflow.core.StepState;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Encodes a {@link PendingOperation} to tags and decodes it back (format version 1, documented in
 * {@code docs/tag-format.md}). Values are space-separated {@code field=value} words; a
 * {@code reason=} field is always last and runs to the end of the value.
 *
 * <p>Decoding is strict: any tag under the prefix that it cannot read makes the whole state a
 * {@link Decoded.Problem} naming the tag, so nothing runs on the strength of a tag not understood.
 * It is also monotonic: a step {@code started} or {@code done} proves every earlier step done, so
 * an earlier step still shown otherwise (a slow poller's stale write) is read as done.
 *
 * <p>Thread-safe: it holds only immutable configuration.
 */
public final class TagCodec {

  /** The format version this engine writes and reads. */
  public static final int VERSION = 1;

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

  /** The engine's tags among these, in their order. */
  public Map<String, String> flowTags(Map<String, String> tags) {
    Map<String, String> mine = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : tags.entrySet()) {
      if (e.getKey().startsWith(prefix)) {
        mine.put(e.getKey(), e.getValue());
      }
    }
    return mine;
  }

  /**
   * {@code true} if the engine's tags on an instance are what a late tag write can leave after
   * {@code flow} ended: no flow tag and no parameter tag (a write after the start never changes
   * those, and success removes them all), only step tags of that flow and the lease. A flow tag
   * deleted by hand leaves the parameters, so for a flow with parameters it does not look like this;
   * for one without, it reads as an abort.
   */
  public boolean isDebrisOf(Map<String, String> tags, Flow flow) {
    if (flow == null) {
      return false;
    }
    for (String key : tags.keySet()) {
      if (!key.startsWith(prefix) || key.equals(leaseKey)) {
        continue;
      }
      if (!key.startsWith(stepPrefix) || flow.indexOf(key.substring(stepPrefix.length())) < 0) {
        return false;
      }
    }
    return true;
  }

  // ---- encoding ----

  /** All the tags of an operation: flow, steps, parameters, lease. */
  public Map<String, String> encode(PendingOperation op) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put(flowKey, encodeFlow(op));
    for (StepState s : op.steps()) {
      tags.put(stepKey(s.name()), encodeStep(s));
    }
    for (Map.Entry<String, String> p : op.parameters().entrySet()) {
      tags.put(paramKey(p.getKey()), p.getValue());
    }
    op.lease().ifPresent(l -> tags.put(leaseKey, encodeLease(l)));
    return tags;
  }

  /** The flow tag's value. */
  public String encodeFlow(PendingOperation op) {
    StringBuilder b = new StringBuilder(96);
    b.append("name=").append(op.flowName()).append(" v=").append(op.formatVersion())
        .append(" since=").append(Timestamps.format(op.since()));
    op.restartedAt().ifPresent(t -> b.append(" restarted=").append(Timestamps.format(t)));
    b.append(" state=").append(op.failure().isPresent() ? "failed" : "running");
    op.failure().ifPresent(r -> appendReason(b, r));
    return b.toString();
  }

  /** A step tag's value. */
  public String encodeStep(StepState s) {
    StringBuilder b = new StringBuilder(64);
    b.append("seq=").append(s.seq()).append(" state=").append(s.status().tagValue());
    s.firstAttemptAt().ifPresent(t -> b.append(" since=").append(Timestamps.format(t)));
    s.startedAt().filter(t -> !s.firstAttemptAt().equals(Optional.of(t)))
        .ifPresent(t -> b.append(" started=").append(Timestamps.format(t)));
    if (s.tries() > 0 || s.status() == StepState.Status.RUNNING || s.status() == StepState.Status.STARTED
        || s.status() == StepState.Status.FAILED) {
      b.append(" tries=").append(s.tries());
    }
    s.dueAt().ifPresent(t -> b.append(" due=").append(Timestamps.format(t)));
    s.reason().ifPresent(r -> appendReason(b, r));
    return b.toString();
  }

  /** The lease tag's value. */
  public String encodeLease(PendingOperation.Lease lease) {
    return "owner=" + lease.owner() + " until=" + Timestamps.format(lease.until());
  }

  private static void appendReason(StringBuilder b, String reason) {
    int room = room(b.toString());
    b.append(" reason=").append(TagRules.sanitize(reason, room));
  }

  /**
   * A step's reason as it will read back from its tag: reduced to the tag character set and cut to
   * the room the step's other fields leave, so the description a poll answers stays the same on
   * every later poll.
   */
  public String fitReason(StepState withoutReason, String reason) {
    return TagRules.sanitize(reason, room(encodeStep(withoutReason)));
  }

  /** A flow failure's reason as it will read back from the flow tag; see {@link #fitReason}. */
  public String fitFlowReason(PendingOperation running, String reason) {
    String failedWithout = encodeFlow(running).replace(" state=running", " state=failed");
    return TagRules.sanitize(reason, room(failedWithout));
  }

  private static int room(String encodedWithoutReason) {
    return Math.max(3, TagRules.MAX_VALUE_LENGTH - encodedWithoutReason.length() - " reason=".length());
  }

  // ---- decoding ----

  /** What the engine's tags on an instance say. */
  public sealed interface Decoded {
    /** No tag under the prefix: no operation. */
    record None() implements Decoded {}

    /**
     * Tags the engine does not understand.
     *
     * @param description what is wrong, naming the tag
     */
    record Problem(String description) implements Decoded {}

    /**
     * An operation.
     *
     * @param operation the operation, with stale earlier steps read as done
     */
    record Found(PendingOperation operation) implements Decoded {}
  }

  private static final Decoded NONE = new Decoded.None();

  /** Decodes the engine's tags among an instance's tags, against the registered flows. */
  public Decoded decode(Map<String, String> tags, Map<String, Flow> flows) {
    String flowValue = null;
    boolean any = false;
    for (Map.Entry<String, String> e : tags.entrySet()) {
      String key = e.getKey();
      if (!key.startsWith(prefix)) {
        continue;
      }
      any = true;
      if (key.equals(flowKey)) {
        flowValue = e.getValue();
      } else if (!key.startsWith(stepPrefix) && !key.startsWith(paramPrefix) && !key.equals(leaseKey)) {
        return problem("tag " + key + " is not one that rds-tagflow writes (expected " + flowKey + ", "
            + stepPrefix + "<step>, " + paramPrefix + "<name> or " + leaseKey + ")");
      }
    }
    if (!any) {
      return NONE;
    }
    if (flowValue == null) {
      return problem("tags " + flowTags(tags).keySet() + " belong to no flow: the tag " + flowKey
          + " is missing; remove them (abort) or restore it");
    }
    FlowFields f = new FlowFields();
    String error = parseFlow(flowValue, f);
    if (error != null) {
      return problem(describe(flowKey, flowValue) + ": " + error);
    }
    if (f.version > VERSION) {
      return problem(describe(flowKey, flowValue) + ": format version " + f.version
          + " is newer than this engine's " + VERSION + "; upgrade rds-tagflow");
    }
    Flow flow = flows.get(f.name);
    if (flow == null) {
      return problem(describe(flowKey, flowValue) + ": no registered flow is named '" + f.name + "'");
    }

    StepState[] steps = new StepState[flow.steps().size()];
    Map<String, String> params = Map.of();
    PendingOperation.Lease lease = null;
    for (Map.Entry<String, String> e : tags.entrySet()) {
      String key = e.getKey();
      if (!key.startsWith(prefix) || key.equals(flowKey)) {
        continue;
      }
      String value = e.getValue();
      if (key.startsWith(stepPrefix)) {
        String name = key.substring(stepPrefix.length());
        int index = flow.indexOf(name);
        if (index < 0) {
          return problem("tag " + key + " names a step that flow " + flow.name() + " does not have");
        }
        StepFields s = new StepFields();
        error = parseStep(value, s);
        if (error != null) {
          return problem(describe(key, value) + ": " + error);
        }
        if (s.seq != index + 1) {
          return problem(describe(key, value) + ": step " + name + " is number " + (index + 1)
              + " in flow " + flow.name() + ", the tag says seq=" + s.seq);
        }
        steps[index] = s.toState(name);
      } else if (key.startsWith(paramPrefix)) {
        if (params.isEmpty()) {
          params = new LinkedHashMap<>();
        }
        params.put(key.substring(paramPrefix.length()), value);
      } else {
        LeaseFields l = new LeaseFields();
        error = parseLease(value, l);
        if (error != null) {
          return problem(describe(key, value) + ": " + error);
        }
        lease = new PendingOperation.Lease(l.owner, l.until);
      }
    }
    for (int i = 0; i < steps.length; i++) {
      if (steps[i] == null) {
        String name = flow.steps().get(i).name();
        return problem("tag " + stepKey(name) + " is missing: flow " + flow.name() + " needs it for step "
            + name + " (number " + (i + 1) + ")");
      }
    }
    repairStaleSteps(steps);
    return new Decoded.Found(new PendingOperation(f.name, f.version, f.since, Optional.ofNullable(f.restarted),
        Optional.ofNullable(f.reason), List.of(steps), params, Optional.ofNullable(lease)));
  }

  /** A step started or done proves the earlier ones done (the engine starts a step only after them). */
  private static void repairStaleSteps(StepState[] steps) {
    int proof = -1;
    for (int i = steps.length - 1; i >= 0; i--) {
      StepState.Status st = steps[i].status();
      if (st == StepState.Status.STARTED || st == StepState.Status.DONE) {
        proof = i;
        break;
      }
    }
    for (int i = 0; i < proof; i++) {
      StepState.Status st = steps[i].status();
      if (st != StepState.Status.DONE && st != StepState.Status.FAILED) {
        steps[i] = steps[i].done();
      }
    }
  }

  private static Decoded problem(String description) {
    return new Decoded.Problem(description);
  }

  private static String describe(String key, String value) {
    String shown = value.length() > MAX_QUOTED_VALUE ? value.substring(0, MAX_QUOTED_VALUE) + "..." : value;
    return "tag " + key + " = '" + shown + "'";
  }

  /**
   * Calls back for each {@code field=value} word of a value, by position, so a waiting poll does
   * not cut the value into strings; a {@code reason} runs to the end.
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

  /** {@code true} if {@code text[from, to)} is {@code word}. */
  private static boolean is(String text, int from, int to, String word) {
    return to - from == word.length() && text.startsWith(word, from);
  }

  private static String unknown(String text, int name, int eq) {
    return "unknown field '" + text.substring(name, eq) + "'";
  }

  private static String badTime(String text, int name, int end) {
    return text.substring(name, end) + " is not a UTC time like 2026-11-24T10:15:00Z";
  }

  private static String badNumber(String text, int name, int end, String what) {
    return text.substring(name, end) + " is not " + what;
  }

  private static final class FlowFields implements FieldSink {
    String name;
    int version = -1;
    Instant since;
    Instant restarted;
    boolean failed;
    boolean hasState;
    String reason;

    @Override
    public String field(String t, int name, int eq, int end) {
      int v = eq + 1;
      if (is(t, name, eq, "name")) {
        this.name = t.substring(v, end);
      } else if (is(t, name, eq, "v")) {
        version = positiveInt(t, v, end);
        return version < 1 ? badNumber(t, name, end, "a format version") : null;
      } else if (is(t, name, eq, "since")) {
        since = Timestamps.parse(t, v, end);
        return since == null ? badTime(t, name, end) : null;
      } else if (is(t, name, eq, "restarted")) {
        restarted = Timestamps.parse(t, v, end);
        return restarted == null ? badTime(t, name, end) : null;
      } else if (is(t, name, eq, "state")) {
        hasState = true;
        failed = is(t, v, end, "failed");
        if (!failed && !is(t, v, end, "running")) {
          return t.substring(name, end) + " is neither running nor failed";
        }
      } else if (is(t, name, eq, "reason")) {
        reason = t.substring(v, end);
      } else {
        return unknown(t, name, eq);
      }
      return null;
    }
  }

  private static String parseFlow(String value, FlowFields f) {
    String error = parseWords(value, f);
    if (error != null) {
      return error;
    }
    if (f.name == null || f.version < 0 || f.since == null || !f.hasState) {
      return "it needs the fields name, v, since and state";
    }
    if (f.failed && f.reason == null) {
      f.reason = "failed";
    }
    if (!f.failed) {
      f.reason = null;
    }
    return null;
  }

  private static final StepState.Status[] STATUSES = StepState.Status.values();

  private static final class StepFields implements FieldSink {
    int seq = -1;
    StepState.Status status;
    Instant since;
    Instant started;
    int tries;
    Instant due;
    String reason;

    @Override
    public String field(String t, int name, int eq, int end) {
      int v = eq + 1;
      if (is(t, name, eq, "seq")) {
        seq = positiveInt(t, v, end);
        return seq < 1 ? badNumber(t, name, end, "a step number") : null;
      } else if (is(t, name, eq, "state")) {
        for (StepState.Status s : STATUSES) {
          if (is(t, v, end, s.tagValue())) {
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
      return unknown(t, name, eq);
    }

    StepState toState(String name) {
      Instant startedAt = status == StepState.Status.STARTED ? (started != null ? started : since) : null;
      return new StepState(name, seq, status, Optional.ofNullable(since), Optional.ofNullable(startedAt), tries,
          Optional.ofNullable(due), Optional.ofNullable(reason));
    }
  }

  private static String parseStep(String value, StepFields s) {
    String error = parseWords(value, s);
    if (error != null) {
      return error;
    }
    if (s.seq < 0 || s.status == null) {
      return "it needs the fields seq and state";
    }
    if ((s.status == StepState.Status.STARTED || s.status == StepState.Status.RUNNING) && s.since == null) {
      return "state=" + s.status.tagValue() + " needs a since= time";
    }
    return null;
  }

  private static final class LeaseFields implements FieldSink {
    String owner;
    Instant until;

    @Override
    public String field(String t, int name, int eq, int end) {
      if (is(t, name, eq, "owner")) {
        owner = t.substring(eq + 1, end);
        return null;
      } else if (is(t, name, eq, "until")) {
        until = Timestamps.parse(t, eq + 1, end);
        return until == null ? badTime(t, name, end) : null;
      }
      return unknown(t, name, eq);
    }
  }

  private static String parseLease(String value, LeaseFields l) {
    String error = parseWords(value, l);
    if (error != null) {
      return error;
    }
    return l.owner == null || l.until == null ? "it needs the fields owner and until" : null;
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
