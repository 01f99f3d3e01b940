package io.rdstagflow.testkit.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.rds.model.CreateDbParameterGroupRequest;
import software.amazon.awssdk.services.rds.model.DBParameterGroup;
import software.amazon.awssdk.services.rds.model.DescribeDbParameterGroupsRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbParameterGroupsResponse;
import software.amazon.awssdk.services.rds.model.DescribeDbParametersRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbParametersResponse;
import software.amazon.awssdk.services.rds.model.ModifyDbParameterGroupRequest;
import software.amazon.awssdk.services.rds.model.ModifyDbParameterGroupResponse;
import software.amazon.awssdk.services.rds.model.Parameter;
import software.amazon.awssdk.services.rds.model.Tag;

/**
 * DB parameter groups: names, families and the parameters set in them (the family's others keep
 * their defaults, from {@link ParameterCatalog}). A group serves only instances of its family;
 * {@code default.<family>} exists for every family of the engine-version catalog.
 */
final class ParameterGroups {

  private static final Set<String> SOURCES = Set.of("user", "system", "engine-default");

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
    if (find(name) != null) {
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
    List<SimParameterGroup> selected;
    if (r.dbParameterGroupName() != null) {
      selected = List.of(existing(r.dbParameterGroupName(), rid));
    } else {
      selected = new ArrayList<>(store.parameterGroups.values());
    }
    List<DBParameterGroup> views = selected.stream().map(Rendering::parameterGroup).toList();
    Paging.Page<DBParameterGroup> page =
        Paging.page(views, DBParameterGroup::dbParameterGroupName, r.marker(), max);
    return DescribeDbParameterGroupsResponse.builder().dbParameterGroups(page.items())
        .marker(page.marker()).build();
  }

  /**
   * DescribeDBParameters: the family's parameters with the group's values, or only those of one
   * {@code Source} ({@code user}: the ones set in the group).
   */
  DescribeDbParametersResponse parameters(DescribeDbParametersRequest r, String rid) {
    int max = Paging.maxRecords(r.maxRecords(), rid);
    RdsErrors.require("DBParameterGroupName", r.dbParameterGroupName(), rid);
    RdsErrors.invalidIf(r.source() != null && !SOURCES.contains(r.source())
        ? "Invalid value " + r.source() + " for Source. Valid values: user, system, engine-default" : null, rid);
    SimParameterGroup g = existing(r.dbParameterGroupName(), rid);
    List<Parameter> shown = new ArrayList<>();
    for (ParameterCatalog.Known k : ParameterCatalog.of(g.family)) {
      SimParameterGroup.SetParameter set = g.parameters.get(k.name());
      String source = set != null ? "user" : "engine-default";
      if (r.source() != null && !r.source().equals(source)) {
        continue;
      }
      Parameter.Builder p = Parameter.builder().parameterName(k.name()).description(k.description())
          .source(source).applyType(k.applyType()).dataType(k.dataType()).isModifiable(k.modifiable());
      if (set != null) {
        p.parameterValue(set.value()).applyMethod(set.applyMethod());
      } else {
        p.parameterValue(k.defaultValue().isEmpty() ? null : k.defaultValue()).applyMethod("pending-reboot");
      }
      shown.add(p.build());
    }
    Paging.Page<Parameter> page = Paging.page(shown, Parameter::parameterName, r.marker(), max);
    return DescribeDbParametersResponse.builder().parameters(page.items()).marker(page.marker()).build();
  }

