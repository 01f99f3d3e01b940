package io.rdstagflow.aws;

import static org.assertj.core.api.Assertions.assertThat;

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
