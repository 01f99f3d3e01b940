package io.rdstagflow.testkit.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.rds.model.DBClusterSnapshot;
import software.amazon.awssdk.services.rds.model.DescribeDbClusterSnapshotsRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbClusterSnapshotsResponse;
import software.amazon.awssdk.services.rds.model.Filter;
import software.amazon.awssdk.services.rds.model.Tag;

/** Manual DB cluster snapshots: taken, described, put in place by a test, restored from. */
final class ClusterSnapshots {

  private final ClusterStore store;
  private final Arns arns;
  private final ClusterRendering rendering;

  ClusterSnapshots(ClusterStore store, Arns arns, ClusterRendering rendering) {
    this.store = store;
    this.arns = arns;
    this.rendering = rendering;
  }

  /**
   * A snapshot of {@code c}, {@code available} after {@code duration}; its own tags are
   * {@code tags}, else the cluster's when it copies tags to snapshots.
   */
  SimClusterSnapshot take(SimCluster c, String snapshotId, Collection<Tag> tags, Instant now,
      Duration duration, String rid) {
    String id = newId(snapshotId, rid);
    Map<String, String> own = Tagging.checked(Map.of(), tags, rid);
    if (own.isEmpty() && c.flag(ClusterSetting.COPY_TAGS_TO_SNAPSHOT)) {
      own = Map.copyOf(c.tags);
    }
    SimClusterSnapshot s = new SimClusterSnapshot(id, arns.arn("cluster-snapshot", id), c.id, now,
        now.plus(duration), c.engine, c.engineVersion, c.masterUsername, c.databaseName, c.port(),
        c.storageEncrypted, c.kmsKeyId, c.flag(ClusterSetting.IAM_DATABASE_AUTHENTICATION),
        c.tags);
    s.tags.putAll(own);
    store.snapshots.put(id, s);
    return s;
  }

  /** A snapshot that has long been available, as {@code FakeRds.givenClusterSnapshot} says. */
  DBClusterSnapshot given(DBClusterSnapshot spec, Instant now, String rid) {
    String id = newId(spec.dbClusterSnapshotIdentifier(), rid);
    Map<String, String> tags = Tagging.checked(Map.of(), spec.hasTagList() ? spec.tagList()
        : List.of(), rid);
    String engine = spec.engine() != null ? spec.engine().toLowerCase(Locale.ROOT)
        : "aurora-postgresql";
    String version = spec.engineVersion() != null
        ? spec.engineVersion() : EngineDefaults.version(engine);
    Instant created = spec.snapshotCreateTime() != null
        ? spec.snapshotCreateTime() : now.minus(Duration.ofDays(1));
    String clusterId = spec.dbClusterIdentifier() != null
        ? spec.dbClusterIdentifier().toLowerCase(Locale.ROOT) : id;
    boolean encrypted = Boolean.TRUE.equals(spec.storageEncrypted());
    SimClusterSnapshot s = new SimClusterSnapshot(id, arns.arn("cluster-snapshot", id), clusterId,
        created, created, engine, version,
        spec.masterUsername() != null ? spec.masterUsername() : "postgres", null,
        spec.port() != null ? spec.port() : EngineDefaults.port(engine), encrypted,
        !encrypted ? null : spec.kmsKeyId() != null ? spec.kmsKeyId() : defaultKey(),
        Boolean.TRUE.equals(spec.iamDatabaseAuthenticationEnabled()), tags);
    s.tags.putAll(tags);
    store.snapshots.put(id, s);
    return rendering.snapshot(s, now);
  }

  /** The account's default KMS key for RDS, as the instances' encryption shows it. */
  String defaultKey() {
    return "arn:aws:kms:" + arns.region() + ":" + arns.accountId()
        + ":key/00000000-0000-4000-8000-00000000aws0";
  }

  private String newId(String snapshotId, String rid) {
    RdsErrors.invalidIf(
        RdsRules.identifierViolation("DBClusterSnapshotIdentifier", snapshotId, 255), rid);
    String id = snapshotId.toLowerCase(Locale.ROOT);
    if (store.snapshots.containsKey(id)) {
      throw RdsErrors.error("DBClusterSnapshotAlreadyExistsFault",
          "Cannot create the cluster snapshot because one with the identifier " + id
              + " already exists.", rid);
    }
    return id;
  }

  DescribeDbClusterSnapshotsResponse describe(DescribeDbClusterSnapshotsRequest r, Instant now,
      String rid) {
    int max = Paging.maxRecords(r.maxRecords(), rid);
    List<SimClusterSnapshot> selected = new ArrayList<>(store.snapshots.values());
    if (r.dbClusterSnapshotIdentifier() != null) {
      String id = Arns.idFromArnOrId(r.dbClusterSnapshotIdentifier(), "cluster-snapshot");
      selected.removeIf(s -> !s.id.equals(id));
      if (selected.isEmpty() && r.dbClusterIdentifier() == null) {
        throw RdsErrors.clusterSnapshotNotFound(r.dbClusterSnapshotIdentifier(), rid);
      }
    }
    if (r.dbClusterIdentifier() != null) {
      String id = Arns.idFromArnOrId(r.dbClusterIdentifier(), "cluster");
      selected.removeIf(s -> !s.clusterId.equals(id));
    }
    if (r.snapshotType() != null && !r.snapshotType().equals("manual")) {
      selected.clear();
    }
    for (Filter f : r.hasFilters() ? r.filters() : List.<Filter>of()) {
      String name = f.name() == null ? "" : f.name();
      Function<SimClusterSnapshot, String> attribute = switch (name) {
        case "db-cluster-id" -> s -> s.clusterId;
        case "db-cluster-snapshot-id" -> s -> s.id;
        case "snapshot-type" -> s -> "manual";
        case "engine" -> s -> s.engine;
        default -> throw RdsErrors.error("InvalidParameterValue",
            "Unrecognized filter name: " + f.name(), rid);
      };
      // Identifiers are matched in any case and as ARNs, as RDS matches them.
      Set<String> wanted = (f.hasValues() ? f.values() : List.<String>of()).stream()
          .filter(Objects::nonNull)
          .map(v -> switch (name) {
            case "db-cluster-id" -> Arns.idFromArnOrId(v, "cluster");
            case "db-cluster-snapshot-id" -> Arns.idFromArnOrId(v, "cluster-snapshot");
            default -> v;
          }).collect(Collectors.toSet());
      selected.removeIf(s -> !wanted.contains(attribute.apply(s)));
    }
    List<DBClusterSnapshot> views = selected.stream().map(s -> rendering.snapshot(s, now)).toList();
    Paging.Page<DBClusterSnapshot> page =
        Paging.page(views, DBClusterSnapshot::dbClusterSnapshotIdentifier, r.marker(), max);
    return DescribeDbClusterSnapshotsResponse.builder().dbClusterSnapshots(page.items())
        .marker(page.marker()).build();
  }

  /** The snapshot an identifier or ARN names, or {@code DBClusterSnapshotNotFoundFault}. */
  SimClusterSnapshot existing(String idOrArn, String rid) {
    RdsErrors.require("SnapshotIdentifier", idOrArn, rid);
    SimClusterSnapshot s = store.snapshots.get(Arns.idFromArnOrId(idOrArn, "cluster-snapshot"));
    if (s == null) {
      throw RdsErrors.clusterSnapshotNotFound(idOrArn, rid);
    }
    return s;
  }
}
