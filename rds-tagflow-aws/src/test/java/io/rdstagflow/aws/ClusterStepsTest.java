package io.rdstagflow.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.rdstagflow.core.Completion;
import io.rdstagflow.core.RdsInstance;
import io.rdstagflow.core.StepContext;
import io.rdstagflow.core.StepResult;
import io.rdstagflow.testkit.VirtualClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.rds.model.ClusterPendingModifiedValues;
import software.amazon.awssdk.services.rds.model.CreateDbInstanceRequest;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DBClusterMember;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DbClusterNotFoundException;
import software.amazon.awssdk.services.rds.model.DbInstanceAlreadyExistsException;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;
import software.amazon.awssdk.services.rds.model.DeleteDbClusterRequest;
import software.amazon.awssdk.services.rds.model.DeleteDbInstanceRequest;
import software.amazon.awssdk.services.rds.model.ModifyDbClusterRequest;
import software.amazon.awssdk.services.rds.model.ModifyDbInstanceRequest;
import software.amazon.awssdk.services.rds.model.PendingModifiedValues;
import software.amazon.awssdk.services.rds.model.RebootDbInstanceRequest;
import software.amazon.awssdk.services.rds.model.VpcSecurityGroupMembership;

/**
 * The cluster steps one call at a time, on describes built by hand through the gateway's own
 * mapping: what each sends, what it skips, and what its completion demands.
 */
class ClusterStepsTest {

  private static final String ID = "c-1";

  private final ScriptedRds rds = new ScriptedRds();
  private final VirtualClock clock = VirtualClock.create();
  private final DerivedPasswordSource passwords = DerivedPasswordSource.fromSeed("cluster-steps-seed-0123456789ab");

  /** A member instance as DescribeDBInstances shows it. */
  private static DBInstance instance(String id, String status, String instanceClass) {
    return DBInstance.builder().dbInstanceIdentifier(id).dbClusterIdentifier(ID).dbInstanceStatus(status)
        .dbInstanceClass(instanceClass).engine("aurora-postgresql").build();
  }

  private static DBCluster.Builder cluster(String... memberIds) {
    List<DBClusterMember> members = new ArrayList<>();
    for (int i = 0; i < memberIds.length; i++) {
      members.add(DBClusterMember.builder().dbInstanceIdentifier(memberIds[i]).isClusterWriter(i == 0)
          .dbClusterParameterGroupStatus("in-sync").build());
    }
    return DBCluster.builder().dbClusterIdentifier(ID).dbClusterArn("arn:aws:rds:eu-west-1:1:cluster:" + ID)
        .status("available").engine("aurora-postgresql").masterUsername("master").endpoint(ID + ".cluster.local")
        .port(5432).dbClusterParameterGroup("default.aurora-postgresql16").backupRetentionPeriod(1)
        .dbClusterMembers(members);
  }

  private StepContext context(DBCluster cluster, DBInstance... instances) {
    return context(cluster, Map.of(), instances);
  }

  private StepContext context(DBCluster cluster, Map<String, String> parameters, DBInstance... instances) {
    RdsInstance resource = SdkClusterGateway.toResource(cluster, List.of(instances));
    return new StepContext(resource, "f", "s", parameters, 1, clock.instant(), clock);
  }

  // ---- writer and readers ----

  private static ClusterMembers members(int readers) {
    return ClusterMembers.builder().instance((ctx, b) -> b.dbInstanceClass("db.r6g.large")).readers(readers).build();
  }

