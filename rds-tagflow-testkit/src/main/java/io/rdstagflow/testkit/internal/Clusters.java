package io.rdstagflow.testkit.internal;

import io.rdstagflow.testkit.ClusterHistory;
import io.rdstagflow.testkit.ClusterTimings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.services.rds.model.CreateDbClusterRequest;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DeleteDbClusterRequest;
import software.amazon.awssdk.services.rds.model.RestoreDbClusterFromSnapshotRequest;
import software.amazon.awssdk.services.rds.model.RestoreDbClusterToPointInTimeRequest;
import software.amazon.awssdk.services.rds.model.Tag;

/**
 * The Aurora DB clusters' lifecycle: created or restored, deleted, failed, settled against the
 * clock when read, their histories kept. Members are {@link Members}' and modifications
 * {@link ClusterModification}'s.
 */
final class Clusters {

  /** What a point-in-time restore copies from its source cluster (it gets the default SG). */
  private static final List<ClusterSetting> FROM_SOURCE = List.of(ClusterSetting.BACKUP_RETENTION,
      ClusterSetting.BACKUP_WINDOW, ClusterSetting.MAINTENANCE_WINDOW, ClusterSetting.PORT,
      ClusterSetting.IAM_DATABASE_AUTHENTICATION, ClusterSetting.LOG_EXPORTS,
      ClusterSetting.COPY_TAGS_TO_SNAPSHOT, ClusterSetting.SUBNET_GROUP);

  private final ClusterStore store;
  private final Arns arns;
  private final ClusterTimings timings;
  private final ClusterRendering rendering;
  private final DescribeLag lag;
  private final ClusterParameterGroups parameterGroups;
  private final ClusterSnapshots snapshots;
  private long resourceCounter;

  Clusters(ClusterStore store, Arns arns, ClusterTimings timings, ClusterRendering rendering,
      DescribeLag lag, ClusterParameterGroups parameterGroups, ClusterSnapshots snapshots) {
    this.store = store;
    this.arns = arns;
    this.timings = timings;
    this.rendering = rendering;
    this.lag = lag;
    this.parameterGroups = parameterGroups;
    this.snapshots = snapshots;
  }

  ClusterTimings timings() {
    return timings;
  }

  DBCluster render(SimCluster c, Instant now) {
    return rendering.cluster(c, now);
  }

  /** Under a describe lag, the cluster keeps looking as it does now for a while. */
  void beforeWrite(SimCluster c, Instant now) {
    lag.beforeClusterWrite(c.id, rendering.cluster(c, now), now);
  }

  // ---------------------------------------------------------------- new clusters

  /** CreateDBCluster; {@code alreadyAvailable} for {@code FakeRds.givenCluster}. */
  SimCluster create(CreateDbClusterRequest r, Instant now, String rid, boolean alreadyAvailable) {
    String id = newId(r.dbClusterIdentifier(), rid);
    String engine = ClusterSpec.engine(r.engine(), "CreateDBCluster", rid);
    RdsErrors.invalidIf(r.masterUsername() == null || r.masterUsername().isEmpty()
        ? "The parameter MasterUsername must be provided and must not be blank." : null, rid);
    RdsErrors.invalidIf(r.masterUserPassword() == null || r.masterUserPassword().isEmpty()
        ? "The parameter MasterUserPassword must be provided and must not be blank." : null, rid);
    RdsErrors.invalidIf(RdsRules.passwordViolation(r.masterUserPassword()), rid);
    String version = r.engineVersion() != null ? r.engineVersion()
        : EngineDefaults.version(engine);
    SimCluster c = newCluster(id, r, Map.of(), engine, version, r.dbClusterParameterGroupName(),
        r.hasTags() ? r.tags() : List.of(), now, rid);
    c.masterUsername = r.masterUsername();
    c.databaseName = r.databaseName();
    c.storageEncrypted = Boolean.TRUE.equals(r.storageEncrypted());
    c.kmsKeyId = !c.storageEncrypted ? null
        : r.kmsKeyId() != null ? r.kmsKeyId() : snapshots.defaultKey();
    if (alreadyAvailable) {
      store.clusters.put(c.id, c);
      c.clusterCreateTime = now;
      c.recordStatus(now, "available");
      c.recordTags(now, "givenCluster");
      return c;
    }
    start(c, now, "CreateDBCluster");
    return c;
  }

