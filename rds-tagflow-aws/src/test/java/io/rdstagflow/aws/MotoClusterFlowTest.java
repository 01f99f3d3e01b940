package io.rdstagflow.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.rdstagflow.core.Flow;
import io.rdstagflow.core.OperationStatus;
import io.rdstagflow.core.OperationStatus.State;
import io.rdstagflow.core.OperationToken;
import io.rdstagflow.core.RdsInstance;
import io.rdstagflow.core.StepContext;
import io.rdstagflow.core.StepResult;
import io.rdstagflow.core.TagStateMachine;
import io.rdstagflow.core.spi.ErrorClassification;
import io.rdstagflow.testkit.VirtualClock;
import io.rdstagflow.testkit.conformance.MotoServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.CreateDbInstanceRequest;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DbClusterNotFoundException;
import software.amazon.awssdk.services.rds.model.DeleteDbClusterRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesRequest;
import software.amazon.awssdk.services.rds.model.ModifyDbClusterRequest;
import software.amazon.awssdk.services.rds.model.ModifyDbInstanceRequest;
import software.amazon.awssdk.services.rds.model.RebootDbInstanceRequest;
import software.amazon.awssdk.services.rds.model.RestoreDbClusterFromSnapshotRequest;
import software.amazon.awssdk.services.rds.model.RestoreDbClusterToPointInTimeRequest;
import software.amazon.awssdk.services.rds.model.Tag;

