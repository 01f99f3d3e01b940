package io.rdstagflow.testkit;

import java.util.List;

/**
 * Every call a {@link FakeRds} received, in order, with queries for the assertions tests make
 * most: "this poll made exactly one DescribeDBInstances and no write".
 *
 * <p>Take a {@link #mark()} before the code under test runs and ask about the calls
 * {@link #since(Mark) since} it. Thread-safe: the log is appended under the fake's lock and every
 * query returns an immutable copy.
 *
 * <p>A fake built with {@link FakeRds.Builder#callLogCapacity(int)} keeps only its latest calls:
 * the queries, counts included, then see those; sequence numbers and marks count every call.
 */
public interface CallLog {

  /** A position in the log; calls recorded after it are "since" the mark. */
  record Mark(long afterSequence) {}

  /** All calls so far, oldest first. */
  List<RecordedCall> all();

  /** A mark at the current end of the log. */
  Mark mark();

  /** The calls recorded after {@code mark}, oldest first. */
  List<RecordedCall> since(Mark mark);

  /** How many calls of {@code operation} (e.g. {@code "DescribeDBInstances"}) so far. */
  default long count(String operation) {
    return all().stream().filter(c -> c.operation().equals(operation)).count();
  }

  /** How many calls of {@code operation} since {@code mark}. */
  default long countSince(Mark mark, String operation) {
    return since(mark).stream().filter(c -> c.operation().equals(operation)).count();
  }

  /** The write calls ({@link RecordedCall#isWrite()}) since {@code mark}. */
  default List<RecordedCall> writesSince(Mark mark) {
    return since(mark).stream().filter(RecordedCall::isWrite).toList();
  }

  /** The log as text, one call a line; sensitive request fields are redacted. */
  default String render() {
    StringBuilder sb = new StringBuilder();
    for (RecordedCall c : all()) {
      sb.append(c).append('\n');
    }
    return sb.toString();
  }
}