  SimCluster restoreFromSnapshot(RestoreDbClusterFromSnapshotRequest r, Instant now,
      String rid) {
    String id = newId(r.dbClusterIdentifier(), rid);
    SimClusterSnapshot s = snapshots.existing(r.snapshotIdentifier(), rid);
    if (!"available".equals(s.statusAt(now))) {
      throw RdsErrors.error("InvalidDBClusterSnapshotStateFault",
          "Cluster snapshot " + s.id + " is not in available state.", rid);
    }
    String engine = ClusterSpec.engine(r.engine(), "RestoreDBClusterFromSnapshot", rid);
    RdsErrors.combinationIf(!engine.equals(s.engine) ? "The engine " + engine
        + " is not compatible with the engine of the snapshot, " + s.engine + "." : null, rid);
    String version = r.engineVersion() != null ? r.engineVersion() : s.engineVersion;
    Map<ClusterSetting, Object> fromSnapshot = new EnumMap<>(ClusterSetting.class);
    fromSnapshot.put(ClusterSetting.PORT, s.port);
    fromSnapshot.put(ClusterSetting.IAM_DATABASE_AUTHENTICATION, s.iamDatabaseAuthentication);
    // As for instances: the request's tags, else the tags the source had at the snapshot.
    List<Tag> tags = r.hasTags() && !r.tags().isEmpty() ? r.tags()
        : Rendering.tags(s.sourceTags);
    SimCluster c = newCluster(id, r, fromSnapshot, engine, version,
        r.dbClusterParameterGroupName(), tags, now, rid);
    c.masterUsername = s.masterUsername;
    c.databaseName = r.databaseName() != null ? r.databaseName() : s.databaseName;
    // API reference (KmsKeyId): encrypted with the request's key, else as the snapshot was.
    c.storageEncrypted = s.encrypted || r.kmsKeyId() != null;
    c.kmsKeyId = r.kmsKeyId() != null ? r.kmsKeyId() : s.kmsKeyId;
    start(c, now, "RestoreDBClusterFromSnapshot");
    return c;
  }

  SimCluster restoreToPointInTime(RestoreDbClusterToPointInTimeRequest r, Instant now,
      String rid) {
    SimCluster source;
    if (r.sourceDBClusterIdentifier() != null) {
      source = existing(r.sourceDBClusterIdentifier(), now, rid);
    } else if (r.sourceDbClusterResourceId() != null) {
      source = live(now).stream().filter(x -> x.resourceId.equals(r.sourceDbClusterResourceId()))
          .findFirst()
          .orElseThrow(() -> RdsErrors.clusterNotFound(r.sourceDbClusterResourceId(), rid));
    } else {
      throw RdsErrors.error("InvalidParameterCombination",
          "One of SourceDBClusterIdentifier or SourceDbClusterResourceId must be specified.",
          rid);
    }
    RdsErrors.combinationIf(r.restoreToTime() != null
        && Boolean.TRUE.equals(r.useLatestRestorableTime())
        ? "RestoreToTime can't be specified when UseLatestRestorableTime is enabled." : null, rid);
    RdsErrors.invalidIf(r.restoreType() != null && !r.restoreType().equals("full-copy")
        && !r.restoreType().equals("copy-on-write")
        ? "Invalid RestoreType " + r.restoreType() + ". Valid values: full-copy, copy-on-write."
        : null, rid);
    String id = newId(r.dbClusterIdentifier(), rid);
    Map<ClusterSetting, Object> fromSource = new EnumMap<>(ClusterSetting.class);
    FROM_SOURCE.forEach(s -> {
      if (source.get(s) != null) {
        fromSource.put(s, source.get(s));
      }
    });
    List<Tag> tags = r.hasTags() && !r.tags().isEmpty() ? r.tags() : Rendering.tags(source.tags);
    SimCluster c = newCluster(id, r, fromSource, source.engine, source.engineVersion,
        r.dbClusterParameterGroupName(), tags, now, rid);
    c.masterUsername = source.masterUsername;
    c.databaseName = source.databaseName;
    c.storageEncrypted = source.storageEncrypted || r.kmsKeyId() != null;
    c.kmsKeyId = r.kmsKeyId() != null ? r.kmsKeyId() : source.kmsKeyId;
    start(c, now, "RestoreDBClusterToPointInTime");
    return c;
  }

