package io.rdstagflow.aws.upgrade;

import static io.rdstagflow.aws.upgrade.UpgradeFixture.ID;
import static org.assertj.core.api.Assertions.assertThat;

import io.rdstagflow.aws.LogCapture;
import io.rdstagflow.core.OperationStatus;
import io.rdstagflow.core.OperationStatus.State;
import io.rdstagflow.core.OperationToken;
import io.rdstagflow.core.TagStateMachine;
import io.rdstagflow.testkit.FakeDatabases;
import io.rdstagflow.testkit.PollHistory;
import io.rdstagflow.testkit.RecordedCall;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.ModifyDbInstanceRequest;
import software.amazon.awssdk.services.rds.model.Parameter;
import software.amazon.awssdk.services.rds.model.Tag;

/** The ready engine upgrade flow on the test kit's fake RDS: hops, verification, no-ops, restarts, replicas. */
class EngineUpgradeFlowTest {

  @RegisterExtension
  final LogCapture logs = new LogCapture();

  private final UpgradeFixture f = new UpgradeFixture();

  private List<ModifyDbInstanceRequest> acceptedModifies() {
    return f.rds.calls().all().stream().filter(c -> c.operation().equals("ModifyDBInstance") && !c.threw())
        .map(c -> (ModifyDbInstanceRequest) c.request()).toList();
  }

  private Map<String, String> tags() {
    Map<String, String> tags = new java.util.LinkedHashMap<>();
    for (Tag t : f.describe().tagList()) {
      tags.put(t.key(), t.value());
    }
    return tags;
  }

