package io.rdstagflow.testkit;

import java.util.List;
import java.util.Objects;

/**
 * What happened to one Aurora DB cluster in a {@link FakeRds}: each status it went through and
 * each tag set it had, with the virtual time of each change. Its member instances have their own
 * {@link InstanceHistory}. The JUnit extension prints these when a test fails.
 *
 * <p>Immutable and thread-safe. Tags are not secrets in RDS, so they are printed as they are.
 *
 * @param clusterId the cluster identifier
 * @param statuses  each status change, oldest first; the last is the current status (or
 *                  {@code deleted})
 * @param tags      each tag set the cluster had, oldest first, with the operation that made it
 */
public record ClusterHistory(String clusterId, List<InstanceHistory.StatusChange> statuses,
    List<InstanceHistory.TagChange> tags) {

  /**
   * @throws NullPointerException if an argument is {@code null}
   */
  public ClusterHistory {
    Objects.requireNonNull(clusterId, "clusterId");
    statuses = List.copyOf(statuses);
    tags = List.copyOf(tags);
  }

  /** The statuses alone, in order: handy for {@code containsExactly} assertions. */
  public List<String> statusSequence() {
    return statuses.stream().map(InstanceHistory.StatusChange::status).toList();
  }

  /** The history as indented text, one change a line. */
  public String render() {
    StringBuilder sb = new StringBuilder("cluster ").append(clusterId).append('\n');
    for (InstanceHistory.StatusChange s : statuses) {
      sb.append("  ").append(s.at()).append(" status ").append(s.status()).append('\n');
    }
    for (InstanceHistory.TagChange t : tags) {
      sb.append("  ").append(t.at()).append(" tags after ").append(t.operation()).append(": ")
          .append(t.tags()).append('\n');
    }
    return sb.toString();
  }
}
