package io.rdstagflow.testkit.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.function.Predicate;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DescribeDbClustersRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbClustersResponse;
import software.amazon.awssdk.services.rds.model.Filter;

/**
 * DescribeDBClusters: which clusters a request selects and which page of them it returns, as
 * {@link InstanceQuery} does for instances: the {@code db-cluster-id} filter (identifiers or ARNs,
 * up to 100 unique values) and {@code DBClusterIdentifier} look clusters up by identifier, other
 * filters and the describe lag act on the cluster as the describe would show it, pages follow
 * identifier order and the marker is the identifier the next page starts at.
 */
final class ClusterQuery {

  /** The most unique values one {@code db-cluster-id} filter may carry (RDS's error says so). */
  static final int MAX_FILTER_IDENTIFIERS = 100;

  private final ClusterStore store;
  private final Arns arns;
  private final Clusters clusters;
  private final DescribeLag lag;

  ClusterQuery(ClusterStore store, Arns arns, Clusters clusters, DescribeLag lag) {
    this.store = store;
    this.arns = arns;
    this.clusters = clusters;
    this.lag = lag;
  }

  DescribeDbClustersResponse describe(DescribeDbClustersRequest r, Instant now, String rid) {
    int max = Paging.maxRecords(r.maxRecords(), rid);
    NavigableSet<String> named = null;
    List<Predicate<DBCluster>> tests = new ArrayList<>();
    for (Filter f : r.hasFilters() ? r.filters() : List.<Filter>of()) {
      List<String> values = f.hasValues() ? f.values() : List.of();
      if (values.isEmpty()) {
        throw RdsErrors.error("InvalidParameterValue",
            "The list of values for filter " + f.name() + " must not be empty.", rid);
      }
      switch (f.name() == null ? "" : f.name()) {
        case "db-cluster-id" -> {
          NavigableSet<String> ids = identifiers(values, arns, rid);
          if (named != null) {
            ids.retainAll(named);
          }
          named = ids;
        }
        case "db-cluster-resource-id" -> tests.add(c -> values.contains(c.dbClusterResourceId()));
        case "engine" -> tests.add(c -> values.contains(c.engine()));
        // The fake has no clones and no Active Directory domains: these match nothing.
        case "clone-group-id", "domain" -> tests.add(c -> false);
        default -> throw RdsErrors.error("InvalidParameterValue",
            "Unrecognized filter name: " + f.name(), rid);
      }
    }
    Map<String, DescribeLag.ClusterLagView> lagged = lag.clusterViewsAt(now);
    if (r.dbClusterIdentifier() != null) {
      String id = Arns.idFromArnOrId(r.dbClusterIdentifier(), "cluster");
      if (view(id, lagged, now) == null) {
        throw RdsErrors.clusterNotFound(r.dbClusterIdentifier(), rid);
      }
      NavigableSet<String> only = new TreeSet<>();
      if (named == null || named.contains(id)) {
        only.add(id);
      }
      named = only;
    }
    NavigableSet<String> candidates = named;
    if (candidates == null) {
      candidates = store.clusters.navigableKeySet();
      if (!lagged.isEmpty()) {
        candidates = new TreeSet<>(candidates);
        candidates.addAll(lagged.keySet());
      }
    }
    if (r.marker() != null) {
      candidates = candidates.tailSet(r.marker(), true);
    }
    List<DBCluster> page = new ArrayList<>();
    String next = null;
    for (String id : candidates) {
      DBCluster c = view(id, lagged, now);
      if (c == null || !tests.stream().allMatch(t -> t.test(c))) {
        continue;
      }
      if (page.size() == max) {
        next = id;
        break;
      }
      page.add(c);
    }
    return DescribeDbClustersResponse.builder().dbClusters(page).marker(next).build();
  }

  /**
   * The lower-cased cluster identifiers one {@code db-cluster-id} filter names: identifiers as
   * given, and the cluster of each DB cluster ARN of this fake's region and account (any other
   * ARN names nothing here). Also the reading of DescribeDBInstances' {@code db-cluster-id}.
   */
  static NavigableSet<String> identifiers(List<String> values, Arns arns, String rid) {
    if (new HashSet<>(values).size() > MAX_FILTER_IDENTIFIERS) {
      throw RdsErrors.error("InvalidParameterCombination", "Only up to "
          + MAX_FILTER_IDENTIFIERS + " unique filter DB Cluster Identifiers may be specified "
          + "per filter.", rid);
    }
    NavigableSet<String> ids = new TreeSet<>();
    for (String v : values) {
      if (v == null) {
        continue;
      }
      if (!v.startsWith("arn:")) {
        ids.add(v.toLowerCase(Locale.ROOT));
        continue;
      }
      String[] parts = v.split(":", 7);
      if (parts.length == 7 && parts[2].equals("rds") && parts[5].equals("cluster")
          && arns.ours(parts[3], parts[4])) {
        ids.add(parts[6].toLowerCase(Locale.ROOT));
      }
    }
    return ids;
  }

  /** The cluster as a describe shows it now: a lag's view in force, else the live cluster. */
  private DBCluster view(String id, Map<String, DescribeLag.ClusterLagView> lagged, Instant now) {
    DescribeLag.ClusterLagView v = lagged.get(id);
    if (v != null) {
      return v.view();
    }
    SimCluster c = store.clusters.get(id);
    if (c == null) {
      return null;
    }
    // Settled, not retired: the clusters' index may be the one being walked.
    c.settle(now);
    return c.gone ? null : clusters.render(c, now);
  }
}
