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
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesResponse;
import software.amazon.awssdk.services.rds.model.Filter;

/**
 * DescribeDBInstances: which instances a request selects and which page of them it returns.
 *
 * <p>The {@code db-instance-id} filter (identifiers or ARNs, up to 100 unique values) and
 * {@code DBInstanceIdentifier} are looked up in the store's index, so a batch of 100 identifiers
 * among 50,000 instances renders at most the 100; without them the instances are walked in
 * identifier order from the marker, and only until the page is full. Every other filter and the
 * describe lag act on the instance as the describe would show it. The marker is the identifier
 * the next page starts at. Guarded by the simulation's lock.
 */
final class InstanceQuery {

  /** The most unique values one {@code db-instance-id} filter may carry. */
  static final int MAX_FILTER_IDENTIFIERS = 100;

  private final Store store;
  private final Arns arns;
  private final Rendering rendering;
  private final DescribeLag lag;

  InstanceQuery(Store store, Arns arns, Rendering rendering, DescribeLag lag) {
    this.store = store;
    this.arns = arns;
    this.rendering = rendering;
    this.lag = lag;
  }

  DescribeDbInstancesResponse describe(DescribeDbInstancesRequest r, Instant now, String rid) {
    int max = Paging.maxRecords(r.maxRecords(), rid);
    NavigableSet<String> named = null;
    List<Predicate<DBInstance>> tests = new ArrayList<>();
    for (Filter f : r.hasFilters() ? r.filters() : List.<Filter>of()) {
      List<String> values = f.hasValues() ? f.values() : List.of();
      if (values.isEmpty()) {
        throw RdsErrors.error("InvalidParameterValue",
            "The list of values for filter " + f.name() + " must not be empty.", rid);
      }
      switch (f.name() == null ? "" : f.name()) {
        case "db-instance-id" -> {
          NavigableSet<String> ids = identifiers(values, rid);
          if (named != null) {
            ids.retainAll(named);
          }
          named = ids;
        }
        case "dbi-resource-id" -> tests.add(d -> values.contains(d.dbiResourceId()));
        case "engine" -> tests.add(d -> values.contains(d.engine()));
        // The fake has no clusters and no Active Directory domains: these match nothing.
        case "db-cluster-id", "domain" -> tests.add(d -> false);
        default -> throw RdsErrors.error("InvalidParameterValue",
            "Unrecognized filter name: " + f.name(), rid);
      }
    }
    Map<String, DescribeLag.LagView> lagged = lag.viewsAt(now);
    if (r.dbInstanceIdentifier() != null) {
      // "If supplied, must match the identifier of an existing DB instance"; the filters then
      // narrow that one instance further.
      String id = Arns.idFromArnOrId(r.dbInstanceIdentifier(), "db");
      if (view(id, lagged, now) == null) {
        throw RdsErrors.instanceNotFound(r.dbInstanceIdentifier(), rid);
      }
      NavigableSet<String> only = new TreeSet<>();
      if (named == null || named.contains(id)) {
        only.add(id);
      }
      named = only;
    }
    NavigableSet<String> candidates = named != null ? named : everyIdentifier(lagged);
    if (r.marker() != null) {
      candidates = candidates.tailSet(r.marker(), true);
    }
    List<DBInstance> page = new ArrayList<>(Math.min(max, 16));
    String next = null;
    for (String id : candidates) {
      DBInstance d = view(id, lagged, now);
      if (d == null || !tests.stream().allMatch(t -> t.test(d))) {
        continue;
      }
      if (page.size() == max) {
        next = id;
        break;
      }
      page.add(d);
    }
    return DescribeDbInstancesResponse.builder().dbInstances(page).marker(next).build();
  }

  /**
   * The lower-cased identifiers one {@code db-instance-id} filter names: identifiers as given,
   * and the instance of each DB instance ARN of this fake's region and account (an ARN of
   * another region, account or resource type names nothing here).
   */
  private NavigableSet<String> identifiers(List<String> values, String rid) {
    if (new HashSet<>(values).size() > MAX_FILTER_IDENTIFIERS) {
      throw RdsErrors.error("InvalidParameterCombination", "Only up to "
          + MAX_FILTER_IDENTIFIERS + " unique filter DB Instance Identifiers may be specified "
          + "per filter", rid);
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
      if (parts.length == 7 && parts[2].equals("rds") && parts[5].equals("db")
          && arns.ours(parts[3], parts[4])) {
        ids.add(parts[6].toLowerCase(Locale.ROOT));
      }
    }
    return ids;
  }

  /** Every identifier a describe could show: the live instances and those a lag still shows. */
  private NavigableSet<String> everyIdentifier(Map<String, DescribeLag.LagView> lagged) {
    NavigableSet<String> live = store.instances.navigableKeySet();
    if (lagged.isEmpty()) {
      return live;
    }
    NavigableSet<String> all = new TreeSet<>(live);
    all.addAll(lagged.keySet());
    return all;
  }

  /**
   * The instance {@code id} as a describe shows it now: a view the describe lag keeps in force,
   * else the live instance; {@code null} when there is none to show.
   */
  private DBInstance view(String id, Map<String, DescribeLag.LagView> lagged, Instant now) {
    DescribeLag.LagView v = lagged.get(id);
    if (v != null) {
      return v.view();
    }
    SimInstance i = store.instances.get(id);
    return i == null ? null : rendering.instance(i, now);
  }
}
