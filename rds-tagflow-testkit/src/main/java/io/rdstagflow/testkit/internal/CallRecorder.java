package io.rdstagflow.testkit.internal;

import io.rdstagflow.testkit.CallLog;
import io.rdstagflow.testkit.RecordedCall;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import software.amazon.awssdk.core.SdkRequest;

/**
 * The call log and the request ids. Appended to under the simulation's lock; the {@link CallLog}
 * view takes the same lock for each query.
 */
final class CallRecorder implements CallLog {

  private final Object lock;
  private final List<RecordedCall> calls = new ArrayList<>();
  private long requestCounter;

  CallRecorder(Object lock) {
    this.lock = lock;
  }

  /** A new request id, shaped like RDS's UUIDs. */
  String nextRequestId() {
    return String.format(Locale.ROOT, "00000000-0000-4000-8000-%012d", ++requestCounter);
  }

  void record(String operation, String instanceId, SdkRequest request, Instant at,
      String errorCode, List<String> ignoredFields) {
    calls.add(new RecordedCall(calls.size() + 1L, operation, Optional.ofNullable(instanceId),
        request, at, Optional.ofNullable(errorCode), ignoredFields));
  }

  /** The calls, for the report; call under the lock. */
  List<RecordedCall> recorded() {
    return calls;
  }

  @Override
  public List<RecordedCall> all() {
    synchronized (lock) {
      return List.copyOf(calls);
    }
  }

  @Override
  public Mark mark() {
    synchronized (lock) {
      return new Mark(calls.size());
    }
  }

  @Override
  public List<RecordedCall> since(Mark mark) {
    synchronized (lock) {
      int from = (int) Math.min(mark.afterSequence(), calls.size());
      return List.copyOf(calls.subList(from, calls.size()));
    }
  }

  @Override
  public String toString() {
    return "CallLog[" + all().size() + " calls]";
  }
}
