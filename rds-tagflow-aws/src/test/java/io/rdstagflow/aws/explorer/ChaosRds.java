package io.rdstagflow.aws.explorer;

import io.rdstagflow.testkit.FakeRds;
import io.rdstagflow.testkit.InstanceHistory;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesResponse;
import software.amazon.awssdk.services.rds.model.ModifyDbInstanceResponse;
import software.amazon.awssdk.services.rds.model.RdsException;
import software.amazon.awssdk.services.rds.model.RebootDbInstanceResponse;
import software.amazon.awssdk.services.rds.model.Tag;

/**
 * Faults the test kit's fake RDS does not have, as a layer between a broker's {@link RdsClient}
 * and the fake: a dynamic proxy per broker process that asks a {@link Policy} what to do with each
 * call.
 *
 * <ul>
 *   <li><b>Stale describes, attributes apart from tags.</b> Every describe the fake answers, and
 *       the instance that a ModifyDBInstance or RebootDBInstance response carries, is kept as a
 *       truth {@link Snapshot}. A describe can then be answered with the attributes of an older
 *       snapshot and the tags of another time (the instance's tag history): attribute lag
 *       separately from tag lag, and tags that do not show a {@code begin} yet.
 *   <li><b>Lost responses.</b> A write (AddTagsToResource, RemoveTagsFromResource,
 *       ModifyDBInstance, RebootDBInstance) reaches the fake and takes effect, and the caller
 *       gets an error (a timeout or a 5xx).
 *   <li><b>Late writes.</b> A write is held back (the caller's client times out) and reaches the
 *       fake later, when the test {@link #deliver delivers} it: after the operation ended and the
 *       next began, say.
 *   <li><b>Plain errors</b> (throttling, 5xx, {@code InvalidDBInstanceState}) that never reach
 *       the fake, so that the truth reads of {@link #truthNow()} never consume a fault meant for a
 *       broker.
 * </ul>
 *
 * <p>The truth is what the fake applied: its call log, its instance history and a describe made
 * straight to the fake ({@link #truthNow()}). Nothing here reads or depends on the library's tag
 * format. Single-threaded and deterministic.
 */
public final class ChaosRds {

  /** What this layer does with one call. */
  public sealed interface Action {
    /** Passed to the fake unchanged. */
    Action PASS = new Pass();

    /** See {@link #PASS}. */
    record Pass() implements Action {}

    /**
     * A describe answered with the attributes of the snapshot {@code attrsBack} snapshots before
     * the current one and the tags of the snapshot {@code tagsBack} before it (0: the fake's own
     * answer).
     */
    record StaleBack(int attrsBack, int tagsBack) implements Action {}

    /** A describe answered with the attributes as they were at {@code attrsAsOf} and the tags as at {@code tagsAsOf}. */
    record StaleAsOf(Instant attrsAsOf, Instant tagsAsOf) implements Action {}

    /** A write that takes effect and answers with an error: a timeout, or a 5xx. */
    record Lost(boolean timeout) implements Action {}

    /** A write held back and answered with a timeout; it lands when {@link #deliver} is called for {@code label}. */
    record Late(String label) implements Action {}

    /** A call refused before it reaches the fake (throttling, 5xx, InvalidDBInstanceState). */
    record Fail(String code, int status) implements Action {}
  }

  /** One call as the layer sees it. {@code client}: the label of the broker process. */
  public record CallInfo(String client, String operation, SdkRequest request, Instant at) {
    /** {@code true} for the four writes the engine and its steps make. */
    public boolean isWrite() {
      return WRITES.contains(operation);
    }
  }

  /** Decides each call's fate. */
  @FunctionalInterface
  public interface Policy {
    Action decide(CallInfo call);
  }

  /** What the fake showed at {@code at}; {@code instance} is {@code null} while it did not exist. */
  public record Snapshot(Instant at, DBInstance instance) {}

  /** A write held back, and what happened when it was delivered. */
  public static final class HeldWrite {
    public final String client;
    public final String operation;
    public final String label;
    public final Instant heldAt;
    private final Method method;
    private final SdkRequest request;
    Instant deliveredAt;
    String deliveryError;

    HeldWrite(String client, String operation, String label, Instant heldAt, Method method, SdkRequest request) {
      this.client = client;
      this.operation = operation;
      this.label = label;
      this.heldAt = heldAt;
      this.method = method;
      this.request = request;
    }

    public boolean delivered() {
      return deliveredAt != null;
    }

    public Instant deliveredAt() {
      return deliveredAt;
    }

    /** The error RDS refused the late write with, or {@code null}. */
    public String deliveryError() {
      return deliveryError;
    }

    @Override
    public String toString() {
      return operation + " of " + client + " held at " + heldAt + " (" + label + ")"
          + (deliveredAt == null ? ", not delivered" : ", landed at " + deliveredAt
              + (deliveryError == null ? "" : " refused " + deliveryError));
    }
  }

  /** A lost response or an injected error: the caller can tell it from a real one only by this marker. */
  public static final String MARKER = "Injected by the chaos layer";

