package io.rdstagflow.examples.broker;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.rdstagflow.aws.PasswordSource;
import io.rdstagflow.examples.broker.BrokerClient.Answer;
import io.rdstagflow.testkit.FakeRds;
import io.rdstagflow.testkit.VirtualClock;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.bean.override.convention.TestBean;
import software.amazon.awssdk.services.rds.model.DBInstance;

/**
 * The example broker over real HTTP on a random loopback port, on the embedded fake RDS with a
 * virtual clock that the tests advance between polls: nothing sleeps.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"broker.username=" + BrokerClient.USERNAME, "broker.password=" + BrokerClient.PASSWORD})
class ExampleBrokerHttpTest {

  static final VirtualClock CLOCK = VirtualClock.create();
  private static final Duration POLL_INTERVAL = Duration.ofSeconds(2);
  private static final int MAX_POLLS = 200;

  @TestBean
  Clock clock;

  static Clock clock() {
    return CLOCK;
  }

  @LocalServerPort
  int port;

  @Autowired
  FakeRds fake;

  @Autowired
  DatabaseUsers databaseUsers;

  @Autowired
  PasswordSource passwords;

  private BrokerClient broker;

  @BeforeEach
  void connect() {
    broker = new BrokerClient(port);
  }

  private static String newInstanceId() {
    return UUID.randomUUID().toString();
  }

  private static String instancePath(String id) {
    return "/v2/service_instances/" + id;
  }

  private static Map<String, Object> provisionBody(String planId, Map<String, Object> parameters) {
    return Map.of("service_id", RdsCatalog.SERVICE_ID, "plan_id", planId, "organization_guid", "org-1",
        "space_guid", "space-1", "parameters", parameters);
  }

  private Answer provisionFromSnapshot(String id) {
    return broker.put(instancePath(id) + "?accepts_incomplete=true",
        provisionBody(RdsCatalog.SMALL.id(), Map.of("restore_from_snapshot", BrokerConfiguration.DEMO_SNAPSHOT)));
  }

  /** Polls last_operation as a platform does, moving the virtual clock between polls. */
  private List<Answer> pollUntilFinal(String id, String operation) {
    List<Answer> answers = new ArrayList<>();
    for (int i = 0; i < MAX_POLLS; i++) {
      CLOCK.advance(POLL_INTERVAL);
      Answer answer = broker.get(instancePath(id) + "/last_operation?operation=" + operation);
      answers.add(answer);
      if (!"in progress".equals(answer.field("state"))) {
        return answers;
      }
    }
    throw new AssertionError("not final after " + MAX_POLLS + " polls: " + answers.get(answers.size() - 1).raw());
  }

  private String provisionedFromSnapshot() {
    String id = newInstanceId();
    Answer provision = provisionFromSnapshot(id);
    assertThat(provision.status()).isEqualTo(202);
    List<Answer> polls = pollUntilFinal(id, provision.field("operation"));
    assertThat(polls.get(polls.size() - 1).field("state")).isEqualTo("succeeded");
    return id;
  }

  @Test
  void provisionFromSnapshotIsPolledToSucceeded() {
    String id = newInstanceId();

    Answer provision = provisionFromSnapshot(id);
    assertThat(provision.status()).isEqualTo(202);
    assertThat(provision.field("operation")).startsWith("tagflow/2/flow/restore-from-snapshot/1/");

    List<Answer> polls = pollUntilFinal(id, provision.field("operation"));

    Answer last = polls.get(polls.size() - 1);
    assertThat(last.status()).isEqualTo(200);
    assertThat(last.field("state")).isEqualTo("succeeded");
    assertThat(polls).first().satisfies(first -> {
      assertThat(first.field("state")).isEqualTo("in progress");
      assertThat(first.field("description")).contains("creating");
    });
    String rdsId = InstanceIds.rdsId(id);
    // The flow went through its modify and its reboot, then left its terminal record.
    assertThat(fake.history(rdsId).orElseThrow().statusSequence()).contains("creating", "modifying", "rebooting");
    DBInstance db = fake.describeDBInstances(r -> r.dbInstanceIdentifier(rdsId)).dbInstances().get(0);
    assertThat(db.tagList()).anyMatch(tag -> tag.key().equals("tagflow:flow") && tag.value().contains("state=succeeded"));
    assertThat(db.dbParameterGroups()).anyMatch(g -> g.dbParameterGroupName().equals("rdstagflow-example-postgres16"));
    assertThat(((RecordedDatabaseWork) databaseUsers).recorded())
        .contains(new RecordedDatabaseWork.Work(rdsId, "reset-bound-users", ""));
  }

  @Test
  void provisionWithoutParametersCreatesAnInstance() {
    String id = newInstanceId();

    Answer provision = broker.put(instancePath(id) + "?accepts_incomplete=true",
        provisionBody(RdsCatalog.SMALL.id(), Map.of()));
    assertThat(provision.status()).isEqualTo(202);
    assertThat(provision.field("operation")).startsWith("tagflow/2/flow/create/1/");

    List<Answer> polls = pollUntilFinal(id, provision.field("operation"));
    assertThat(polls.get(polls.size() - 1).field("state")).isEqualTo("succeeded");
    // Created with the broker's settings, so the flow's settings step had nothing to change.
    assertThat(fake.calls().all()).noneMatch(c -> c.operation().equals("ModifyDBInstance")
        && c.instanceId().equals(java.util.Optional.of(InstanceIds.rdsId(id))));
  }

  @Test
  void bindReturnsCredentialsAndRecordsTheUserWithoutLoggingThePassword() {
    String id = provisionedFromSnapshot();
    String bindingId = UUID.randomUUID().toString();
    ListAppender<ILoggingEvent> logs = captureLogs();
    try {
      Answer bind = broker.put(instancePath(id) + "/service_bindings/" + bindingId,
          Map.of("service_id", RdsCatalog.SERVICE_ID, "plan_id", RdsCatalog.SMALL.id(), "app_guid", "app-1"));

      assertThat(bind.status()).isEqualTo(201);
      String user = InstanceIds.userName(bindingId);
      String password = passwords.password(InstanceIds.rdsId(id), user);
      assertThat(bind.body().path("credentials").path("username").asText()).isEqualTo(user);
      assertThat(bind.body().path("credentials").path("password").asText()).isEqualTo(password);
      assertThat(bind.body().path("credentials").path("port").asInt()).isPositive();
      assertThat(((RecordedDatabaseWork) databaseUsers).recorded())
          .contains(new RecordedDatabaseWork.Work(InstanceIds.rdsId(id), "create-login", user));

      String masterPassword = passwords.password(InstanceIds.rdsId(id), "postgres");
      assertThat(logs.list).isNotEmpty().allSatisfy(event -> assertThat(event.getFormattedMessage())
          .doesNotContain(password).doesNotContain(masterPassword));
    } finally {
      stopCapturing(logs);
    }
  }

  @Test
  void unbindLocksTheUser() {
    String id = provisionedFromSnapshot();
    String bindingId = UUID.randomUUID().toString();
    broker.put(instancePath(id) + "/service_bindings/" + bindingId,
        Map.of("service_id", RdsCatalog.SERVICE_ID, "plan_id", RdsCatalog.SMALL.id(), "app_guid", "app-1"));

    Answer unbind = broker.delete(instancePath(id) + "/service_bindings/" + bindingId + "?service_id="
        + RdsCatalog.SERVICE_ID + "&plan_id=" + RdsCatalog.SMALL.id());

    assertThat(unbind.status()).isEqualTo(200);
    assertThat(((RecordedDatabaseWork) databaseUsers).recorded())
        .contains(new RecordedDatabaseWork.Work(InstanceIds.rdsId(id), "lock-login", InstanceIds.userName(bindingId)));
  }

  @Test
  void updateToTheMediumPlanChangesTheInstanceClass() {
    String id = provisionedFromSnapshot();

    Answer update = broker.patch(instancePath(id) + "?accepts_incomplete=true", Map.of(
        "service_id", RdsCatalog.SERVICE_ID, "plan_id", RdsCatalog.MEDIUM.id(),
        "previous_values", Map.of("plan_id", RdsCatalog.SMALL.id())));
    assertThat(update.status()).isEqualTo(202);
    assertThat(update.field("operation")).startsWith("tagflow/2/flow/update-plan/1/");

    List<Answer> polls = pollUntilFinal(id, update.field("operation"));
    assertThat(polls.get(polls.size() - 1).field("state")).isEqualTo("succeeded");
    DBInstance db = fake.describeDBInstances(r -> r.dbInstanceIdentifier(InstanceIds.rdsId(id))).dbInstances().get(0);
    assertThat(db.dbInstanceClass()).isEqualTo("db.t3.medium");
    assertThat(db.allocatedStorage()).isEqualTo(50);
  }

  @Test
  void anUpdateWithEngineVersionUpgradesTheEngineAndItsExtensions() {
    String id = provisionedFromSnapshot();
    String rdsId = InstanceIds.rdsId(id);
    fake.databases().givenExtension(rdsId, "postgres", "postgis", "3.4.3");

    Answer update = broker.patch(instancePath(id) + "?accepts_incomplete=true", Map.of(
        "service_id", RdsCatalog.SERVICE_ID, "plan_id", RdsCatalog.SMALL.id(),
        "parameters", Map.of("engine_version", "17.2")));
    assertThat(update.status()).isEqualTo(202);
    assertThat(update.field("operation")).startsWith("tagflow/2/flow/engine-upgrade/1/");

    List<Answer> polls = pollUntilFinal(id, update.field("operation"));

    assertThat(polls.get(polls.size() - 1).field("state")).isEqualTo("succeeded");
    assertThat(polls).anySatisfy(p -> assertThat(p.field("description"))
        .isEqualTo("step upgrade waiting: hop 1 of 1 from 16.3 to 17.2: upgrade started"));
    DBInstance db = fake.describeDBInstances(r -> r.dbInstanceIdentifier(rdsId)).dbInstances().get(0);
    assertThat(db.engineVersion()).isEqualTo("17.2");
    assertThat(db.dbParameterGroups()).singleElement()
        .satisfies(g -> assertThat(g.dbParameterGroupName()).isEqualTo("rdstagflow-example-postgres17"));
    assertThat(fake.databases().extensions(rdsId)).containsEntry("postgres", Map.of("postgis", "3.5.0"));
    assertThat(fake.describeDBSnapshots(r -> r.dbInstanceIdentifier(rdsId)).dbSnapshots())
        .anySatisfy(snap -> assertThat(snap.dbSnapshotIdentifier()).startsWith(rdsId + "-before-upgrade-"));

    // Asked again for the version it runs: nothing to change.
    Answer again = broker.patch(instancePath(id) + "?accepts_incomplete=true", Map.of(
        "service_id", RdsCatalog.SERVICE_ID, "parameters", Map.of("engine_version", "17.2")));
    assertThat(again.status()).isEqualTo(200);
  }

  @Test
  void anUpgradeRdsCannotDoIsABadRequestNamingWhyAndChangesNothing() {
    String id = provisionedFromSnapshot();
    String rdsId = InstanceIds.rdsId(id);
    long modifies = fake.calls().count("ModifyDBInstance");

    Answer downgrade = broker.patch(instancePath(id) + "?accepts_incomplete=true", Map.of(
        "service_id", RdsCatalog.SERVICE_ID, "plan_id", RdsCatalog.SMALL.id(),
        "parameters", Map.of("engine_version", "15.7")));
    Answer unknown = broker.patch(instancePath(id) + "?accepts_incomplete=true", Map.of(
        "service_id", RdsCatalog.SERVICE_ID, "parameters", Map.of("engine_version", "17.9")));
    Answer both = broker.patch(instancePath(id) + "?accepts_incomplete=true", Map.of(
        "service_id", RdsCatalog.SERVICE_ID, "plan_id", RdsCatalog.MEDIUM.id(),
        "parameters", Map.of("engine_version", "17.2")));
    Answer notAVersion = broker.patch(instancePath(id) + "?accepts_incomplete=true", Map.of(
        "service_id", RdsCatalog.SERVICE_ID, "parameters", Map.of("engine_version", "latest please")));

    assertThat(List.of(downgrade, unknown, both, notAVersion)).allSatisfy(a -> assertThat(a.status()).isEqualTo(400));
    assertThat(downgrade.field("description")).contains("postgres 15.7 is older than instance " + rdsId + "'s 16.3");
    assertThat(unknown.field("description")).contains("postgres 17.9 is not offered");
    assertThat(both.field("description")).contains("not both at once");
    assertThat(fake.calls().count("ModifyDBInstance")).isEqualTo(modifies);
  }

  @Test
  void deprovisionAnswersGoneOnceTheInstanceIsDeleted() {
    String id = provisionedFromSnapshot();

    Answer delete = broker.delete(instancePath(id) + "?accepts_incomplete=true&service_id=" + RdsCatalog.SERVICE_ID
        + "&plan_id=" + RdsCatalog.SMALL.id());
    assertThat(delete.status()).isEqualTo(202);
    assertThat(delete.field("operation")).startsWith("tagflow/2/deletion/");

    List<Answer> polls = pollUntilFinal(id, delete.field("operation"));
    Answer last = polls.get(polls.size() - 1);
    assertThat(last.field("state")).isEqualTo("succeeded");
    assertThat(last.status()).isEqualTo(410); // OSB: a finished asynchronous deletion may answer 410 Gone
    assertThat(polls).first().satisfies(first -> assertThat(first.field("state")).isEqualTo("in progress"));
    assertThat(fake.history(InstanceIds.rdsId(id)).orElseThrow().statusSequence()).contains("deleting");
  }

  @Test
  void deprovisionOfAnUnknownInstanceAnswersGone() {
    Answer delete = broker.delete(instancePath(newInstanceId()) + "?accepts_incomplete=true&service_id="
        + RdsCatalog.SERVICE_ID + "&plan_id=" + RdsCatalog.SMALL.id());

    assertThat(delete.status()).isEqualTo(410);
  }

  @Test
  void lastOperationCarriesRetryAfterWhenRdsThrottles() {
    String id = newInstanceId();
    Answer provision = provisionFromSnapshot(id);
    fake.faults().throttleNext(1);

    CLOCK.advance(POLL_INTERVAL);
    Answer poll = broker.get(instancePath(id) + "/last_operation?operation=" + provision.field("operation"));

    assertThat(poll.status()).isEqualTo(200);
    assertThat(poll.field("state")).isEqualTo("in progress");
    assertThat(poll.field("description")).contains("Throttling");
    assertThat(poll.retryAfter()).isEqualTo("30"); // the engine's hint after a transient error
    assertThat(poll.body().has("retry_after")).isFalse();
    pollUntilFinal(id, provision.field("operation"));
  }

  @Test
  void anUpdateWhileTheRestoreRunsIsAConcurrencyError() {
    String id = newInstanceId();
    Answer provision = provisionFromSnapshot(id);
    CLOCK.advance(Duration.ofSeconds(25)); // restored, the settings step not run yet

    Answer update = broker.patch(instancePath(id) + "?accepts_incomplete=true",
        Map.of("service_id", RdsCatalog.SERVICE_ID, "plan_id", RdsCatalog.MEDIUM.id()));
    Answer bind = broker.put(instancePath(id) + "/service_bindings/" + UUID.randomUUID(),
        Map.of("service_id", RdsCatalog.SERVICE_ID, "plan_id", RdsCatalog.SMALL.id(), "app_guid", "app-1"));
    Answer delete = broker.delete(instancePath(id) + "?accepts_incomplete=true&service_id=" + RdsCatalog.SERVICE_ID
        + "&plan_id=" + RdsCatalog.SMALL.id());

    for (Answer refused : List.of(update, bind, delete)) {
      assertThat(refused.status()).isEqualTo(422);
      assertThat(refused.field("error")).isEqualTo("ConcurrencyError");
      assertThat(refused.field("description")).contains("restore-from-snapshot");
    }
    pollUntilFinal(id, provision.field("operation"));
  }

  @Test
  void anUnknownSnapshotIsABadRequest() {
    Answer answer = broker.put(instancePath(newInstanceId()) + "?accepts_incomplete=true",
        provisionBody(RdsCatalog.SMALL.id(), Map.of("restore_from_snapshot", "no-such-snapshot")));

    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.field("description")).contains("no-such-snapshot").contains("does not exist");
  }

  @Test
  void anUnknownPlanIsABadRequest() {
    Answer answer = broker.put(instancePath(newInstanceId()) + "?accepts_incomplete=true",
        provisionBody("no-such-plan", Map.of()));

    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.field("description")).contains("no-such-plan");
  }

  @Test
  void unknownOrMalformedParametersAreBadRequests() {
    Answer unknown = broker.put(instancePath(newInstanceId()) + "?accepts_incomplete=true",
        provisionBody(RdsCatalog.SMALL.id(), Map.of("size", "huge")));
    Answer notAString = broker.put(instancePath(newInstanceId()) + "?accepts_incomplete=true",
        provisionBody(RdsCatalog.SMALL.id(), Map.of("restore_from_snapshot", 42)));
    Answer notAnIdentifier = broker.put(instancePath(newInstanceId()) + "?accepts_incomplete=true",
        provisionBody(RdsCatalog.SMALL.id(), Map.of("restore_from_snapshot", "bad;name")));

    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.field("description")).contains("size");
    assertThat(notAString.status()).isEqualTo(400);
    assertThat(notAnIdentifier.status()).isEqualTo(400);
  }

  @Test
  void aSynchronousClientIsToldAsyncIsRequired() {
    Answer answer = broker.put(instancePath(newInstanceId()), provisionBody(RdsCatalog.SMALL.id(), Map.of()));

    assertThat(answer.status()).isEqualTo(422);
    assertThat(answer.field("error")).isEqualTo("AsyncRequired");
  }


  @Test
  void anInstanceIdThatCannotNameAnRdsInstanceIsABadRequest() {
    Answer answer = broker.put(instancePath("bad--id") + "?accepts_incomplete=true",
        provisionBody(RdsCatalog.SMALL.id(), Map.of()));

    assertThat(answer.status()).isEqualTo(400);
  }

  @Test
  void theCatalogOffersPostgresWithTwoPlans() {
    Answer catalog = broker.get("/v2/catalog");

    assertThat(catalog.status()).isEqualTo(200);
    assertThat(catalog.body().path("services").get(0).path("name").asText()).isEqualTo("rds-postgres");
    assertThat(catalog.body().path("services").get(0).path("plans")).hasSize(2);
  }

  /** Every log line, Spring Cloud Open Service Broker's controllers' too (kept off the console). */
  private static final List<String> CAPTURED_LOGGERS =
      List.of(org.slf4j.Logger.ROOT_LOGGER_NAME, "org.springframework.cloud.servicebroker.controller");

  private static ListAppender<ILoggingEvent> captureLogs() {
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    CAPTURED_LOGGERS.forEach(name -> ((Logger) LoggerFactory.getLogger(name)).addAppender(appender));
    return appender;
  }

  private static void stopCapturing(ListAppender<ILoggingEvent> appender) {
    CAPTURED_LOGGERS.forEach(name -> ((Logger) LoggerFactory.getLogger(name)).detachAppender(appender));
  }
}
