package io.rdstagflow.testkit.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import software.amazon.awssdk.services.rds.model.CreateDbSnapshotRequest;
import software.amazon.awssdk.services.rds.model.DBSnapshot;
import software.amazon.awssdk.services.rds.model.DescribeDbSnapshotsRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbSnapshotsResponse;
import software.amazon.awssdk.services.rds.model.Filter;
import software.amazon.awssdk.services.rds.model.Tag;

/** Manual DB snapshots: taken, described, put in place by a test, restored from. */
final class Snapshots {

  private final Store store;
  private final Arns arns;
  private final Rendering rendering;
  private final Duration snapshotting;

  Snapshots(Store store, Arns arns, Rendering rendering, Duration snapshotting) {
    this.store = store;
    this.arns = arns;
    this.rendering = rendering;
    this.snapshotting = snapshotting;
  }

  DBSnapshot create(CreateDbSnapshotRequest r, SimInstance i, Instant now, String rid) {
    SimSnapshot s = take(i, r.dbSnapshotIdentifier(), r.hasTags() ? r.tags() : List.of(), now,
        snapshotting, rid);
    return rendering.snapshot(s, now);
  }

  /**
   * A snapshot of {@code i}, {@code available} after {@code duration}; its own tags are
   * {@code tags}, else the instance's when it copies tags to snapshots.
   */
  SimSnapshot take(SimInstance i, String snapshotId, Collection<Tag> tags, Instant now,
      Duration duration, String rid) {
    String id = newId(snapshotId, rid);
    Map<String, String> own = Tagging.checked(Map.of(), tags, rid);
    if (own.isEmpty() && i.flag(Setting.COPY_TAGS_TO_SNAPSHOT)) {
      own = Map.copyOf(i.tags);
    }
    SimSnapshot s = new SimSnapshot(id, arns.arn("snapshot", id), i.id, now, now.plus(duration),
        i.engine, i.string(Setting.ENGINE_VERSION), i.integer(Setting.ALLOCATED_STORAGE),
        i.masterUsername, i.integer(Setting.PORT), i.string(Setting.INSTANCE_CLASS),
        i.string(Setting.STORAGE_TYPE), (Integer) i.get(Setting.IOPS), i.storageEncrypted, i.tags);
    s.tags.putAll(own);
    store.snapshots.put(id, s);
    return s;
  }

  /** A snapshot that has long been available, as {@code FakeRds.givenSnapshot} describes. */
  DBSnapshot given(DBSnapshot spec, Instant now, String rid) {
    String id = newId(spec.dbSnapshotIdentifier(), rid);
    Map<String, String> tags = Tagging.checked(Map.of(), spec.hasTagList() ? spec.tagList()
        : List.of(), rid);
    String engine = spec.engine() != null ? spec.engine().toLowerCase(Locale.ROOT) : "postgres";
    String version = spec.engineVersion() != null
        ? spec.engineVersion() : EngineDefaults.version(engine);
    Instant created = spec.snapshotCreateTime() != null
        ? spec.snapshotCreateTime() : now.minus(Duration.ofDays(1));
    String instanceId = spec.dbInstanceIdentifier() != null
        ? spec.dbInstanceIdentifier().toLowerCase(Locale.ROOT) : id;
    SimSnapshot s = new SimSnapshot(id, arns.arn("snapshot", id), instanceId, created, created,
        engine, version, spec.allocatedStorage() != null ? spec.allocatedStorage() : 20,
        spec.masterUsername() != null ? spec.masterUsername() : "postgres",
        spec.port() != null ? spec.port() : EngineDefaults.port(engine), "db.t3.micro",
        spec.storageType() != null ? spec.storageType() : EngineDefaults.STORAGE_TYPE,
        spec.iops(), Boolean.TRUE.equals(spec.encrypted()), tags);
    s.tags.putAll(tags);
    store.snapshots.put(id, s);
    return rendering.snapshot(s, now);
  }

  private String newId(String snapshotId, String rid) {
    RdsErrors.invalidIf(RdsRules.identifierViolation("DBSnapshotIdentifier", snapshotId, 255), rid);
    String id = snapshotId.toLowerCase(Locale.ROOT);
    if (store.snapshots.containsKey(id)) {
      throw RdsErrors.error("DBSnapshotAlreadyExists",
          "Cannot create the snapshot because a snapshot with the identifier " + id
              + " already exists.", rid);
    }
    return id;
  }

  DescribeDbSnapshotsResponse describe(DescribeDbSnapshotsRequest r, Instant now, String rid) {
    int max = Paging.maxRecords(r.maxRecords(), rid);
    List<SimSnapshot> selected = new ArrayList<>(store.snapshots.values());
    if (r.dbSnapshotIdentifier() != null) {
      String id = Arns.idFromArnOrId(r.dbSnapshotIdentifier(), "snapshot");
      selected.removeIf(s -> !s.id.equals(id));
      if (selected.isEmpty() && r.dbInstanceIdentifier() == null) {
        throw RdsErrors.snapshotNotFound(r.dbSnapshotIdentifier(), rid);
      }
    }
    if (r.dbInstanceIdentifier() != null) {
      String id = Arns.idFromArnOrId(r.dbInstanceIdentifier(), "db");
      selected.removeIf(s -> !s.instanceId.equals(id));
    }
    if (r.snapshotType() != null && !r.snapshotType().equals("manual")) {
      selected.clear();
    }
    if (r.hasFilters()) {
      for (Filter f : r.filters()) {
        List<String> values = f.hasValues() ? f.values() : List.of();
        Function<SimSnapshot, String> attribute = switch (f.name() == null ? "" : f.name()) {
          case "db-instance-id" -> s -> s.instanceId;
          case "db-snapshot-id" -> s -> s.id;
          case "snapshot-type" -> s -> "manual";
          case "engine" -> s -> s.engine;
          default -> throw RdsErrors.error("InvalidParameterValue",
              "Unrecognized filter name: " + f.name(), rid);
        };
        selected.removeIf(s -> !values.contains(attribute.apply(s)));
      }
    }
    List<DBSnapshot> views = selected.stream().map(s -> rendering.snapshot(s, now)).toList();
    Paging.Page<DBSnapshot> page =
        Paging.page(views, DBSnapshot::dbSnapshotIdentifier, r.marker(), max);
    return DescribeDbSnapshotsResponse.builder().dbSnapshots(page.items()).marker(page.marker())
        .build();
  }

  /** The snapshot an identifier or ARN names, or {@code DBSnapshotNotFound}. */
  SimSnapshot existing(String idOrArn, String rid) {
    RdsErrors.invalidIf(idOrArn == null || idOrArn.isEmpty()
        ? "The parameter DBSnapshotIdentifier must be provided and must not be blank." : null, rid);
    SimSnapshot s = store.snapshots.get(Arns.idFromArnOrId(idOrArn, "snapshot"));
    if (s == null) {
      throw RdsErrors.snapshotNotFound(idOrArn, rid);
    }
    return s;
  }
}