  /**
   * ModifyDBParameterGroup: 1 to 20 parameters of the group's family, each with an
   * {@code ApplyMethod} ({@code immediate} only for dynamic ones); default groups cannot be
   * modified. A static parameter changed in a group an instance uses leaves it
   * {@code pending-reboot}.
   */
  ModifyDbParameterGroupResponse modify(ModifyDbParameterGroupRequest r, String rid) {
    RdsErrors.require("DBParameterGroupName", r.dbParameterGroupName(), rid);
    SimParameterGroup g = existing(r.dbParameterGroupName(), rid);
    RdsErrors.invalidIf(g.isDefault() ? "Default parameter groups cannot be modified: " + g.name : null, rid);
    List<Parameter> given = r.hasParameters() ? r.parameters() : List.of();
    RdsErrors.invalidIf(given.isEmpty() || given.size() > 20
        ? "A ModifyDBParameterGroup request takes 1 to 20 parameters, not " + given.size() : null, rid);
    boolean staticChanged = false;
    for (Parameter p : given) {
      RdsErrors.require("ParameterName", p.parameterName(), rid);
      ParameterCatalog.Known k = ParameterCatalog.find(g.family, p.parameterName());
      RdsErrors.invalidIf(k == null ? "Could not find parameter with name: " + p.parameterName() : null, rid);
      RdsErrors.invalidIf(!k.modifiable() ? "Parameter " + k.name() + " is not modifiable" : null, rid);
      String method = p.applyMethodAsString();
      RdsErrors.invalidIf(method == null || !(method.equals("immediate") || method.equals("pending-reboot"))
          ? "ApplyMethod of " + k.name() + " must be immediate or pending-reboot" : null, rid);
      RdsErrors.combinationIf(k.applyType().equals("static") && method.equals("immediate")
          ? "cannot use immediate apply method for static parameter" : null, rid);
      staticChanged |= k.applyType().equals("static");
    }
    for (Parameter p : given) {
      g.parameters.put(p.parameterName(), new SimParameterGroup.SetParameter(
          p.parameterValue() == null ? "" : p.parameterValue(), p.applyMethodAsString()));
    }
    if (staticChanged) {
      for (SimInstance i : store.instances.values()) {
        if (g.name.equals(i.parameterGroup) && (i.activity == null || i.activity.newParameterGroup == null)) {
          i.parameterApplyStatus = "pending-reboot";
        }
      }
    }
    return ModifyDbParameterGroupResponse.builder().dbParameterGroupName(g.name).build();
  }

  /** The family of an engine version: the catalog's, else the rule of {@link EngineDefaults}. */
  String family(String engine, String version) {
    EngineVersionCatalog.Version v = store.engineVersions.find(engine, version);
    return v != null ? v.family() : EngineDefaults.family(engine, version);
  }

  /** The group an instance gets: the named one (which must exist) or its engine's default. */
  String groupFor(String requested, String engine, String version, String rid) {
    String family = family(engine, version);
    if (requested == null) {
      return defaultGroup(family).name;
    }
    SimParameterGroup g = existing(requested, rid);
    RdsErrors.combinationIf(!g.family.equals(family)
        ? "The parameter group " + g.name + " with DBParameterGroupFamily " + g.family
            + " can't be used for this instance. Use a parameter group with DBParameterGroupFamily " + family + "."
        : null, rid);
    return g.name;
  }

  /** The family of a group that exists. */
  String familyOf(String groupName) {
    SimParameterGroup g = find(groupName);
    return g == null ? null : g.family;
  }

  /** The group {@code default.<family>}, created when first asked for. */
  SimParameterGroup defaultGroup(String family) {
    String name = "default." + family;
    return store.parameterGroups.computeIfAbsent(name, n -> new SimParameterGroup(n, family,
        "Default parameter group for " + family, arns.arn("pg", n)));
  }

  /** The group a name names, or {@code DBParameterGroupNotFound}. */
  SimParameterGroup existing(String requested, String rid) {
    SimParameterGroup g = find(requested.toLowerCase(Locale.ROOT));
    if (g == null) {
      throw RdsErrors.parameterGroupNotFound(requested, rid);
    }
    return g;
  }

  /** The group, a default group of a family the catalog offers included; or {@code null}. */
  private SimParameterGroup find(String name) {
    SimParameterGroup g = store.parameterGroups.get(name);
    if (g == null && name.startsWith("default.")
        && store.engineVersions.families().contains(name.substring("default.".length()))) {
      g = defaultGroup(name.substring("default.".length()));
    }
    return g;
  }
}