  static final List<String> WRITES = List.of("AddTagsToResource", "RemoveTagsFromResource", "ModifyDBInstance",
      "RebootDBInstance");

  private final FakeRds fake;
  private final String instanceId;
  private final List<Snapshot> snapshots = new ArrayList<>();
  private final List<HeldWrite> held = new ArrayList<>();
  private final Map<String, Integer> counts = new LinkedHashMap<>();
  private Policy policy = call -> Action.PASS;
  /** Whether the last call of any client reached the fake and took effect (lost responses included). */
  private boolean lastApplied;
  /** Whether the last describe was answered with a view older than the fake's. */
  private boolean lastStale;

  public ChaosRds(FakeRds fake, String instanceId) {
    this.fake = Objects.requireNonNull(fake);
    this.instanceId = Objects.requireNonNull(instanceId);
    snapshots.add(new Snapshot(fake.clock().instant(), null));
  }

  public void policy(Policy policy) {
    this.policy = Objects.requireNonNull(policy);
  }

  public FakeRds fake() {
    return fake;
  }

  /** The client of one broker process. */
  public RdsClient client(String label) {
    return (RdsClient) Proxy.newProxyInstance(RdsClient.class.getClassLoader(), new Class<?>[] {RdsClient.class},
        new Handler(label));
  }

  /** How many of each fault this layer injected, by kind. */
  public Map<String, Integer> counts() {
    return counts;
  }

  /** Whether the last call reached the fake and took effect (a lost response did; a held or refused call did not). */
  public boolean lastApplied() {
    return lastApplied;
  }

  /** Whether the last describe was answered with an older view than the fake's own. */
  public boolean lastStale() {
    return lastStale;
  }

  public List<HeldWrite> held() {
    return held;
  }

  /** Every distinct state the fake showed, oldest first (the first: before the instance existed). */
  public List<Snapshot> snapshots() {
    return snapshots;
  }

