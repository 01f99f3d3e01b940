package io.rdstagflow.testkit;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What happened to one DB instance in a {@link FakeRds}: each status it went through and each
 * tag set it had, with the virtual time of each change. The JUnit extension prints these when a
 * test fails; tests may assert on them too ("the instance was never {@code rebooting}").
 *
 * <p>Immutable and thread-safe. Tags are not secrets in RDS (anyone with
 * {@code rds:ListTagsForResource} reads them), so they are printed as they are.
 *
 * @param instanceId the instance identifier
 * @param statuses   each status change, oldest first; the last is the current status (or
 *                   {@code deleted})
 * @param tags       each tag set the instance had, oldest first, with the operation that made it
 */
public record InstanceHistory(String instanceId, List<StatusChange> statuses, List<TagChange> tags) {

  /** The instance entered {@code status} at {@code at}. */
  public record StatusChange(Instant at, String status) {}

  /** After {@code operation} at {@code at}, the instance's tags were {@code tags}. */
  public record TagChange(Instant at, String operation, Map<String, String> tags) {}

  /**
   * @throws NullPointerException if an argument is {@code null}
   */
  public InstanceHistory {
    Objects.requireNonNull(instanceId, "instanceId");
    statuses = List.copyOf(statuses);
    tags = List.copyOf(tags);
  }

  /** The statuses alone, in order: handy for {@code containsExactly} assertions. */
  public List<String> statusSequence() {
    return statuses.stream().map(StatusChange::status).toList();
  }

  /** The history as indented text, one change a line. */
  public String render() {
    StringBuilder sb = new StringBuilder("instance ").append(instanceId).append('\n');
    for (StatusChange s : statuses) {
      sb.append("  ").append(s.at()).append(" status ").append(s.status()).append('\n');
    }
    for (TagChange t : tags) {
      sb.append("  ").append(t.at()).append(" tags after ").append(t.operation()).append(": ")
          .append(t.tags()).append('\n');
    }
    return sb.toString();
  }
}
