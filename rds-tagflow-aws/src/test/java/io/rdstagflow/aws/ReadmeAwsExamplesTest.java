package io.rdstagflow.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.rdstagflow.aws.upgrade.ParameterGroupNaming;
import io.rdstagflow.aws.upgrade.PostgresExtensionsStep;
import io.rdstagflow.aws.upgrade.UpgradeRefusedException;
import io.rdstagflow.aws.users.BoundUsers;
import io.rdstagflow.aws.users.BoundUsersStep;
import io.rdstagflow.aws.users.OtherLoginUsers;
import io.rdstagflow.core.Deadline;
import io.rdstagflow.core.OperationToken;
import io.rdstagflow.core.Step;
import io.rdstagflow.core.TagStateMachine;
import io.rdstagflow.testkit.FakeRds;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.rds.RdsClient;

/** The README's AWS-module samples, compiled and run here. Keep the two in step. */
class ReadmeAwsExamplesTest {

  @Test
  void wiringTheReadyRestoreFlow() {
    FakeRds fake = FakeRds.create();
    fake.givenSnapshot(s -> s.dbSnapshotIdentifier("nightly").engine("postgres"));
    RdsClient rds = fake; // in production: your own RdsClient
    String seedFromYourSecretStore = "a-long-random-seed-from-your-secret-store";

    // README: "The ready restore flow"
    PasswordSource passwords = DerivedPasswordSource.fromSeed(seedFromYourSecretStore);
    RdsTagflow tagflow = RdsTagflow.builder(rds) // your RdsClient, given once
        .flow(ready -> ready.restoreFromSnapshot()
            .settings(b -> b.vpcSecurityGroupIds("sg-0123").dbParameterGroupName("broker-pg15").backupRetentionPeriod(7))
            .masterPassword(passwords)
            .boundUsers(BoundUsersStep.jdbc()
                .boundUsers(BoundUsers.fromParameter("users"))  // names kept in a flow parameter
                .masterPasswords(passwords)
                .userPasswords(passwords)
                .otherLoginUsers(OtherLoginUsers.LOCK)
                .build())
            .build())
        .flow(ready -> ready.updatePlan()
            .settings((ctx, b) -> b.dbInstanceClass(ctx.parameter("instance-class")))
            .stepDeadline(Deadline.of(Duration.ofHours(6))) // a storage scale-up can take hours
            .build())
        .build();
    TagStateMachine engine = tagflow.engine();

    OperationToken token = tagflow.starter().restoreFromSnapshot(tagflow.flow(ReadyFlows.RESTORE_FROM_SNAPSHOT),
        Map.of("users", "binding-1a2b binding-3c4d"),
        r -> r.dbInstanceIdentifier("svc-1234").dbSnapshotIdentifier("nightly").dbInstanceClass("db.t3.micro"));
    // end of sample

    assertThat(tagflow.flow(ReadyFlows.RESTORE_FROM_SNAPSHOT).steps()).extracting(Step::name)
        .containsExactly("settings", "reboot", "users");
    assertThat(token.flowName()).contains("restore-from-snapshot");
    assertThat(engine.inspect("svc-1234").operation().orElseThrow().parameters())
        .containsEntry("users", "binding-1a2b binding-3c4d");
    assertThat(List.of(engine.tagPrefix())).containsExactly("tagflow:");
  }