  @Test
  void theWriterIsCreatedInTheClusterWithTheClustersEngineAndOnlyOnce() {
    CreateClusterInstancesStep writer = CreateClusterInstancesStep.writer(rds.client, members(0));

    StepResult first = writer.run(context(cluster().build()));

    assertThat(first).isEqualTo(StepResult.started());
    assertThat(rds.requests(CreateDbInstanceRequest.class)).singleElement().satisfies(r -> {
      assertThat(r.dbInstanceIdentifier()).isEqualTo("c-1-1");
      assertThat(r.dbClusterIdentifier()).isEqualTo(ID);
      assertThat(r.engine()).isEqualTo("aurora-postgresql");
      assertThat(r.dbInstanceClass()).isEqualTo("db.r6g.large");
    });
    assertThat(writer.completion(context(cluster().build())).waitingFor()).contains("cluster c-1 does not list c-1-1 yet");
    StepContext listed = context(cluster("c-1-1").build(), instance("c-1-1", "available", "db.r6g.large"));
    assertThat(writer.completion(listed)).isEqualTo(Completion.complete());
    assertThat(writer.run(listed)).isEqualTo(StepResult.done());
    assertThat(rds.calls).hasSize(1);
  }

  @Test
  void aClusterWithAWriterOfAnotherNameGetsNoSecondWriter() {
    StepContext context = context(cluster("someone-else").build(), instance("someone-else", "available", "db.r6g.large"));
    assertThat(CreateClusterInstancesStep.writer(rds.client, members(0)).run(context)).isEqualTo(StepResult.done());
    assertThat(rds.calls).isEmpty();
  }

  @Test
  void aMemberCreatedAMomentAgoButNotListedCountsAsCreated() {
    rds.answer("createDBInstance", DbInstanceAlreadyExistsException.builder().message("exists").build());
    CreateClusterInstancesStep writer = CreateClusterInstancesStep.writer(rds.client, members(0));
    assertThat(writer.run(context(cluster().build()))).isEqualTo(StepResult.started());
  }

  @Test
  void readersAreCreatedTogetherAndOnlyThoseMissing() {
    CreateClusterInstancesStep readers = CreateClusterInstancesStep.readers(rds.client, members(3));
    StepContext oneThere = context(cluster("c-1-1", "c-1-3").build(), instance("c-1-1", "available", "db.r6g.large"),
        instance("c-1-3", "available", "db.r6g.large"));

    assertThat(readers.run(oneThere)).isEqualTo(StepResult.started());

    assertThat(rds.requests(CreateDbInstanceRequest.class)).extracting(CreateDbInstanceRequest::dbInstanceIdentifier)
        .containsExactly("c-1-2", "c-1-4");
    assertThat(readers.completion(oneThere).waitingFor()).contains("cluster c-1 does not list c-1-2 c-1-4 yet");
    assertThat(CreateClusterInstancesStep.readers(rds.client, members(0)).run(oneThere)).isEqualTo(StepResult.done());
  }

  @Test
  void memberIdsFollowTheNamingAndReadersAreBounded() {
    ClusterMembers named = ClusterMembers.builder().memberId((c, n) -> c + (n == 1 ? "-w" : "-r" + (n - 1)))
        .readers(ctx -> Integer.parseInt(ctx.parameter("readers"))).build();
    StepContext context = context(cluster().build(), Map.of("readers", "2"));
    assertThat(named.writerId(context)).isEqualTo("c-1-w");
    assertThat(named.readerIds(context)).containsExactly("c-1-r1", "c-1-r2");
    StepContext tooMany = context(cluster().build(), Map.of("readers", "16"));
    assertThat(CreateClusterInstancesStep.readers(rds.client, named).run(tooMany))
        .isEqualTo(StepResult.failed("an Aurora cluster has 0 to 15 readers; the plan asks 16"));
  }

  // ---- settings and master password ----

  private ModifyClusterStep settings() {
    return ModifyClusterStep.builder(rds.client)
        .settings(b -> b.dbClusterParameterGroupName("CPG-Broker").backupRetentionPeriod(7)
            .vpcSecurityGroupIds("sg-1"))
        .masterPassword(passwords)
        .build();
  }