  /** Delivers the held writes that match, oldest first, straight to the fake; returns how many landed. */
  public int deliver(Predicate<HeldWrite> which) {
    int n = 0;
    for (HeldWrite w : held) {
      if (w.delivered() || !which.test(w)) {
        continue;
      }
      w.deliveredAt = fake.clock().instant();
      try {
        Object response = w.method.invoke(fake, w.request);
        record(w.operation, response);
        n++;
        count("late write landed");
      } catch (InvocationTargetException e) {
        Throwable c = e.getCause();
        w.deliveryError = c instanceof software.amazon.awssdk.awscore.exception.AwsServiceException s
            && s.awsErrorDetails() != null ? s.awsErrorDetails().errorCode() : c.getClass().getSimpleName();
        count("late write refused by RDS");
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
    }
    return n;
  }

  /** Writes held and not delivered yet. */
  public long undelivered() {
    return held.stream().filter(w -> !w.delivered()).count();
  }

  /**
   * The instance as the fake holds it now (a describe made straight to the fake, outside every
   * fault), or {@code null} if it does not exist. Kept as a snapshot.
   */
  public DBInstance truthNow() {
    try {
      DescribeDbInstancesResponse r = fake.describeDBInstances(q -> q.dbInstanceIdentifier(instanceId));
      record("DescribeDBInstances", r);
      return r.dbInstances().isEmpty() ? null : r.dbInstances().get(0);
    } catch (DbInstanceNotFoundException e) {
      return null;
    }
  }

  /** The instance's tags as they were at {@code t} (its tag history), empty before it existed. */
  public Map<String, String> tagsAt(Instant t) {
    Map<String, String> tags = Map.of();
    InstanceHistory h = fake.history(instanceId).orElse(null);
    if (h == null) {
      return tags;
    }
    for (InstanceHistory.TagChange c : h.tags()) {
      if (!c.at().isAfter(t)) {
        tags = c.tags();
      }
    }
    return tags;
  }

  /** The last snapshot taken at or before {@code t}. */
  public Snapshot snapshotAt(Instant t) {
    Snapshot found = snapshots.get(0);
    for (Snapshot s : snapshots) {
      if (!s.at().isAfter(t)) {
        found = s;
      }
    }
    return found;
  }

  /** How many distinct snapshots older than the newest exist (the most a {@link Action.StaleBack} can go back). */
  public int depth() {
    return snapshots.size() - 1;
  }

  private void record(String operation, Object response) {
    DBInstance d = null;
    if (response instanceof DescribeDbInstancesResponse r) {
      for (DBInstance i : r.dbInstances()) {
        if (i.dbInstanceIdentifier().equals(instanceId)) {
          d = i;
        }
      }
      if (d == null) {
        return;
      }
    } else if (response instanceof ModifyDbInstanceResponse m) {
      d = m.dbInstance();
    } else if (response instanceof RebootDbInstanceResponse rb) {
      d = rb.dbInstance();
    } else {
      return;
    }
    // The response's own tags may be absent (modify, reboot): take them from the tag history.
    Instant now = fake.clock().instant();
    d = d.toBuilder().tagList(tagList(tagsAt(now))).build();
    Snapshot last = snapshots.get(snapshots.size() - 1);
    if (last.instance() == null || !last.instance().equals(d)) {
      snapshots.add(new Snapshot(now, d));
    }
  }

  private static List<Tag> tagList(Map<String, String> tags) {
    List<Tag> out = new ArrayList<>();
    tags.forEach((k, v) -> out.add(Tag.builder().key(k).value(v).build()));
    return out;
  }

  private void count(String kind) {
    counts.merge(kind, 1, Integer::sum);
  }

  private DescribeDbInstancesResponse stale(DescribeDbInstancesResponse truth, Action action) {
    DBInstance attrs;
    Map<String, String> tags;
    if (action instanceof Action.StaleBack b) {
      Snapshot a = snapshots.get(Math.max(0, snapshots.size() - 1 - b.attrsBack()));
      Snapshot t = snapshots.get(Math.max(0, snapshots.size() - 1 - b.tagsBack()));
      attrs = a.instance();
      tags = t.instance() == null ? Map.of() : tagMap(t.instance());
    } else {
      Action.StaleAsOf s = (Action.StaleAsOf) action;
      attrs = snapshotAt(s.attrsAsOf()).instance();
      tags = tagsAt(s.tagsAsOf());
    }
    if (attrs == null) {
      throw DbInstanceNotFoundException.builder().statusCode(404).message("DBInstance " + instanceId + " not found.")
          .awsErrorDetails(AwsErrorDetails.builder().errorCode("DBInstanceNotFound").serviceName("Rds")
              .errorMessage("DBInstance " + instanceId + " not found.").build())
          .build();
    }
    DBInstance view = attrs.toBuilder().tagList(tagList(tags)).build();
    List<DBInstance> out = new ArrayList<>();
    for (DBInstance i : truth.dbInstances()) {
      out.add(i.dbInstanceIdentifier().equals(instanceId) ? view : i);
    }
    if (truth.dbInstances().isEmpty()) {
      out.add(view);
    }
    if (!view.equals(truth.dbInstances().isEmpty() ? null : truth.dbInstances().get(0))) {
      lastStale = true;
      count(tagMap(view).equals(truth.dbInstances().isEmpty() ? Map.of() : tagMap(truth.dbInstances().get(0)))
          ? "stale describe (attributes only)" : "stale describe (tags)");
    }
    return truth.toBuilder().dbInstances(out).build();
  }

  private static Map<String, String> tagMap(DBInstance d) {
    Map<String, String> m = new LinkedHashMap<>();
    for (Tag t : d.tagList()) {
      m.put(t.key(), t.value());
    }
    return m;
  }

  static RuntimeException error(String code, int status, String what) {
    return RdsException.builder().statusCode(status).message(what + " (" + MARKER + ")")
        .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).serviceName("Rds")
            .errorMessage(what + " (" + MARKER + ")").build())
        .build();
  }

  static RuntimeException timeout() {
    return ApiCallAttemptTimeoutException.builder()
        .message("HTTP request attempt did not complete within the timeout (" + MARKER + ")").build();
  }

  private final class Handler implements InvocationHandler {
    private final String label;

    Handler(String label) {
      this.label = label;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      if (method.getDeclaringClass() == Object.class) {
        return switch (method.getName()) {
          case "equals" -> proxy == args[0];
          case "hashCode" -> System.identityHashCode(proxy);
          default -> "ChaosRds[" + label + "]";
        };
      }
      Class<?>[] params = method.getParameterTypes();
      if (params.length == 1 && SdkRequest.class.isAssignableFrom(params[0])) {
        return call(method, (SdkRequest) args[0]);
      }
      if (method.isDefault()) {
        return InvocationHandler.invokeDefault(proxy, method, args);
      }
      return invokeFake(method, args);
    }

    private Object call(Method method, SdkRequest request) throws Throwable {
      String operation = Character.toUpperCase(method.getName().charAt(0)) + method.getName().substring(1);
      Action action = policy.decide(new CallInfo(label, operation, request, fake.clock().instant()));
      lastApplied = false;
      lastStale = false;
      if (action instanceof Action.Fail f) {
        count(f.code().equals("Throttling") ? "throttled" : f.code().equals("InvalidDBInstanceState")
            ? "InvalidDBInstanceState" : "5xx");
        throw error(f.code(), f.status(), operation + " refused");
      }
      if (action instanceof Action.Late l && WRITES.contains(operation)) {
        held.add(new HeldWrite(label, operation, l.label(), fake.clock().instant(), method, request));
        count("late write held (" + operation + ")");
        throw timeout();
      }
      Object response = invokeFake(method, new Object[] {request});
      lastApplied = WRITES.contains(operation);
      record(operation, response);
      if (action instanceof Action.Lost lost && WRITES.contains(operation)) {
        count("lost response (" + operation + ")");
        throw lost.timeout() ? timeout() : error("InternalFailure", 500, operation + " answer lost");
      }
      if ((action instanceof Action.StaleBack || action instanceof Action.StaleAsOf)
          && response instanceof DescribeDbInstancesResponse d) {
        return stale(d, action);
      }
      return response;
    }

    private Object invokeFake(Method method, Object[] args) throws Throwable {
      try {
        return method.invoke(fake, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    }
  }
}