/**
 * Every RDS call of the cluster gateway, the cluster steps and the ready cluster flows, through the
 * real SDK client over HTTP, against moto_server: an RDS API implementation nobody here wrote
 * accepts each request as shaped (moto has no lifecycle: a restored cluster and a new member are
 * {@code available} at once, a modify applies at once, a deletion is immediate). Under
 * {@code CI=true} a missing moto_server fails; elsewhere the tests are skipped with what to install.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MotoClusterFlowTest {

  private static final String ID = "aurora-moto-1";
  private static final String SEED = "moto-cluster-seed-0123456789abcdef";

  /** Records each call's operation name and request. */
  static final class Calls implements ExecutionInterceptor {
    final List<String> names = Collections.synchronizedList(new ArrayList<>());
    final List<SdkRequest> requests = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
      names.add(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
      requests.add(context.request());
    }

    <T extends SdkRequest> List<T> of(Class<T> type) {
      return requests.stream().filter(type::isInstance).map(type::cast).toList();
    }

    void clear() {
      names.clear();
      requests.clear();
    }
  }

  private MotoServer moto;
  private RdsClient rds;
  private final Calls calls = new Calls();
  private final VirtualClock clock = VirtualClock.create();
  private final DerivedPasswordSource passwords = DerivedPasswordSource.fromSeed(SEED);

  @BeforeAll
  void startMoto() throws Exception {
    moto = MotoServer.startUnlessMissing().orElse(null);
    if (moto == null) {
      return;
    }
    rds = RdsClient.builder()
        .endpointOverride(moto.endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(o -> o.addExecutionInterceptor(calls))
        .build();
  }

  @AfterAll
  void stopMoto() {
    if (rds != null) {
      rds.close();
    }
    if (moto != null) {
      moto.close();
    }
  }

  @BeforeEach
  void sourceClusterSnapshotAndParameterGroup() throws Exception {
    Assumptions.assumeTrue(moto != null, MotoServer.MISSING);
    moto.reset();
    rds.createDBCluster(r -> r.dbClusterIdentifier("source").engine("aurora-postgresql").engineVersion("16.4")
        .masterUsername("master").masterUserPassword("source-pw-123"));
    rds.createDBClusterSnapshot(r -> r.dbClusterIdentifier("source").dbClusterSnapshotIdentifier("nightly"));
    rds.createDBClusterParameterGroup(r -> r.dbClusterParameterGroupName("cpg-broker")
        .dbParameterGroupFamily("aurora-postgresql16").description("the broker's cluster parameters"));
    calls.clear();
  }

  private static ClusterMembers members(int readers) {
    return ClusterMembers.builder()
        .instance((ctx, b) -> b.dbInstanceClass("db.r6g.large")
            .tags(Tag.builder().key("team").value("payments").build()))
        .readers(readers)
        .build();
  }

  private Flow restoreFlow(String name, int readers) {
    ReadyClusterFlows.ClusterRestoreFlowBuilder b = name.equals(ReadyClusterFlows.RESTORE_FROM_SNAPSHOT)
        ? ReadyClusterFlows.restoreFromSnapshot(rds) : ReadyClusterFlows.restoreToPointInTime(rds);
    return b.members(members(readers))
        .settings(s -> s.dbClusterParameterGroupName("cpg-broker").backupRetentionPeriod(7).deletionProtection(false))
        .masterPassword(passwords)
        .build();
  }

  private TagStateMachine engine(Flow... flows) {
    TagStateMachine.Builder b = TagStateMachine.builder(new SdkClusterGateway(rds)).clock(clock)
        .settleTime(Duration.ofSeconds(30)).clockSkew(Duration.ZERO);
    for (Flow f : flows) {
      b.flow(f);
    }
    return b.build();
  }

  private OperationStatus pollUntilFinal(Supplier<OperationStatus> poll) {
    OperationStatus last = null;
    for (int i = 0; i < 20 && (last == null || !last.isFinal()); i++) {
      clock.advance(Duration.ofSeconds(60));
      last = poll.get();
    }
    return last;
  }

  private Map<String, String> clusterTags(String id) {
    Map<String, String> tags = new LinkedHashMap<>();
    rds.describeDBClusters(r -> r.dbClusterIdentifier(id)).dbClusters().get(0).tagList()
        .forEach(t -> tags.put(t.key(), t.value().replaceFirst("^op=\\S+ ", "")));
    return tags;
  }

  @Test
  void aClusterWithoutMembersIsOneCallAndWithMembersTwoMappedFromBothAnswers() {
    rds.restoreDBClusterFromSnapshot(r -> r.dbClusterIdentifier(ID).snapshotIdentifier("nightly")
        .engine("aurora-postgresql").tags(Tag.builder().key("team").value("payments").build()));
    SdkClusterGateway gateway = new SdkClusterGateway(rds);
    calls.clear();

    RdsInstance bare = gateway.describe(ID).orElseThrow();

    assertThat(calls.names).containsExactly("DescribeDBClusters");
    assertThat(bare.kind()).isEqualTo(RdsInstance.Kind.CLUSTER);
    assertThat(bare.members()).isEmpty();
    assertThat(bare.arn()).isEqualTo(rds.describeDBClusters(r -> r.dbClusterIdentifier(ID)).dbClusters().get(0)
        .dbClusterArn()).contains(":cluster:");
    assertThat(bare.tags()).containsEntry("team", "payments");

    rds.createDBInstance(r -> r.dbInstanceIdentifier(ID + "-1").dbClusterIdentifier(ID).engine("aurora-postgresql")
        .dbInstanceClass("db.r6g.large"));
    rds.createDBInstance(r -> r.dbInstanceIdentifier(ID + "-2").dbClusterIdentifier(ID).engine("aurora-postgresql")
        .dbInstanceClass("db.r6g.large"));
    calls.clear();

    RdsInstance full = gateway.describe(ID).orElseThrow();

    assertThat(calls.names).containsExactly("DescribeDBClusters", "DescribeDBInstances");
    DescribeDbInstancesRequest members = calls.of(DescribeDbInstancesRequest.class).get(0);
    assertThat(members.filters()).singleElement().satisfies(f -> {
      assertThat(f.name()).isEqualTo("db-cluster-id");
      assertThat(f.values()).containsExactly(ID);
    });
    assertThat(full.members()).extracting(RdsInstance.Member::id, RdsInstance.Member::status, RdsInstance.Member::writer)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(ID + "-1", "available", true),
            org.assertj.core.groups.Tuple.tuple(ID + "-2", "available", false));
    assertThat(full.endpoint()).isPresent();
    assertThat(full.engine()).contains("aurora-postgresql");
    assertThat(full.masterUsername()).contains("master");
    assertThat(ClusterDescription.of(full).orElseThrow().members()).hasSize(2);
    assertThat(ClusterDescription.of(full).orElseThrow().cluster().dbClusterIdentifier()).isEqualTo(ID);
  }

  @Test
  void describeAllDescribesManyClustersInTwoCalls() {
    for (int i = 1; i <= 3; i++) {
      String id = "many-" + i;
      rds.restoreDBClusterFromSnapshot(r -> r.dbClusterIdentifier(id).snapshotIdentifier("nightly")
          .engine("aurora-postgresql"));
      rds.createDBInstance(r -> r.dbInstanceIdentifier(id + "-1").dbClusterIdentifier(id).engine("aurora-postgresql")
          .dbInstanceClass("db.r6g.large"));
    }
    calls.clear();

    List<RdsInstance> found = new SdkClusterGateway(rds).describeAll(List.of("many-1", "many-2", "many-3", "gone"));

    assertThat(calls.names).containsExactly("DescribeDBClusters", "DescribeDBInstances");
    assertThat(found).extracting(RdsInstance::id).containsExactlyInAnyOrder("many-1", "many-2", "many-3");
    assertThat(found).allSatisfy(c -> assertThat(c.members()).singleElement()
        .satisfies(m -> assertThat(m.id()).isEqualTo(c.id() + "-1")));
  }

  @Test
  void aClusterThatDoesNotExistIsNotFoundAndItsFaultsAreClassified() {
    SdkClusterGateway gateway = new SdkClusterGateway(rds);

    assertThat(gateway.describe("nope")).isEmpty();
    DbClusterNotFoundException missing = org.assertj.core.api.Assertions.catchThrowableOfType(
        () -> rds.describeDBClusters(r -> r.dbClusterIdentifier("nope")), DbClusterNotFoundException.class);
    assertThat(gateway.classify(missing)).isEqualTo(ErrorClassification.notFound("DBClusterNotFoundFault"));
    rds.createDBCluster(r -> r.dbClusterIdentifier("busy").engine("aurora-postgresql").masterUsername("master")
        .masterUserPassword("source-pw-123"));
    rds.createDBInstance(r -> r.dbInstanceIdentifier("busy-1").dbClusterIdentifier("busy").engine("aurora-postgresql")
        .dbInstanceClass("db.r6g.large"));
    Throwable refused = org.assertj.core.api.Assertions.catchThrowable(() -> rds.deleteDBCluster(r -> r
        .dbClusterIdentifier("busy").skipFinalSnapshot(true)));
    assertThat(gateway.classify(refused)).isEqualTo(ErrorClassification.transientError("InvalidDBClusterStateFault"));
  }

  @Test
  void restoreFromSnapshotCreatesTheMembersThenModifiesTheClusterOnceAndSucceeds() {
    Flow flow = restoreFlow(ReadyClusterFlows.RESTORE_FROM_SNAPSHOT, 1);
    TagStateMachine engine = engine(flow);

    OperationToken token = new ClusterStarter(rds, engine).restoreFromSnapshot(flow, Map.of("snapshot", "nightly"),
        r -> r.dbClusterIdentifier(ID).snapshotIdentifier("nightly").engine("aurora-postgresql")
            .tags(Tag.builder().key("team").value("payments").build()));

    RestoreDbClusterFromSnapshotRequest restore = calls.of(RestoreDbClusterFromSnapshotRequest.class).get(0);
    assertThat(restore.tags()).extracting(Tag::key).contains("team", "tagflow:flow", "tagflow:step:writer",
        "tagflow:step:users", "tagflow:param:snapshot");
    assertThat(clusterTags(ID)).containsEntry("team", "payments").containsEntry("tagflow:step:writer",
        "seq=1 state=pending");
    calls.clear();

    OperationStatus end = pollUntilFinal(() -> engine.poll(ID, token));

    assertThat(end).isEqualTo(OperationStatus.succeeded("flow " + ReadyClusterFlows.RESTORE_FROM_SNAPSHOT + " succeeded"));
    List<CreateDbInstanceRequest> creates = calls.of(CreateDbInstanceRequest.class);
    assertThat(creates).extracting(CreateDbInstanceRequest::dbInstanceIdentifier).containsExactly(ID + "-1", ID + "-2");
    assertThat(creates).allSatisfy(c -> {
      assertThat(c.dbClusterIdentifier()).isEqualTo(ID);
      assertThat(c.engine()).isEqualTo("aurora-postgresql");
      assertThat(c.dbInstanceClass()).isEqualTo("db.r6g.large");
      assertThat(c.tags()).extracting(Tag::key).containsExactly("team");
    });
    List<ModifyDbClusterRequest> modifies = calls.of(ModifyDbClusterRequest.class);
    assertThat(modifies).singleElement().satisfies(m -> {
      assertThat(m.dbClusterIdentifier()).isEqualTo(ID);
      assertThat(m.applyImmediately()).isTrue();
      assertThat(m.dbClusterParameterGroupName()).isEqualTo("cpg-broker");
      assertThat(m.backupRetentionPeriod()).isEqualTo(7);
      assertThat(m.masterUserPassword()).isEqualTo(passwords.password(ID, "master"));
      assertThat(m.toString()).doesNotContain(passwords.password(ID, "master"));
    });
    DBCluster cluster = rds.describeDBClusters(r -> r.dbClusterIdentifier(ID)).dbClusters().get(0);
    assertThat(cluster.dbClusterParameterGroup()).isEqualTo("cpg-broker");
    assertThat(cluster.backupRetentionPeriod()).isEqualTo(7);
    assertThat(clusterTags(ID)).containsEntry("team", "payments")
        .hasEntrySatisfying("tagflow:flow", v -> assertThat(v).contains("state=succeeded"));
    assertThat(calls.names).doesNotContain("RemoveTagsFromResource", "ModifyDBInstance");
  }

  @Test
  void restoreToPointInTimeCarriesTheTagsInItsRequestAndSucceeds() {
    Flow flow = restoreFlow(ReadyClusterFlows.RESTORE_TO_POINT_IN_TIME, 0);
    TagStateMachine engine = engine(flow);

    OperationToken token = new ClusterStarter(rds, engine).restoreToPointInTime(flow, Map.of(),
        r -> r.dbClusterIdentifier(ID).sourceDBClusterIdentifier("source").useLatestRestorableTime(true));

    assertThat(calls.of(RestoreDbClusterToPointInTimeRequest.class).get(0).tags()).extracting(Tag::key)
        .contains("tagflow:flow", "tagflow:step:writer");
    assertThat(pollUntilFinal(() -> engine.poll(ID, token)).state()).isEqualTo(State.SUCCEEDED);
    assertThat(calls.of(CreateDbInstanceRequest.class)).singleElement()
        .satisfies(c -> assertThat(c.dbInstanceIdentifier()).isEqualTo(ID + "-1"));
  }

  @Test
  void planUpdateChangesEachMembersClassWithItsOwnModifyWriterLast() {
    Flow restore = restoreFlow(ReadyClusterFlows.RESTORE_FROM_SNAPSHOT, 2);
    Flow update = ReadyClusterFlows.updatePlan(rds).instanceClass(ctx -> ctx.parameter("class")).build();
    TagStateMachine engine = engine(restore, update);
    OperationToken restored = new ClusterStarter(rds, engine).restoreFromSnapshot(restore, Map.of(),
        r -> r.dbClusterIdentifier(ID).snapshotIdentifier("nightly").engine("aurora-postgresql"));
    assertThat(pollUntilFinal(() -> engine.poll(ID, restored)).state()).isEqualTo(State.SUCCEEDED);
    calls.clear();

    OperationToken token = engine.begin(ID, ReadyClusterFlows.UPDATE_PLAN, Map.of("class", "db.r6g.xlarge"));
    OperationStatus end = pollUntilFinal(() -> engine.poll(ID, token));

    assertThat(end.state()).isEqualTo(State.SUCCEEDED);
    List<ModifyDbInstanceRequest> modifies = calls.of(ModifyDbInstanceRequest.class);
    assertThat(modifies).extracting(ModifyDbInstanceRequest::dbInstanceIdentifier)
        .containsExactly(ID + "-2", ID + "-3", ID + "-1");
    assertThat(modifies).allSatisfy(m -> {
      assertThat(m.dbInstanceClass()).isEqualTo("db.r6g.xlarge");
      assertThat(m.applyImmediately()).isTrue();
    });
    assertThat(rds.describeDBInstances(r -> r.filters(f -> f.name("db-cluster-id").values(ID))).dbInstances())
        .allSatisfy(db -> assertThat(db.dbInstanceClass()).isEqualTo("db.r6g.xlarge"));
  }

  @Test
  void rebootOfAMemberPendingRebootIsAccepted() {
    rds.restoreDBClusterFromSnapshot(r -> r.dbClusterIdentifier(ID).snapshotIdentifier("nightly")
        .engine("aurora-postgresql"));
    rds.createDBInstance(r -> r.dbInstanceIdentifier(ID + "-1").dbClusterIdentifier(ID).engine("aurora-postgresql")
        .dbInstanceClass("db.r6g.large"));
    RdsInstance described = new SdkClusterGateway(rds).describe(ID).orElseThrow();
    // moto never leaves a group pending-reboot: the describe is made to say so, the call is moto's.
    RdsInstance pending = described.toBuilder().cluster(List.of(new RdsInstance.Member(ID + "-1", "available", true,
        List.of(new RdsInstance.ParameterGroup("cpg-broker", RdsInstance.PENDING_REBOOT))))).build();
    calls.clear();

    StepResult result = new RebootClusterMembersStep(rds).run(new StepContext(pending, "f", "reboot", Map.of(), 1,
        clock.instant(), clock));

    assertThat(result).isEqualTo(StepResult.started());
    assertThat(calls.of(RebootDbInstanceRequest.class)).singleElement()
        .satisfies(r -> assertThat(r.dbInstanceIdentifier()).isEqualTo(ID + "-1"));
  }

  @Test
  void deletionDeletesTheMembersThenTheClusterWithAFinalSnapshotAndSucceedsOnceItIsGone() {
    Flow restore = restoreFlow(ReadyClusterFlows.RESTORE_FROM_SNAPSHOT, 1);
    Flow delete = ReadyClusterFlows.delete(rds).finalSnapshot(ctx -> ctx.instanceId() + "-final").build();
    TagStateMachine engine = engine(restore, delete);
    OperationToken restored = new ClusterStarter(rds, engine).restoreFromSnapshot(restore, Map.of(),
        r -> r.dbClusterIdentifier(ID).snapshotIdentifier("nightly").engine("aurora-postgresql"));
    assertThat(pollUntilFinal(() -> engine.poll(ID, restored)).state()).isEqualTo(State.SUCCEEDED);
    calls.clear();

    OperationToken token = new ClusterStarter(rds, engine).delete(ID, delete, Map.of());

    assertThat(calls.names).containsSubsequence("DescribeDBClusters", "AddTagsToResource", "DescribeDBClusters",
        "DescribeDBInstances", "DeleteDBInstance", "DeleteDBInstance", "AddTagsToResource");
    OperationStatus end = pollUntilFinal(() -> engine.poll(ID, token));

    assertThat(end).isEqualTo(OperationStatus.succeeded("instance " + ID + " is gone"));
    assertThat(calls.of(DeleteDbClusterRequest.class)).singleElement().satisfies(d -> {
      assertThat(d.dbClusterIdentifier()).isEqualTo(ID);
      assertThat(d.skipFinalSnapshot()).isFalse();
      assertThat(d.finalDBSnapshotIdentifier()).isEqualTo(ID + "-final");
    });
    assertThat(rds.describeDBClusterSnapshots(r -> r.dbClusterSnapshotIdentifier(ID + "-final")).dbClusterSnapshots())
        .hasSize(1);
    assertThat(engine.poll(ID, token).state()).isEqualTo(State.SUCCEEDED); // polled again: still gone
  }
}