  @Test
  void oneModifyCarriesWhatDiffersAndTheMasterPassword() {
    DBCluster now = cluster("c-1-1").vpcSecurityGroups(VpcSecurityGroupMembership.builder().vpcSecurityGroupId("sg-1")
        .status("active").build()).build();

    assertThat(settings().run(context(now, instance("c-1-1", "available", "db.r6g.large"))))
        .isEqualTo(StepResult.started());

    ModifyDbClusterRequest sent = rds.requests(ModifyDbClusterRequest.class).get(0);
    assertThat(sent.dbClusterIdentifier()).isEqualTo(ID);
    assertThat(sent.applyImmediately()).isTrue();
    assertThat(sent.dbClusterParameterGroupName()).isEqualTo("CPG-Broker");
    assertThat(sent.backupRetentionPeriod()).isEqualTo(7);
    assertThat(sent.vpcSecurityGroupIds()).isEmpty(); // already so: not sent
    assertThat(sent.masterUserPassword()).isEqualTo(passwords.password(ID, "master"));
    assertThat(sent.toString()).doesNotContain(passwords.password(ID, "master"));
  }

  @Test
  void completionWaitsForTheValuesShownAndNothingPendingThenIsComplete() {
    ModifyClusterStep step = settings();
    DBCluster lagging = cluster("c-1-1").build();
    assertThat(step.completion(context(lagging)).waitingFor().orElseThrow())
        .contains("DBClusterParameterGroupName still default.aurora-postgresql16, sent CPG-Broker",
            "BackupRetentionPeriod still 1, sent 7", "VpcSecurityGroupIds still none, sent sg-1");
    DBCluster shown = cluster("c-1-1").dbClusterParameterGroup("cpg-broker").backupRetentionPeriod(7)
        .vpcSecurityGroups(VpcSecurityGroupMembership.builder().vpcSecurityGroupId("sg-1").status("active").build())
        .pendingModifiedValues(ClusterPendingModifiedValues.builder().masterUserPassword("****").build()).build();
    assertThat(step.completion(context(shown)).waitingFor()).contains("MasterUserPassword change still pending");
    DBCluster done = shown.toBuilder().pendingModifiedValues((ClusterPendingModifiedValues) null).build();
    assertThat(step.completion(context(done))).isEqualTo(Completion.complete());
    assertThat(step.completion(context(done)).toString()).doesNotContain(passwords.password(ID, "master"));
  }

  @Test
  void settingsAlreadySoMakeNoCall() {
    ModifyClusterStep step = ModifyClusterStep.builder(rds.client).settings(b -> b.backupRetentionPeriod(1)).build();
    assertThat(step.run(context(cluster().build()))).isEqualTo(StepResult.done());
    assertThat(rds.calls).isEmpty();
  }

  @Test
  void aManagedMasterPasswordIsAskedForOnceAndShownByTheSecret() {
    ModifyClusterStep step = ModifyClusterStep.builder(rds.client).managedMasterPassword().build();
    assertThat(step.run(context(cluster().build()))).isEqualTo(StepResult.started());
    assertThat(rds.requests(ModifyDbClusterRequest.class).get(0).manageMasterUserPassword()).isTrue();
    assertThat(step.completion(context(cluster().build())).waitingFor()).contains(
        "ManageMasterUserPassword still no MasterUserSecret, sent true");
    DBCluster managed = cluster().masterUserSecret(s -> s.secretArn("arn:secret")).build();
    assertThat(step.completion(context(managed))).isEqualTo(Completion.complete());
    assertThat(step.run(context(managed))).isEqualTo(StepResult.done());
  }

  @Test
  void withoutTheClusterGatewaysDescriptionTheStepFailsClearly() {
    RdsInstance plain = RdsInstance.builder(ID).status("available").build();
    StepContext context = new StepContext(plain, "f", "settings", Map.of(), 1, clock.instant(), clock);
    assertThat(settings().run(context)).isEqualTo(StepResult.failed(
        "step settings needs the cluster gateway's description of the cluster"));
  }

  // ---- reboot ----

