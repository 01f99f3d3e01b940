package io.rdstagflow.aws.upgrade;

import io.rdstagflow.aws.DerivedPasswordSource;
import io.rdstagflow.aws.RdsStarter;
import io.rdstagflow.aws.ReadyFlows;
import io.rdstagflow.aws.SdkRdsGateway;
import io.rdstagflow.aws.users.ConnectionFactory;
import io.rdstagflow.core.Flow;
import io.rdstagflow.core.OperationStatus;
import io.rdstagflow.core.OperationToken;
import io.rdstagflow.core.TagStateMachine;
import io.rdstagflow.testkit.FakeRds;
import io.rdstagflow.testkit.LifecycleTimings;
import io.rdstagflow.testkit.PollDriver;
import io.rdstagflow.testkit.PollHistory;
import io.rdstagflow.testkit.VirtualClock;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.ApplyMethod;
import software.amazon.awssdk.services.rds.model.CreateDbInstanceRequest;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.Parameter;

/**
 * A PostgreSQL 13.15 instance on the fake RDS with the reference lifecycle (an upgrade 15 min,
 * a snapshot 4 min, a reboot 2 min), on the broker's custom parameter group {@code broker-postgres13}
 * (a dynamic and a static custom parameter), with {@code hstore} 1.7 and {@code pg_trgm} 1.5 in its
 * database {@code app}; polled every 60 s, settle time 30 s.
 */
final class UpgradeFixture {

  static final String ID = "svc-1";
  static final String SEED = "upgrade-fixture-seed-never-in-a-tag-0123";

  final VirtualClock clock = VirtualClock.create();
  final FakeRds rds = FakeRds.builder().clock(clock).timings(LifecycleTimings.defaults()).seed(3).build();
  final DerivedPasswordSource passwords = DerivedPasswordSource.fromSeed(SEED);
  /** The extension step reaches the fake's database model as a JDBC driver would reach RDS. */
  final ConnectionFactory databases = t -> rds.databases().connect(t.host(), t.port(),
      t.databaseName().orElse("postgres"), t.user());
  Flow flow = flow(b -> b.snapshotFirst());

  UpgradeFixture() {
    this("13.15", "db.t3.medium");
  }

  UpgradeFixture(String version, String instanceClass) {
    rds.givenParameterGroup("broker-postgres13", "postgres13", "the broker's tuned parameters");
    rds.modifyDBParameterGroup(r -> r.dbParameterGroupName("broker-postgres13").parameters(
        Parameter.builder().parameterName("work_mem").parameterValue("65536").applyMethod(ApplyMethod.IMMEDIATE).build(),
        Parameter.builder().parameterName("shared_preload_libraries").parameterValue("pg_stat_statements,pg_cron")
            .applyMethod(ApplyMethod.PENDING_REBOOT).build()));
    String family = rds.engineVersions().family("postgres", version).orElseThrow();
    if (!family.equals("postgres13")) {
      rds.givenParameterGroup("broker-" + family, family);
    }
    given(r -> r.dbInstanceIdentifier(ID).engine("postgres").engineVersion(version).dbInstanceClass(instanceClass)
        .masterUsername("master").masterUserPassword(passwords.password(ID, "master")).dbName("app")
        .dbParameterGroupName("broker-" + family));
    rds.databases().givenExtension(ID, "app", "hstore", "1.7").givenExtension(ID, "app", "pg_trgm", "1.5");
  }

  void given(Consumer<CreateDbInstanceRequest.Builder> request) {
    rds.givenInstance(request);
  }

  /** The ready flow with the fixture's extension step, shaped further by {@code more}. */
  Flow flow(Consumer<ReadyFlows.EngineUpgradeFlowBuilder> more) {
    return flow(rds, more);
  }

  Flow flow(RdsClient client, Consumer<ReadyFlows.EngineUpgradeFlowBuilder> more) {
    ReadyFlows.EngineUpgradeFlowBuilder b = ReadyFlows.engineUpgrade(client)
        .extensions(PostgresExtensionsStep.builder().masterPasswords(passwords).connectionFactory(databases).build());
    more.accept(b);
    return b.build();
  }

  TagStateMachine engine() {
    return engine("broker-a");
  }

  TagStateMachine engine(String owner) {
    return TagStateMachine.builder(new SdkRdsGateway(rds)).flow(flow).clock(clock).sleeper(clock::advance)
        .settleTime(Duration.ofSeconds(30)).ownerId(owner).build();
  }

  OperationToken upgrade(TagStateMachine engine, String target) {
    return new RdsStarter(rds, engine).upgradeEngine(flow, ID, target);
  }

  PollHistory pollUntilDone(Supplier<OperationStatus> lastOperation) {
    return pollUntilDone(lastOperation, n -> { });
  }

  PollHistory pollUntilDone(Supplier<OperationStatus> lastOperation, IntConsumer beforeEachPoll) {
    return PollDriver.on(clock).recordingCallsOf(rds).maxPolls(500).beforeEachPoll(beforeEachPoll).build()
        .run(lastOperation);
  }

  DBInstance describe() {
    return rds.describeDBInstances(r -> r.dbInstanceIdentifier(ID)).dbInstances().get(0);
  }

  String masterPassword() {
    return passwords.password(ID, "master");
  }
}
