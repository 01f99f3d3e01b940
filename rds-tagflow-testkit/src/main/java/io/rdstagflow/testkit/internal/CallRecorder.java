package io.rdstagflow.testkit.internal;

import io.rdstagflow.testkit.CallLog;
import io.rdstagflow.testkit.RecordedCall;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import software.amazon.awssdk.core.SdkRequest;

/**
 * The call log and the request ids. Appended to under the simulation's lock; the {@link CallLog}
 * view takes the same lock for each query. Keeps the most recent {@code capacity} calls (all of
 * them by default); sequence numbers count every call.
 */
final class CallRecorder implements CallLog {

  private final Object lock;
  private final int capacity;
  /** The retained calls and up to {@code capacity} older ones awaiting compaction. */
  private final List<RecordedCall> calls = new ArrayList<>();
  /** How many calls were dropped from the front of {@link #calls}. */
  private long dropped;
  private long requestCounter;

  CallRecorder(Object lock) {
    this(lock, Integer.MAX_VALUE);
  }

  CallRecorder(Object lock, int capacity) {
    this.lock = lock;
    this.capacity = capacity;
  }

  /** A new request id, shaped like RDS's UUIDs. */
  String nextRequestId() {
    return String.format(Locale.ROOT, "00000000-0000-4000-8000-%012d", ++requestCounter);
  }

  RecordedCall record(String operation, String instanceId, SdkRequest request, Instant at,
      String errorCode, List<String> ignoredFields) {
    return record(operation, instanceId, request, at, errorCode, ignoredFields, Duration.ZERO);
  }

  RecordedCall record(String operation, String instanceId, SdkRequest request, Instant at,
      String errorCode, List<String> ignoredFields, Duration latency) {
    RecordedCall c = new RecordedCall(dropped + calls.size() + 1L, operation,
        Optional.ofNullable(instanceId), request, at, Optional.ofNullable(errorCode),
        ignoredFields, latency);
    calls.add(c);
    if (calls.size() > 2L * capacity) {
      int excess = calls.size() - capacity;
      calls.subList(0, excess).clear();
      dropped += excess;
    }
    return c;
  }

  /** Index in {@link #calls} of the oldest retained call. */
  private int firstRetained() {
    return (int) Math.max(0, calls.size() - (long) capacity);
  }

  /** The retained calls, for the report; call under the lock. */
  List<RecordedCall> recorded() {
    return calls.subList(firstRetained(), calls.size());
  }

  @Override
  public List<RecordedCall> all() {
    synchronized (lock) {
      return List.copyOf(recorded());
    }
  }

  @Override
  public Mark mark() {
    synchronized (lock) {
      return new Mark(dropped + calls.size());
    }
  }

  @Override
  public List<RecordedCall> since(Mark mark) {
    synchronized (lock) {
      long from = Math.max(firstRetained(), mark.afterSequence() - dropped);
      int start = (int) Math.min(from, calls.size());
      return List.copyOf(calls.subList(start, calls.size()));
    }
  }

  @Override
  public String toString() {
    return "CallLog[" + all().size() + " calls]";
  }
}