  @Test
  void membersPendingRebootAreRebootedReadersFirstWriterLast() {
    DBCluster c = cluster("c-1-1", "c-1-3", "c-1-2").dbClusterMembers(
        DBClusterMember.builder().dbInstanceIdentifier("c-1-1").isClusterWriter(true)
            .dbClusterParameterGroupStatus("pending-reboot").build(),
        DBClusterMember.builder().dbInstanceIdentifier("c-1-3").isClusterWriter(false)
            .dbClusterParameterGroupStatus("pending-reboot").build(),
        DBClusterMember.builder().dbInstanceIdentifier("c-1-2").isClusterWriter(false)
            .dbClusterParameterGroupStatus("in-sync").build()).build();
    StepContext context = context(c, instance("c-1-1", "available", "x"), instance("c-1-3", "available", "x"),
        instance("c-1-2", "available", "x").toBuilder().dbParameterGroups(g -> g.dbParameterGroupName("pg")
            .parameterApplyStatus("pending-reboot")).build());
    RebootClusterMembersStep reboot = new RebootClusterMembersStep(rds.client);

    assertThat(reboot.run(context)).isEqualTo(StepResult.started());

    assertThat(rds.requests(RebootDbInstanceRequest.class)).extracting(RebootDbInstanceRequest::dbInstanceIdentifier)
        .containsExactly("c-1-2", "c-1-3", "c-1-1");
    assertThat(reboot.completion(context).waitingFor()).contains(
        "a parameter group of c-1-2 c-1-3 c-1-1 is still pending-reboot");
    StepContext inSync = context(cluster("c-1-1").build(), instance("c-1-1", "available", "x"));
    assertThat(reboot.completion(inSync)).isEqualTo(Completion.complete());
    assertThat(reboot.run(inSync)).isEqualTo(StepResult.done());
  }

  // ---- instance class ----

  @Test
  void theClassChangesOneMemberAtATimeReadersFirstTheWriterLast() {
    ClusterInstanceClassStep step = new ClusterInstanceClassStep(rds.client, ctx -> ctx.parameter("class"));
    Map<String, String> params = Map.of("class", "db.r6g.xlarge");
    DBCluster c = cluster("c-1-1", "c-1-3", "c-1-2").build();

    StepResult first = step.run(context(c, params, instance("c-1-1", "available", "db.r6g.large"),
        instance("c-1-3", "available", "db.r6g.large"), instance("c-1-2", "available", "db.r6g.large")));
    StepResult second = step.run(context(c, params, instance("c-1-1", "available", "db.r6g.large"),
        instance("c-1-3", "available", "db.r6g.large"), instance("c-1-2", "available", "DB.R6G.XLARGE")));
    StepResult lagging = step.run(context(c, params, instance("c-1-1", "available", "db.r6g.large"),
        instance("c-1-3", "available", "db.r6g.xlarge").toBuilder()
            .pendingModifiedValues(PendingModifiedValues.builder().dbInstanceClass("db.r6g.xlarge").build()).build(),
        instance("c-1-2", "available", "db.r6g.xlarge")));
    StepResult last = step.run(context(c, params, instance("c-1-1", "available", "db.r6g.large"),
        instance("c-1-3", "available", "db.r6g.xlarge"), instance("c-1-2", "available", "db.r6g.xlarge")));
    StepResult done = step.run(context(c, params, instance("c-1-1", "available", "db.r6g.xlarge"),
        instance("c-1-3", "available", "db.r6g.xlarge"), instance("c-1-2", "available", "db.r6g.xlarge")));

    assertThat(first).isEqualTo(StepResult.waiting("member c-1-2 is changing to db.r6g.xlarge; 2 more after it"));
    assertThat(second).isEqualTo(StepResult.waiting("member c-1-3 is changing to db.r6g.xlarge; 1 more after it"));
    assertThat(lagging).isEqualTo(StepResult.waiting("member c-1-3 is changing to db.r6g.xlarge; 1 more after it"));
    assertThat(last).isEqualTo(StepResult.waiting("member c-1-1 is changing to db.r6g.xlarge; the last one"));
    assertThat(done).isEqualTo(StepResult.done());
    assertThat(rds.requests(ModifyDbInstanceRequest.class)).extracting(ModifyDbInstanceRequest::dbInstanceIdentifier)
        .containsExactly("c-1-2", "c-1-3", "c-1-3", "c-1-1");
    assertThat(rds.requests(ModifyDbInstanceRequest.class)).allSatisfy(m -> {
      assertThat(m.dbInstanceClass()).isEqualTo("db.r6g.xlarge");
      assertThat(m.applyImmediately()).isTrue();
    });
  }

