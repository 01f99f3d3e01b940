package io.rdstagflow.testkit.internal;

import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.services.rds.model.AddTagsToResourceRequest;
import software.amazon.awssdk.services.rds.model.AddTagsToResourceResponse;
import software.amazon.awssdk.services.rds.model.ListTagsForResourceRequest;
import software.amazon.awssdk.services.rds.model.ListTagsForResourceResponse;
import software.amazon.awssdk.services.rds.model.RemoveTagsFromResourceRequest;
import software.amazon.awssdk.services.rds.model.RemoveTagsFromResourceResponse;
import software.amazon.awssdk.services.rds.model.Tag;

/**
 * Tags of instances, snapshots and parameter groups, and of clusters, cluster snapshots and
 * cluster parameter groups, by ARN, under RDS's tag rules.
 */
final class Tagging {

  private final Store store;
  private final Arns arns;
  private final Rendering rendering;
  private final DescribeLag lag;
  private final ClusterRendering clusterRendering;

  Tagging(Store store, Arns arns, Rendering rendering, DescribeLag lag,
      ClusterRendering clusterRendering) {
    this.store = store;
    this.arns = arns;
    this.rendering = rendering;
    this.lag = lag;
    this.clusterRendering = clusterRendering;
  }

  AddTagsToResourceResponse add(AddTagsToResourceRequest r, Instant now, String rid) {
    Map<String, String> tags = tagsOf(r.resourceName(), rid);
    Map<String, String> after = checked(tags, r.hasTags() ? r.tags() : List.of(), rid);
    SimInstance i = taggedInstance(r.resourceName());
    if (i != null) {
      lag.beforeWrite(i.id, rendering.instance(i, now), now);
    }
    SimCluster c = taggedCluster(r.resourceName());
    if (c != null) {
      lag.beforeClusterWrite(c.id, clusterRendering.cluster(c, now), now);
    }
    tags.clear();
    tags.putAll(after);
    if (i != null) {
      i.recordTags(now, "AddTagsToResource");
    }
    if (c != null) {
      c.recordTags(now, "AddTagsToResource");
    }
    return AddTagsToResourceResponse.builder().build();
  }

  RemoveTagsFromResourceResponse remove(RemoveTagsFromResourceRequest r, Instant now, String rid) {
    Map<String, String> tags = tagsOf(r.resourceName(), rid);
    SimInstance i = taggedInstance(r.resourceName());
    if (i != null) {
      lag.beforeWrite(i.id, rendering.instance(i, now), now);
    }
    SimCluster c = taggedCluster(r.resourceName());
    if (c != null) {
      lag.beforeClusterWrite(c.id, clusterRendering.cluster(c, now), now);
    }
    if (r.hasTagKeys()) {
      r.tagKeys().forEach(tags::remove);
    }
    if (i != null) {
      i.recordTags(now, "RemoveTagsFromResource");
    }
    if (c != null) {
      c.recordTags(now, "RemoveTagsFromResource");
    }
    return RemoveTagsFromResourceResponse.builder().build();
  }

  ListTagsForResourceResponse list(ListTagsForResourceRequest r, String rid) {
    return ListTagsForResourceResponse.builder()
        .tagList(Rendering.tags(tagsOf(r.resourceName(), rid))).build();
  }

  /** The live tag map of the resource an ARN names, or the resource's not-found error. */
  private Map<String, String> tagsOf(String arn, String rid) {
    String[] parts = arn == null ? new String[0] : arn.split(":", 7);
    if (parts.length != 7 || !parts[0].equals("arn") || !parts[2].equals("rds")) {
      throw RdsErrors.error("InvalidParameterValue", "Invalid resource name: " + arn, rid);
    }
    String name = parts[6].toLowerCase(Locale.ROOT);
    boolean ours = arns.ours(parts[3], parts[4]);
    return switch (parts[5]) {
      case "db" -> {
        SimInstance i = ours ? store.instances.get(name) : null;
        if (i == null) {
          throw RdsErrors.instanceNotFound(parts[6], rid);
        }
        yield i.tags;
      }
      case "snapshot" -> {
        SimSnapshot s = ours ? store.snapshots.get(name) : null;
        if (s == null) {
          throw RdsErrors.snapshotNotFound(parts[6], rid);
        }
        yield s.tags;
      }
      case "pg" -> {
        SimParameterGroup g = ours ? store.parameterGroups.get(name) : null;
        if (g == null) {
          throw RdsErrors.parameterGroupNotFound(parts[6], rid);
        }
        yield g.tags;
      }
      case "cluster" -> {
        SimCluster c = ours ? store.clusters.cluster(name) : null;
        if (c == null) {
          throw RdsErrors.clusterNotFound(parts[6], rid);
        }
        yield c.tags;
      }
      case "cluster-snapshot" -> {
        SimClusterSnapshot s = ours ? store.clusters.snapshots.get(name) : null;
        if (s == null) {
          throw RdsErrors.clusterSnapshotNotFound(parts[6], rid);
        }
        yield s.tags;
      }
      case "cluster-pg" -> {
        SimParameterGroup g = ours ? store.clusters.parameterGroups.get(name) : null;
        if (g == null) {
          throw RdsErrors.error("DBClusterParameterGroupNotFound",
              "DBClusterParameterGroup not found: " + parts[6], rid);
        }
        yield g.tags;
      }
      default -> throw RdsErrors.error("InvalidParameterValue", "Invalid resource name: " + arn,
          rid);
    };
  }

  private SimCluster taggedCluster(String arn) {
    String id = Arns.clusterFromArn(arn);
    return id == null ? null : store.clusters.cluster(id);
  }

  private SimInstance taggedInstance(String arn) {
    String id = Arns.dbFromArn(arn);
    return id == null ? null : store.instance(id);
  }

  /**
   * {@code before} with {@code add} put in, refused as a whole with {@code InvalidParameterValue}
   * if any tag or the resulting count breaks RDS's rules.
   */
  static Map<String, String> checked(Map<String, String> before, Collection<Tag> add, String rid) {
    Map<String, String> after = new LinkedHashMap<>(before);
    for (Tag t : add) {
      RdsErrors.invalidIf(RdsRules.tagViolation(t.key(), t.value()), rid);
      after.put(t.key(), t.value() == null ? "" : t.value());
    }
    RdsErrors.invalidIf(RdsRules.tagCountViolation(after), rid);
    return after;
  }
}