  /** A validated new cluster, not yet stored, with its settings read once from the request. */
  private SimCluster newCluster(String id, SdkPojo request, Map<ClusterSetting, Object> inherited,
      String engine, String version, String parameterGroup, List<Tag> tags, Instant now,
      String rid) {
    Map<String, String> checkedTags = Tagging.checked(Map.of(), tags, rid);
    Map<ClusterSetting, Object> settings = ClusterSpec.settings(request, inherited, engine);
    ClusterSpec.check(settings, engine, rid);
    String group = parameterGroups.groupFor(parameterGroup, engine, version, rid);
    SimCluster c = new SimCluster(id, arns.arn("cluster", id),
        String.format(Locale.ROOT, "cluster-FAKE%020d", ++resourceCounter), now);
    c.engine = engine;
    c.engineVersion = version;
    c.settings.putAll(settings);
    c.parameterGroup = group;
    c.tags.putAll(checkedTags);
    return c;
  }

  private void start(SimCluster c, Instant now, String operation) {
    lag.beforeClusterWrite(c.id, null, now);
    store.clusters.put(c.id, c);
    c.activity = new Activity(Activity.Kind.CREATE, now,
        List.of(new Activity.Phase("creating", timings.creating())), new Changes(), null,
        Duration.ZERO);
    c.recordTags(now, operation);
    store.busy.add(c);
    c.settle(now);
  }

  private String newId(String requested, String rid) {
    RdsErrors.invalidIf(RdsRules.identifierViolation("DBClusterIdentifier", requested, 63), rid);
    String id = requested.toLowerCase(Locale.ROOT);
    if (store.cluster(id) != null) {
      throw RdsErrors.error("DBClusterAlreadyExistsFault", "DB Cluster already exists", rid);
    }
    return id;
  }

  // ---------------------------------------------------------------- reads

  /**
   * Brings every cluster with something ahead up to {@code now}; deleted ones retire. Called at
   * the start of every call, so the others read a cluster as it is.
   */
  void settleAll(Instant now) {
    for (SimCluster c : List.copyOf(store.busy)) {
      settle(c, now);
      if (c.gone || c.activity == null && (c.failure == null || c.failureRecorded)) {
        store.busy.remove(c);
      }
    }
  }

  /** Every live cluster, settled to {@code now}, in identifier order; the deleted retire. */
  List<SimCluster> live(Instant now) {
    List<SimCluster> all = new ArrayList<>(store.clusters.values());
    all.forEach(c -> settle(c, now));
    all.removeIf(c -> c.gone);
    return all;
  }

  /** Settles {@code c}; a cluster whose deletion has ended moves to the retired list. */
  void settle(SimCluster c, Instant now) {
    c.settle(now);
    if (c.gone && store.clusters.get(c.id) == c) {
      store.clusters.remove(c.id);
      store.retired.add(c);
    }
  }

  /** The live cluster an identifier or ARN names, settled, or {@code DBClusterNotFoundFault}. */
  SimCluster existing(String idOrArn, Instant now, String rid) {
    RdsErrors.invalidIf(idOrArn == null || idOrArn.isEmpty()
        ? "The parameter DBClusterIdentifier must be provided and must not be blank." : null, rid);
    SimCluster c = store.clusters.get(Arns.idFromArnOrId(idOrArn, "cluster"));
    if (c != null) {
      settle(c, now);
    }
    if (c == null || c.gone) {
      throw RdsErrors.clusterNotFound(idOrArn, rid);
    }
    return c;
  }