  // ---- deletion ----

  @Test
  void membersAreDeletedOnceEachThoseDeletingOrGoneSkipped() {
    rds.answer("deleteDBInstance", ScriptedRds.EMPTY, DbInstanceNotFoundException.builder().message("gone").build());
    DBCluster c = cluster("c-1-1", "c-1-2", "c-1-3").build();
    StepContext context = context(c, instance("c-1-1", "available", "x"), instance("c-1-2", "deleting", "x"),
        instance("c-1-3", "failed", "x"));
    DeleteClusterMembersStep members = new DeleteClusterMembersStep(rds.client);

    assertThat(members.run(context)).isEqualTo(StepResult.started());

    assertThat(rds.requests(DeleteDbInstanceRequest.class)).extracting(DeleteDbInstanceRequest::dbInstanceIdentifier)
        .containsExactly("c-1-3", "c-1-1");
    assertThat(rds.requests(DeleteDbInstanceRequest.class)).allSatisfy(d -> {
      assertThat(d.skipFinalSnapshot()).isNull();
      assertThat(d.finalDBSnapshotIdentifier()).isNull();
    });
    assertThat(members.completion(context).waitingFor()).contains(
        "members c-1-1 available c-1-2 deleting c-1-3 failed still there");
    assertThat(members.completion(context(cluster().build()))).isEqualTo(Completion.complete());
    assertThat(members.run(context(cluster().build()))).isEqualTo(StepResult.done());
    assertThat(members.repairs()).contains("deleting", "failed", "incompatible-restore");
  }

  @Test
  void theClusterIsDeletedWithItsFinalSnapshotOnceAndNeverCompleteWhileItExists() {
    DeleteClusterStep step = DeleteClusterStep.withFinalSnapshot(rds.client, ctx -> ctx.instanceId() + "-final")
        .request((ctx, b) -> b.deleteAutomatedBackups(false));

    assertThat(step.run(context(cluster().build()))).isEqualTo(StepResult.started());
    assertThat(step.run(context(cluster().status("deleting").build()))).isEqualTo(StepResult.started());

    assertThat(rds.requests(DeleteDbClusterRequest.class)).singleElement().satisfies(d -> {
      assertThat(d.dbClusterIdentifier()).isEqualTo(ID);
      assertThat(d.skipFinalSnapshot()).isFalse();
      assertThat(d.finalDBSnapshotIdentifier()).isEqualTo("c-1-final");
      assertThat(d.deleteAutomatedBackups()).isFalse();
    });
    assertThat(step.completion(context(cluster().status("deleting").build())).waitingFor())
        .contains("cluster c-1 is deleting; the deletion succeeds once it is gone");
    assertThat(step.repairs()).contains("deleting");
  }

  @Test
  void skippingTheFinalSnapshotSaysSoAndAClusterGoneAlreadyCountsAsDeleted() {
    rds.answer("deleteDBCluster", DbClusterNotFoundException.builder().message("gone")
        .awsErrorDetails(AwsErrorDetails.builder().errorCode("DBClusterNotFoundFault").build()).build());
    DeleteClusterStep step = DeleteClusterStep.skippingFinalSnapshot(rds.client);

    assertThat(step.run(context(cluster().build()))).isEqualTo(StepResult.started());
    assertThat(rds.requests(DeleteDbClusterRequest.class).get(0).skipFinalSnapshot()).isTrue();
    assertThat(rds.requests(DeleteDbClusterRequest.class).get(0).finalDBSnapshotIdentifier()).isNull();
  }
}