  @Test
  void wiringTheReadyUpgradeFlow() {
    FakeRds fake = FakeRds.create();
    fake.givenParameterGroup("broker-postgres13", "postgres13");
    fake.givenInstance(r -> r.dbInstanceIdentifier("svc-1234").engine("postgres").engineVersion("13.15")
        .dbInstanceClass("db.t3.medium").masterUsername("master").dbParameterGroupName("broker-postgres13"));
    RdsClient rds = fake; // in production: your own RdsClient
    PasswordSource passwords = DerivedPasswordSource.fromSeed("a-long-random-seed-from-your-secret-store");
    String answer;

    // README: "The ready engine upgrade flow"
    RdsTagflow tagflow = RdsTagflow.builder(rds)
        .flow(ready -> ready.engineUpgrade()
            .snapshotFirst() // a manual snapshot, available before the first hop
            .parameterGroups(ParameterGroupNaming.replacingFamily()) // broker-postgres13 -> broker-postgres14 -> ...
            .extensions(PostgresExtensionsStep.builder().masterPasswords(passwords).build())
            .build())
        .build();

    try {
      OperationToken token = tagflow.starter().upgradeEngine(tagflow.flow(ReadyFlows.ENGINE_UPGRADE), "svc-1234",
          "17.2");
      answer = "202 " + token.encode(); // OSB: the operation; then poll it as any flow
    } catch (UpgradeRefusedException e) {
      answer = "400 " + e.getMessage(); // a downgrade, a version RDS does not offer, no path, an instance class...
    }
    // end of sample

    assertThat(answer).startsWith("202 tagflow/2/flow/engine-upgrade/1/");
    assertThat(tagflow.engine().inspect("svc-1234").operation().orElseThrow().parameters())
        .containsEntry("upgrade-path", "13.15/postgres13 14.12/postgres14 15.7/postgres15 16.3/postgres16 17.2/postgres17");
    assertThat(tagflow.flow(ReadyFlows.ENGINE_UPGRADE).steps()).extracting(Step::name)
        .containsExactly("snapshot", "upgrade", "extensions");
  }

  @Test
  void wiringTheReadyClusterFlows() {
    FakeRds fake = FakeRds.create();
    fake.givenClusterSnapshot(s -> s.dbClusterSnapshotIdentifier("nightly-cluster").engine("aurora-postgresql"));
    fake.givenClusterParameterGroup("broker-apg16", "aurora-postgresql16");
    RdsClient rds = fake; // in production: your own RdsClient
    PasswordSource passwords = DerivedPasswordSource.fromSeed("a-long-random-seed-from-your-secret-store");

    // README: "Aurora clusters"
    ClusterMembers members = ClusterMembers.builder()
        .instance((ctx, b) -> b.dbInstanceClass(ctx.parameter("instance-class")))   // the writer's and readers' request
        .readers(ctx -> Integer.parseInt(ctx.parameter("readers")))
        .build();
    RdsTagflow tagflow = RdsTagflow.builder(rds)
        .clusterFlow(ready -> ready.restoreFromSnapshot()
            .members(members)
            .settings(b -> b.dbClusterParameterGroupName("broker-apg16").backupRetentionPeriod(7))
            .masterPassword(passwords)
            .build())
        .clusterFlow(ready -> ready.updatePlan()
            .instanceClass(ctx -> ctx.parameter("instance-class"))
            .members(members)
            .build())
        .clusterFlow(ready -> ready.delete().finalSnapshot(ctx -> ctx.instanceId() + "-final").build())
        .build();
    TagStateMachine clusters = tagflow.clusterEngine(); // polls with the cluster's identifier

    OperationToken token = tagflow.clusterStarter().restoreFromSnapshot(ReadyClusterFlows.RESTORE_FROM_SNAPSHOT,
        Map.of("instance-class", "db.r6g.large", "readers", "1"),
        r -> r.dbClusterIdentifier("svc-1234").snapshotIdentifier("nightly-cluster").engine("aurora-postgresql"));
    // end of sample

    assertThat(tagflow.clusterFlow(ReadyClusterFlows.RESTORE_FROM_SNAPSHOT).steps()).extracting(Step::name)
        .containsExactly("writer", "readers", "settings", "reboot", "users");
    assertThat(token.flowName()).contains("restore-cluster-from-snapshot");
    assertThat(clusters.inspect("svc-1234").operation().orElseThrow().parameters())
        .containsEntry("readers", "1");
  }
}