  /** Notes that {@code c} has an activity ahead, for {@link #settleAll}. */
  void busy(SimCluster c) {
    store.busy.add(c);
  }

  void requireAvailable(SimCluster c, Instant now, String rid) {
    String status = c.statusAt(now);
    if (!"available".equals(status)) {
      throw RdsErrors.error("InvalidDBClusterStateFault",
          "DB cluster " + c.id + " is " + status + ", not available.", rid);
    }
  }

  // ---------------------------------------------------------------- activities

  DBCluster delete(DeleteDbClusterRequest r, Instant now, String rid) {
    SimCluster c = existing(r.dbClusterIdentifier(), now, rid);
    if ("deleting".equals(c.statusAt(now))) {
      throw RdsErrors.error("InvalidDBClusterStateFault",
          "Cluster " + c.id + " is already being deleted.", rid);
    }
    boolean skip = Boolean.TRUE.equals(r.skipFinalSnapshot());
    RdsErrors.combinationIf(skip && r.finalDBSnapshotIdentifier() != null
        ? "FinalDBSnapshotIdentifier can't be specified when SkipFinalSnapshot is enabled." : null,
        rid);
    RdsErrors.combinationIf(!skip && r.finalDBSnapshotIdentifier() == null
        ? "FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified." : null,
        rid);
    if (c.liveMembers().stream().anyMatch(m -> !"deleting".equals(m.statusAt(now)))) {
      throw RdsErrors.error("InvalidDBClusterStateFault",
          "Cluster cannot be deleted, it still contains DB instances in non-deleting state.", rid);
    }
    RdsErrors.combinationIf(c.flag(ClusterSetting.DELETION_PROTECTION)
        ? "Cannot delete protected Cluster, please disable deletion protection and try again."
        : null, rid);
    if (!skip) {
      snapshots.take(c, r.finalDBSnapshotIdentifier(), List.of(), now, Duration.ZERO, rid);
    }
    beforeWrite(c, now);
    // Deleting abandons whatever the cluster was doing, and ends a failed status.
    c.failure = null;
    c.failureRecorded = false;
    c.applying.clear();
    c.passwordApplying = false;
    c.activity = new Activity(Activity.Kind.DELETE, now,
        List.of(new Activity.Phase("deleting", timings.deleting())), new Changes(), null,
        Duration.ZERO);
    store.busy.add(c);
    // The response shows the deletion begun, however short the simulated deletion is.
    DBCluster view = rendering.cluster(c, now).toBuilder().status("deleting").build();
    settle(c, now);
    return view;
  }

  /** The cluster goes to {@code status} after {@code delay}. */
  void fail(String clusterId, String status, Duration delay, Instant now) {
    SimCluster c = store.cluster(clusterId);
    if (c != null) {
      settle(c, now);
    }
    if (c == null || c.gone) {
      throw new IllegalArgumentException("no DB cluster " + clusterId + " in the fake");
    }
    c.failure = new SimCluster.Failure(status, now.plus(delay));
    c.failureRecorded = false;
    store.busy.add(c);
    c.settle(now);
  }

  // ---------------------------------------------------------------- histories

  /** The cluster {@code id} names, live or (the last one of that name) deleted; or {@code null}. */
  SimCluster find(String id) {
    SimCluster live = store.cluster(id);
    if (live != null) {
      return live;
    }
    for (int k = store.retired.size() - 1; k >= 0; k--) {
      if (store.retired.get(k).id.equals(id.toLowerCase(Locale.ROOT))) {
        return store.retired.get(k);
      }
    }
    return null;
  }

  Optional<ClusterHistory> history(String clusterId, Instant now) {
    live(now);
    return Optional.ofNullable(find(clusterId)).map(SimCluster::history);
  }

  List<ClusterHistory> histories(Instant now) {
    live(now);
    List<SimCluster> all = new ArrayList<>(store.retired);
    all.addAll(store.clusters.values());
    all.sort(Comparator.comparing((SimCluster x) -> x.requestedAt).thenComparing(x -> x.resourceId));
    return all.stream().map(SimCluster::history).toList();
  }
}
