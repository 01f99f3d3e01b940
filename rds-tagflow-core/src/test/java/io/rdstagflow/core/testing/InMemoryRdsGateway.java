package io.rdstagflow.core.testing;

import io.rdstagflow.core.spi.ErrorClassification;
import io.rdstagflow.core.spi.RdsGateway;
import io.rdstagflow.core.RdsInstance;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An in-memory {@link RdsGateway} for the engine's tests and benchmarks: instances whose status and
 * tags a test sets directly, a count of every call, and failures scripted per call kind. It knows
 * nothing of RDS's lifecycle (the test kit's fake RDS does); a test moves the instance along
 * itself. Thread-safe enough for single-threaded tests and benchmarks.
 */
public final class InMemoryRdsGateway implements RdsGateway {

  /** The calls a gateway makes. */
  public enum Call { DESCRIBE, ADD_TAGS, REMOVE_TAGS }

  /** A transient failure, as throttling would be. */
  public static final class TransientFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String code;

    /** With the error code to report. */
    public TransientFailure(String code) {
      super("transient failure " + code + " (message with details the engine must not copy)");
      this.code = code;
    }
  }

  /** A permanent failure, as access denied would be. */
  public static final class PermanentFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String code;

    /** With the error code to report. */
    public PermanentFailure(String code) {
      super("permanent failure " + code + " (message with details the engine must not copy)");
      this.code = code;
    }
  }

  private final Map<String, RdsInstance> instances = new ConcurrentHashMap<>();
  private final Map<Call, Integer> counts = new EnumMap<>(Call.class);
  private final Map<Call, Deque<RuntimeException>> failures = new EnumMap<>(Call.class);
  private final Map<Call, Deque<RuntimeException>> lostAnswers = new EnumMap<>(Call.class);
  private final List<Map<String, String>> writes = new ArrayList<>();
  private final Deque<RdsInstance> staleDescribes = new ArrayDeque<>();

  /** Adds or replaces an instance. */
  public InMemoryRdsGateway put(RdsInstance instance) {
    instances.put(instance.id(), instance);
    return this;
  }

  /** Adds an {@code available} instance with these tags. */
  public RdsInstance putAvailable(String id, Map<String, String> tags) {
    RdsInstance instance = RdsInstance.builder(id).status(RdsInstance.AVAILABLE).tags(tags).allocatedStorageGib(20)
        .build();
    put(instance);
    return instance;
  }

  /** The instance as stored now. */
  public RdsInstance get(String id) {
    return instances.get(id);
  }

  /** Removes an instance, as a finished deletion would. */
  public void remove(String id) {
    instances.remove(id);
  }

  /** Changes an instance's status, keeping its tags. */
  public void setStatus(String id, String status) {
    instances.computeIfPresent(id, (k, i) -> i.toBuilder().status(status).build());
  }

  /** Changes an instance's pending modifications, keeping its tags. */
  public void setPending(String id, java.util.Set<String> pending) {
    instances.computeIfPresent(id, (k, i) -> i.toBuilder().pendingModifications(pending).build());
  }

  /** Changes an instance's parameter groups, keeping its tags. */
  public void setParameterGroups(String id, List<RdsInstance.ParameterGroup> groups) {
    instances.computeIfPresent(id, (k, i) -> i.toBuilder().parameterGroups(groups).build());
  }

  /** Replaces one tag, as a person editing tags in the console would. */
  public void setTag(String id, String key, String value) {
    instances.computeIfPresent(id, (k, i) -> {
      Map<String, String> tags = new LinkedHashMap<>(i.tags());
      tags.put(key, value);
      return i.toBuilder().tags(tags).build();
    });
  }

  /** Deletes one tag, as a person editing tags in the console would. */
  public void deleteTag(String id, String key) {
    instances.computeIfPresent(id, (k, i) -> {
      Map<String, String> tags = new LinkedHashMap<>(i.tags());
      tags.remove(key);
      return i.toBuilder().tags(tags).build();
    });
  }

  /** The instance's tags now. */
  public Map<String, String> tags(String id) {
    return instances.get(id).tags();
  }

  /** Makes the next call of this kind throw. */
  public synchronized InMemoryRdsGateway failNext(Call call, RuntimeException failure) {
    failures.computeIfAbsent(call, c -> new ArrayDeque<>()).add(failure);
    return this;
  }

  /** Makes the next describe answer with this snapshot instead of the instance as it is (describe lag). */
  public synchronized InMemoryRdsGateway describeNextAs(RdsInstance snapshot) {
    staleDescribes.add(snapshot);
    return this;
  }

  /** How many calls of this kind were made since the last {@link #resetCounts()}. */
  public synchronized int count(Call call) {
    return counts.getOrDefault(call, 0);
  }

  /** All calls since the last {@link #resetCounts()}. */
  public synchronized int totalCalls() {
    int total = 0;
    for (int n : counts.values()) {
      total += n;
    }
    return total;
  }

  /** Tag writes (AddTags and RemoveTags) since the last {@link #resetCounts()}. */
  public synchronized int writes() {
    return count(Call.ADD_TAGS) + count(Call.REMOVE_TAGS);
  }

  /** The tags each AddTags call wrote, since the last {@link #resetCounts()}. */
  public synchronized List<Map<String, String>> addedTags() {
    return List.copyOf(writes);
  }

  /** Starts counting afresh. */
  public synchronized void resetCounts() {
    counts.clear();
    writes.clear();
  }

  /**
   * The next call of this kind takes effect and then throws {@code failure}, as a write whose
   * answer was lost (a read timeout after RDS applied it).
   */
  public synchronized InMemoryRdsGateway loseNextAnswer(Call call, RuntimeException failure) {
    lostAnswers.computeIfAbsent(call, c -> new ArrayDeque<>()).add(failure);
    return this;
  }

  private synchronized void answered(Call call) {
    Deque<RuntimeException> queue = lostAnswers.get(call);
    if (queue != null && !queue.isEmpty()) {
      throw queue.poll();
    }
  }

  private synchronized void enter(Call call) {
    counts.merge(call, 1, Integer::sum);
    Deque<RuntimeException> queue = failures.get(call);
    if (queue != null && !queue.isEmpty()) {
      throw queue.poll();
    }
  }

  @Override
  public Optional<RdsInstance> describe(String instanceId) {
    enter(Call.DESCRIBE);
    synchronized (this) {
      RdsInstance stale = staleDescribes.poll();
      if (stale != null) {
        return Optional.of(stale);
      }
    }
    return Optional.ofNullable(instances.get(instanceId));
  }

  @Override
  public void addTags(RdsInstance instance, Map<String, String> tags) {
    enter(Call.ADD_TAGS);
    synchronized (this) {
      writes.add(Map.copyOf(tags));
    }
    RdsInstance current = instances.get(instance.id());
    if (current == null) {
      throw new NotFound();
    }
    Map<String, String> merged = new LinkedHashMap<>(current.tags());
    merged.putAll(tags);
    if (merged.size() > 50) {
      throw new PermanentFailure("TagLimitExceeded");
    }
    instances.put(instance.id(), current.toBuilder().tags(merged).build());
    answered(Call.ADD_TAGS);
  }

  @Override
  public void removeTags(RdsInstance instance, Collection<String> keys) {
    enter(Call.REMOVE_TAGS);
    RdsInstance current = instances.get(instance.id());
    if (current == null) {
      throw new NotFound();
    }
    Map<String, String> left = new LinkedHashMap<>(current.tags());
    left.keySet().removeAll(keys);
    instances.put(instance.id(), current.toBuilder().tags(left).build());
    answered(Call.REMOVE_TAGS);
  }

  /** The instance is gone. */
  public static final class NotFound extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }

  @Override
  public ErrorClassification classify(Throwable error) {
    if (error instanceof TransientFailure t) {
      return ErrorClassification.transientError(t.code);
    }
    if (error instanceof PermanentFailure p) {
      return ErrorClassification.permanent(p.code);
    }
    if (error instanceof NotFound) {
      return ErrorClassification.notFound("DBInstanceNotFound");
    }
    return ErrorClassification.permanent(error.getClass().getSimpleName());
  }
}
