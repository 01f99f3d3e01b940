package io.rdstagflow.testkit.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.services.rds.model.CreateDbParameterGroupRequest;
import software.amazon.awssdk.services.rds.model.DBParameterGroup;
import software.amazon.awssdk.services.rds.model.DescribeDbParameterGroupsRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbParameterGroupsResponse;
import software.amazon.awssdk.services.rds.model.Tag;

/** DB parameter groups: names and families; the fake simulates no parameters. */
final class ParameterGroups {

  private final Store store;
  private final Arns arns;

  ParameterGroups(Store store, Arns arns) {
    this.store = store;
    this.arns = arns;
  }

  DBParameterGroup create(CreateDbParameterGroupRequest r, String rid) {
    return put(r.dbParameterGroupName(), r.dbParameterGroupFamily(), r.description(),
        r.hasTags() ? r.tags() : List.of(), rid);
  }

  /** Validated as CreateDBParameterGroup validates it. */
  DBParameterGroup put(String requestedName, String family, String description, List<Tag> tags,
      String rid) {
    RdsErrors.invalidIf(
        RdsRules.identifierViolation("DBParameterGroupName", requestedName, 255), rid);
    RdsErrors.require("DBParameterGroupFamily", family, rid);
    RdsErrors.require("Description", description, rid);
    String name = requestedName.toLowerCase(Locale.ROOT);
    if (store.parameterGroups.containsKey(name)) {
      throw RdsErrors.error("DBParameterGroupAlreadyExists",
          "Parameter group " + name + " already exists", rid);
    }
    Map<String, String> checked = Tagging.checked(Map.of(), tags, rid);
    SimParameterGroup g = new SimParameterGroup(name, family, description, arns.arn("pg", name));
    g.tags.putAll(checked);
    store.parameterGroups.put(name, g);
    return Rendering.parameterGroup(g);
  }

  DescribeDbParameterGroupsResponse describe(DescribeDbParameterGroupsRequest r, String rid) {
    int max = Paging.maxRecords(r.maxRecords(), rid);
    List<SimParameterGroup> selected = new ArrayList<>(store.parameterGroups.values());
    if (r.dbParameterGroupName() != null) {
      String name = r.dbParameterGroupName().toLowerCase(Locale.ROOT);
      selected.removeIf(g -> !g.name.equals(name));
      if (selected.isEmpty()) {
        throw RdsErrors.parameterGroupNotFound(r.dbParameterGroupName(), rid);
      }
    }
    List<DBParameterGroup> views = selected.stream().map(Rendering::parameterGroup).toList();
    Paging.Page<DBParameterGroup> page =
        Paging.page(views, DBParameterGroup::dbParameterGroupName, r.marker(), max);
    return DescribeDbParameterGroupsResponse.builder().dbParameterGroups(page.items())
        .marker(page.marker()).build();
  }

  /** The group an instance gets: the named one (which must exist) or its engine's default. */
  String groupFor(String requested, String engine, String version, String rid) {
    if (requested == null) {
      String family = EngineDefaults.family(engine, version);
      String name = "default." + family;
      store.parameterGroups.computeIfAbsent(name, n -> new SimParameterGroup(n, family,
          "Default parameter group for " + family, arns.arn("pg", n)));
      return name;
    }
    String name = requested.toLowerCase(Locale.ROOT);
    if (!store.parameterGroups.containsKey(name)) {
      throw RdsErrors.parameterGroupNotFound(requested, rid);
    }
    return name;
  }
}
