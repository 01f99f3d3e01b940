package io.rdstagflow.aws.soak;

import io.rdstagflow.core.OperationStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What one poll did, as the soak saw it from outside the engine: which broker process served it,
 * when, every RDS call it made, and how it ended. Repeated step executions are explained from
 * these records.
 */
final class PollRecord {

  /** One RDS call of the poll. {@code staleView}: a describe that showed other tags than RDS held. */
  record Call(int index, String operation, Instant at, boolean ok, String errorCode, boolean injected,
      boolean staleView) {}

  final int id;
  final String process;
  final String owner;
  final int depth;
  final Instant startedAt;
  final int crashAfterCall;
  final List<Call> calls = new ArrayList<>(6);
  Instant endedAt;
  boolean crashed;
  OperationStatus answer;
  String threw;
  /** The operation the platform polled for. */
  io.rdstagflow.core.OperationToken token;

  PollRecord(int id, String process, String owner, int depth, Instant startedAt, int crashAfterCall) {
    this.id = id;
    this.process = process;
    this.owner = owner;
    this.depth = depth;
    this.startedAt = startedAt;
    this.crashAfterCall = crashAfterCall;
  }

  /** {@code true} if any call of this poll failed with a fault the soak injected. */
  boolean hitInjectedFault() {
    for (Call c : calls) {
      if (c.injected()) {
        return true;
      }
    }
    return false;
  }

  /** {@code true} if a tag write after call {@code index} succeeded: the poll recorded what it did. */
  boolean recordedAfter(int index) {
    for (Call c : calls) {
      if (c.index() > index && c.ok() && isTagWrite(c.operation())) {
        return true;
      }
    }
    return false;
  }

  /** {@code true} if a tag write after call {@code index} failed. */
  boolean writeFailedAfter(int index) {
    for (Call c : calls) {
      if (c.index() > index && !c.ok() && isTagWrite(c.operation())) {
        return true;
      }
    }
    return false;
  }

  /** The last successful describe at or before call {@code index}, or {@code null}. */
  Call describeBefore(int index) {
    Call found = null;
    for (Call c : calls) {
      if (c.index() <= index && c.ok() && c.operation().equals("DescribeDBInstances")) {
        found = c;
      }
    }
    return found;
  }

  /** {@code true} if the two polls were in flight at the same time (one nested in the other). */
  boolean overlaps(PollRecord other) {
    Instant myEnd = endedAt == null ? Instant.MAX : endedAt;
    Instant otherEnd = other.endedAt == null ? Instant.MAX : other.endedAt;
    return !startedAt.isAfter(otherEnd) && !other.startedAt.isAfter(myEnd) && (depth > 0 || other.depth > 0);
  }

  static boolean isTagWrite(String operation) {
    return operation.equals("AddTagsToResource") || operation.equals("RemoveTagsFromResource");
  }

  /** One line for a failure report: no secret can be in it (descriptions and error codes only). */
  String render() {
    StringBuilder b = new StringBuilder();
    b.append("poll #").append(id).append(' ').append(startedAt).append(' ').append(process)
        .append(depth > 0 ? " (overlapping)" : "").append(':');
    for (Call c : calls) {
      b.append(' ').append(c.operation()).append(c.ok() ? "" : "!" + c.errorCode())
          .append(c.staleView() ? "(stale)" : "");
    }
    if (crashed) {
      b.append(" -> CRASH");
    } else if (threw != null) {
      b.append(" -> threw ").append(threw);
    } else if (answer != null) {
      b.append(" -> ").append(answer.state()).append(": ").append(answer.description());
    }
    return b.toString();
  }
}