  @Test
  void thirteenToSeventeenRunsItsFourHopsUnattendedWithGroupsCreatedAndExtensionsUpdated() {
    TagStateMachine engine = f.engine();
    OperationToken token = f.upgrade(engine, "17.2");

    PollHistory history = f.pollUntilDone(() -> engine.poll(ID, token));

    assertThat(history.finalStatus()).isEqualTo(OperationStatus.succeeded("flow engine-upgrade succeeded"));
    assertThat(acceptedModifies()).extracting(ModifyDbInstanceRequest::engineVersion)
        .containsExactly("14.12", "15.7", "16.3", "17.2");
    assertThat(acceptedModifies()).allSatisfy(m -> {
      assertThat(m.allowMajorVersionUpgrade()).isTrue();
      assertThat(m.applyImmediately()).isTrue();
    });
    assertThat(acceptedModifies()).extracting(ModifyDbInstanceRequest::dbParameterGroupName)
        .containsExactly("broker-postgres14", "broker-postgres15", "broker-postgres16", "broker-postgres17");
    for (String family : List.of("postgres14", "postgres15", "postgres16", "postgres17")) {
      assertThat(f.rds.describeDBParameterGroups(r -> r.dbParameterGroupName("broker-" + family)).dbParameterGroups())
          .singleElement().satisfies(g -> assertThat(g.dbParameterGroupFamily()).isEqualTo(family));
      assertThat(f.rds.describeDBParameters(r -> r.dbParameterGroupName("broker-" + family).source("user"))
          .parameters()).extracting(Parameter::parameterName, Parameter::parameterValue)
          .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("work_mem", "65536"),
              org.assertj.core.groups.Tuple.tuple("shared_preload_libraries", "pg_stat_statements,pg_cron"));
    }
    DBInstance after = f.describe();
    assertThat(after.engineVersion()).isEqualTo("17.2");
    assertThat(after.dbParameterGroups()).singleElement().satisfies(g -> {
      assertThat(g.dbParameterGroupName()).isEqualTo("broker-postgres17");
      assertThat(g.parameterApplyStatus()).isEqualTo("in-sync");
    });
    assertThat(f.rds.databases().extensions(ID)).containsEntry("app", Map.of("hstore", "1.8", "pg_trgm", "1.6"));
    assertThat(f.rds.databases().work(ID)).extracting(FakeDatabases.Work::statement)
        .containsExactly("ALTER EXTENSION \"hstore\" UPDATE", "ALTER EXTENSION \"pg_trgm\" UPDATE");
    // The snapshot came first and was available before the first hop.
    List<String> order = f.rds.calls().all().stream().map(RecordedCall::operation)
        .filter(o -> o.equals("CreateDBSnapshot") || o.equals("ModifyDBInstance")).toList();
    assertThat(order.get(0)).isEqualTo("CreateDBSnapshot");
    assertThat(f.rds.describeDBSnapshots(r -> r.dbInstanceIdentifier(ID)).dbSnapshots()).singleElement()
        .satisfies(s -> {
          assertThat(s.engineVersion()).isEqualTo("13.15");
          assertThat(s.dbSnapshotIdentifier()).startsWith(ID + "-before-upgrade-");
        });
    assertThat(f.rds.history(ID).orElseThrow().statusSequence().stream().filter("upgrading"::equals).count())
        .isEqualTo(4);
    assertThat(tags().get("tagflow:upgrade")).startsWith("hop=4/4 from=16.3 to=17.2 group=broker-postgres17 sent=");
    assertThat(tags().get("tagflow:param:upgrade-path")).endsWith(
        "value=13.15/postgres13 14.12/postgres14 15.7/postgres15 16.3/postgres16 17.2/postgres17");
    // In progress, the poll says which hop the instance is on.
    assertThat(history.polls()).anySatisfy(p -> assertThat(p.status().description())
        .isEqualTo("step upgrade waiting: hop 2 of 4 from 14.12 to 15.7: upgrade started"));
    assertThat(history.polls()).anySatisfy(p -> assertThat(p.status().description())
        .isEqualTo("instance is upgrading, pending EngineVersion, parameter group broker-postgres15 applying;"
            + " next: step upgrade"));
  }

  @Test
  void aMinorOnlyTargetIsOneMinorHopWithoutNewGroupsOrTheMajorFlag() {
    TagStateMachine engine = f.engine();
    OperationToken token = f.upgrade(engine, "13.16");

    PollHistory history = f.pollUntilDone(() -> engine.poll(ID, token));

    assertThat(history.succeeded()).isTrue();
    assertThat(acceptedModifies()).singleElement().satisfies(m -> {
      assertThat(m.engineVersion()).isEqualTo("13.16");
      assertThat(m.allowMajorVersionUpgrade()).isNull();
      assertThat(m.dbParameterGroupName()).isNull();
    });
    assertThat(f.rds.calls().count("CreateDBParameterGroup")).isZero();
    assertThat(f.describe().dbParameterGroups().get(0).dbParameterGroupName()).isEqualTo("broker-postgres13");
  }

  /** A fault queued for the hop that starts from {@code version}, and the versions a failure must name. */
  static Stream<Arguments> noOps() {
    BiConsumer<io.rdstagflow.testkit.FakeRds, String> ignored = (rds, id) -> rds.faults().ignoreNextUpgrade(id);
    BiConsumer<io.rdstagflow.testkit.FakeRds, String> preCheck = (rds, id) -> rds.faults().failNextUpgradePreCheck(id);
    return Stream.of(
        Arguments.of("ignored, hop 1", ignored, "13.15", "hop 1 of 4 from 13.15 to 14.12"),
        Arguments.of("ignored, hop 3", ignored, "15.7", "hop 3 of 4 from 15.7 to 16.3"),
        Arguments.of("ignored, last hop", ignored, "16.3", "hop 4 of 4 from 16.3 to 17.2"),
        Arguments.of("pre-check failed, hop 1", preCheck, "13.15", "hop 1 of 4 from 13.15 to 14.12"),
        Arguments.of("pre-check failed, hop 2", preCheck, "14.12", "hop 2 of 4 from 14.12 to 15.7"),
        Arguments.of("pre-check failed, last hop", preCheck, "16.3", "hop 4 of 4 from 16.3 to 17.2"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("noOps")
  void everyUpgradeRdsAcceptedThatChangedNothingEndsFailedNamingTheVersions(String name,
      BiConsumer<io.rdstagflow.testkit.FakeRds, String> fault, String from, String hop) {
    TagStateMachine engine = f.engine();
    OperationToken token = f.upgrade(engine, "17.2");
    boolean[] queued = {false};

    PollHistory history = f.pollUntilDone(() -> engine.poll(ID, token), n -> {
      if (!queued[0] && f.describe().engineVersion().equals(from)) {
        fault.accept(f.rds, ID);
        queued[0] = true;
      }
    });

    String to = hop.substring(hop.indexOf(" to ") + 4);
    assertThat(history.finalStatus().state()).isEqualTo(State.FAILED);
    assertThat(history.polls()).noneMatch(p -> p.status().state() == State.SUCCEEDED);
    assertThat(history.finalStatus().description()).startsWith("step upgrade failed: " + hop + ": upgrade accepted at ")
        .contains("but the instance settled at " + from + " not " + to + ": nothing was upgraded");
    assertThat(f.describe().engineVersion()).isEqualTo(from);
    assertThat(f.rds.databases().work(ID)).as("no extension update after a failed hop").isEmpty();
    assertThat(engine.poll(ID, token).state()).as("the terminal record keeps the answer").isEqualTo(State.FAILED);
  }

  @Test
  void anOperatorsRetryAfterANoOpSendsTheHopAgainAndTheUpgradeFinishes() {
    TagStateMachine engine = f.engine();
    f.rds.faults().ignoreNextUpgrade(ID);
    OperationToken token = f.upgrade(engine, "17.2");
    assertThat(f.pollUntilDone(() -> engine.poll(ID, token)).finalStatus().state()).isEqualTo(State.FAILED);

    engine.retry(ID);
    PollHistory history = f.pollUntilDone(() -> engine.poll(ID, token));

    assertThat(history.succeeded()).isTrue();
    assertThat(acceptedModifies()).extracting(ModifyDbInstanceRequest::engineVersion)
        .containsExactly("14.12", "14.12", "15.7", "16.3", "17.2");
  }

  @Test
  void beginningMakesTheCallsTheReadmeLists() {
    io.rdstagflow.testkit.CallLog.Mark mark = f.rds.calls().mark();

    f.upgrade(f.engine(), "17.2");

    assertThat(f.rds.calls().since(mark)).extracting(RecordedCall::operation).containsExactly(
        "DescribeDBInstances", "DescribeDBEngineVersions", "DescribeOrderableDBInstanceOptions",
        "DescribeOrderableDBInstanceOptions", "DescribeOrderableDBInstanceOptions",
        "DescribeOrderableDBInstanceOptions", "DescribeDBInstances", "AddTagsToResource");
  }

  @Test
  void aNewGroupLeftPendingRebootIsRebootedBeforeTheNextHop() {
    TagStateMachine engine = f.engine();
    OperationToken token = f.upgrade(engine, "17.2");
    boolean[] queued = {false};

    PollHistory history = f.pollUntilDone(() -> engine.poll(ID, token), n -> {
      if (!queued[0] && f.describe().engineVersion().equals("14.12")) {
        f.rds.faults().nextUpgradeLeavesPendingReboot(ID);
        queued[0] = true;
      }
    });

    assertThat(history.succeeded()).isTrue();
    List<String> order = f.rds.calls().all().stream().filter(c -> !c.threw()).map(RecordedCall::operation)
        .filter(o -> o.equals("RebootDBInstance") || o.equals("ModifyDBInstance")).toList();
    assertThat(order).containsExactly("ModifyDBInstance", "ModifyDBInstance", "RebootDBInstance", "ModifyDBInstance",
        "ModifyDBInstance");
    assertThat(history.polls()).anySatisfy(p -> assertThat(p.status().description())
        .isEqualTo("step upgrade waiting: hop 2 of 4 from 14.12 to 15.7: rebooting to apply parameter group"
            + " broker-postgres15"));
  }

  @Test
  void aBrokerRestartedBeforeEveryPollGivesTheSameAnswersAsOneBroker() {
    TagStateMachine one = f.engine();
    OperationToken token = f.upgrade(one, "17.2");
    List<OperationStatus> withOne = f.pollUntilDone(() -> one.poll(ID, token)).polls().stream()
        .map(PollHistory.Poll::status).toList();

    UpgradeFixture g = new UpgradeFixture();
    OperationToken token2 = g.upgrade(g.engine(), "17.2");
    PollHistory restarted = g.pollUntilDone(() -> g.engine("restarted-" + g.clock.instant().getEpochSecond())
        .poll(ID, token2));

    assertThat(restarted.succeeded()).isTrue();
    assertThat(restarted.polls().stream().map(PollHistory.Poll::status).toList()).isEqualTo(withOne);
  }

  @Test
  void aBrokerRestartedMidHopResumesAtThatHopWithoutSendingItAgain() {
    TagStateMachine first = f.engine("broker-a");
    OperationToken token = f.upgrade(first, "17.2");
    TagStateMachine[] current = {first};

    PollHistory history = f.pollUntilDone(() -> current[0].poll(ID, token), n -> {
      if ("upgrading".equals(f.describe().dbInstanceStatus()) && f.describe().engineVersion().equals("14.12")) {
        current[0] = f.engine("broker-b-" + n); // a new process while hop 2 runs
      }
    });

    assertThat(history.succeeded()).isTrue();
    assertThat(acceptedModifies()).extracting(ModifyDbInstanceRequest::engineVersion)
        .containsExactly("14.12", "15.7", "16.3", "17.2");
  }

  @Test
  void twoEnginesPollingTheSameInstanceSendEachHopOnce() {
    TagStateMachine a = f.engine("broker-a");
    TagStateMachine b = f.engine("broker-b");
    OperationToken token = f.upgrade(a, "17.2");

    PollHistory history = f.pollUntilDone(() -> {
      OperationStatus fromA = a.poll(ID, token);
      OperationStatus fromB = b.poll(ID, token);
      return fromA.isFinal() ? fromA : fromB;
    });

    assertThat(history.succeeded()).isTrue();
    assertThat(acceptedModifies()).extracting(ModifyDbInstanceRequest::engineVersion)
        .containsExactly("14.12", "15.7", "16.3", "17.2");
    assertThat(f.rds.databases().extensions(ID)).containsEntry("app", Map.of("hstore", "1.8", "pg_trgm", "1.6"));
  }

  @Test
  void twoEnginesOnALaggingDescribeFinishWithEachHopAcceptedOnce() {
    TagStateMachine a = f.engine("broker-a");
    TagStateMachine b = f.engine("broker-b");
    OperationToken token = f.upgrade(a, "17.2");
    f.rds.faults().describeLag(Duration.ofSeconds(45));

    PollHistory history = f.pollUntilDone(() -> {
      OperationStatus fromA = a.poll(ID, token);
      f.clock.advance(Duration.ofSeconds(20));
      OperationStatus fromB = b.poll(ID, token);
      return fromA.isFinal() ? fromA : fromB;
    });

    assertThat(history.succeeded()).isTrue();
    assertThat(acceptedModifies()).extracting(ModifyDbInstanceRequest::engineVersion)
        .containsExactly("14.12", "15.7", "16.3", "17.2");
    assertThat(f.describe().engineVersion()).isEqualTo("17.2");
  }

  @Test
  void aCustomParameterTheNewFamilyLacksFailsTheHopBeforeTheInstanceIsTouched() {
    f.rds.modifyDBParameterGroup(r -> r.dbParameterGroupName("broker-postgres13").parameters(Parameter.builder()
        .parameterName("vacuum_cleanup_index_scale_factor").parameterValue("0.2")
        .applyMethod(software.amazon.awssdk.services.rds.model.ApplyMethod.IMMEDIATE).build()));
    TagStateMachine engine = f.engine();
    OperationToken token = f.upgrade(engine, "17.2");

    PollHistory history = f.pollUntilDone(() -> engine.poll(ID, token));

    assertThat(history.finalStatus().state()).isEqualTo(State.FAILED);
    assertThat(history.finalStatus().description()).startsWith("step upgrade failed: hop 1 of 4 from 13.15 to 14.12:"
        + " parameter vacuum_cleanup_index_scale_factor of broker-postgres13 is refused by broker-postgres14 with"
        + " InvalidParameterValue");
    assertThat(acceptedModifies()).isEmpty();
    assertThat(f.describe().engineVersion()).isEqualTo("13.15");
  }

  @Test
  void aGroupOfAnotherFamilyUnderTheHopsNameFailsTheHopNamingBoth() {
    f.rds.givenParameterGroup("broker-postgres14", "postgres15");
    TagStateMachine engine = f.engine();
    OperationToken token = f.upgrade(engine, "17.2");

    PollHistory history = f.pollUntilDone(() -> engine.poll(ID, token));

    assertThat(history.finalStatus().description()).isEqualTo("step upgrade failed: hop 1 of 4 from 13.15 to 14.12:"
        + " parameter group broker-postgres14 exists with family postgres15 but the hop needs family postgres14:"
        + " name the groups with another rule");
    assertThat(acceptedModifies()).isEmpty();
  }

  @Test
  void anInstanceOnRdsDefaultGroupMovesToEachNewFamilysDefault() {
    f.rds.givenInstance(r -> r.dbInstanceIdentifier("plain").engine("postgres").engineVersion("15.7")
        .dbInstanceClass("db.t3.micro").masterUsername("master"));
    f.flow = f.flow(b -> b.withoutExtensionUpdates());
    TagStateMachine engine = f.engine();
    OperationToken token = new io.rdstagflow.aws.RdsStarter(f.rds, engine).upgradeEngine(f.flow, "plain", "17.2");

    assertThat(f.pollUntilDone(() -> engine.poll("plain", token)).succeeded()).isTrue();

    assertThat(acceptedModifies()).extracting(ModifyDbInstanceRequest::dbParameterGroupName)
        .containsExactly("default.postgres16", "default.postgres17");
    assertThat(f.rds.calls().count("CreateDBParameterGroup")).isZero();
    assertThat(f.rds.describeDBInstances(r -> r.dbInstanceIdentifier("plain")).dbInstances().get(0)
        .dbParameterGroups().get(0).dbParameterGroupName()).isEqualTo("default.postgres17");
  }

  @Test
  void groupsAreNamedByTheBrokersRule() {
    f.flow = f.flow(b -> b.withoutExtensionUpdates().parameterGroups(ParameterGroupNaming.prefixed("tenant-")));
    TagStateMachine engine = f.engine();
    OperationToken token = f.upgrade(engine, "15.7");

    assertThat(f.pollUntilDone(() -> engine.poll(ID, token)).succeeded()).isTrue();

    assertThat(acceptedModifies()).extracting(ModifyDbInstanceRequest::dbParameterGroupName)
        .containsExactly("tenant-postgres14", "tenant-postgres15");
    assertThat(f.describe().dbParameterGroups().get(0).dbParameterGroupName()).isEqualTo("tenant-postgres15");
  }

  @Test
  void noPasswordOrSeedInATagALogLineOrADescription() {
    TagStateMachine engine = f.engine();
    OperationToken token = f.upgrade(engine, "17.2");

    PollHistory history = f.pollUntilDone(() -> engine.poll(ID, token));

    List<String> secrets = List.of(f.masterPassword(), UpgradeFixture.SEED);
    assertThat(history.succeeded()).isTrue();
    logs.assertNoneContains(secrets);
    assertThat(history.render()).doesNotContain(secrets);
    assertThat(tags().toString()).doesNotContain(secrets);
    assertThat(f.rds.report()).doesNotContain(secrets);
    assertThat(f.flow.toString()).doesNotContain(secrets);
    assertThat(f.flow.steps().toString()).doesNotContain(secrets);
  }
}
