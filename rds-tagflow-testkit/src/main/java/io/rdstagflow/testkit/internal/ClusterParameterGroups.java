package io.rdstagflow.testkit.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.services.rds.model.CreateDbClusterParameterGroupRequest;
import software.amazon.awssdk.services.rds.model.DBClusterParameterGroup;
import software.amazon.awssdk.services.rds.model.DescribeDbClusterParameterGroupsRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbClusterParameterGroupsResponse;
import software.amazon.awssdk.services.rds.model.Tag;

/**
 * DB cluster parameter groups: names and families (the fake simulates no parameters in them). A
 * group serves only clusters of its family; {@code default.<family>} appears once a cluster uses
 * it.
 */
final class ClusterParameterGroups {

  private final ClusterStore store;
  private final Arns arns;

  ClusterParameterGroups(ClusterStore store, Arns arns) {
    this.store = store;
    this.arns = arns;
  }

  DBClusterParameterGroup create(CreateDbClusterParameterGroupRequest r, String rid) {
    return put(r.dbClusterParameterGroupName(), r.dbParameterGroupFamily(), r.description(),
        r.hasTags() ? r.tags() : List.of(), rid);
  }

  /** Validated as CreateDBClusterParameterGroup validates it. */
  DBClusterParameterGroup put(String requestedName, String family, String description,
      List<Tag> tags, String rid) {
    RdsErrors.invalidIf(
        RdsRules.identifierViolation("DBClusterParameterGroupName", requestedName, 255), rid);
    RdsErrors.require("DBParameterGroupFamily", family, rid);
    RdsErrors.require("Description", description, rid);
    String name = requestedName.toLowerCase(Locale.ROOT);
    if (store.parameterGroups.containsKey(name)) {
      throw RdsErrors.error("DBParameterGroupAlreadyExists",
          "DB Cluster Parameter Group " + name + " already exists", rid);
    }
    Map<String, String> checked = Tagging.checked(Map.of(), tags, rid);
    SimParameterGroup g = new SimParameterGroup(name, family, description,
        arns.arn("cluster-pg", name));
    g.tags.putAll(checked);
    store.parameterGroups.put(name, g);
    return ClusterRendering.parameterGroup(g);
  }

  DescribeDbClusterParameterGroupsResponse describe(DescribeDbClusterParameterGroupsRequest r,
      String rid) {
    int max = Paging.maxRecords(r.maxRecords(), rid);
    List<SimParameterGroup> selected = new ArrayList<>(store.parameterGroups.values());
    if (r.dbClusterParameterGroupName() != null) {
      String name = r.dbClusterParameterGroupName().toLowerCase(Locale.ROOT);
      selected.removeIf(g -> !g.name.equals(name));
      if (selected.isEmpty()) {
        // DescribeDBClusterParameterGroups answers with the instance groups' error code.
        throw RdsErrors.error("DBParameterGroupNotFound",
            "DBClusterParameterGroup not found: " + r.dbClusterParameterGroupName(), rid);
      }
    }
    List<DBClusterParameterGroup> views =
        selected.stream().map(ClusterRendering::parameterGroup).toList();
    Paging.Page<DBClusterParameterGroup> page = Paging.page(views,
        DBClusterParameterGroup::dbClusterParameterGroupName, r.marker(), max);
    return DescribeDbClusterParameterGroupsResponse.builder().dbClusterParameterGroups(page.items())
        .marker(page.marker()).build();
  }

  /**
   * The group a cluster gets: the named one, which must exist
   * ({@code DBClusterParameterGroupNotFound}) and be of the cluster's family
   * ({@code InvalidParameterCombination}), or its engine's default.
   */
  String groupFor(String requested, String engine, String version, String rid) {
    String family = EngineDefaults.family(engine, version);
    if (requested == null) {
      String name = "default." + family;
      store.parameterGroups.computeIfAbsent(name, n -> new SimParameterGroup(n, family,
          "Default cluster parameter group for " + family, arns.arn("cluster-pg", n)));
      return name;
    }
    SimParameterGroup g = store.parameterGroups.get(requested.toLowerCase(Locale.ROOT));
    if (g == null) {
      throw RdsErrors.error("DBClusterParameterGroupNotFound",
          "DBClusterParameterGroup not found: " + requested, rid);
    }
    RdsErrors.combinationIf(!g.family.equals(family)
        ? "The DB cluster parameter group " + g.name + " has family " + g.family
            + "; a cluster of " + engine + " " + version + " needs one of family " + family + "."
        : null, rid);
    return g.name;
  }
}
