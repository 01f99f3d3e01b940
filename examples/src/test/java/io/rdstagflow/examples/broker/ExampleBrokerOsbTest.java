package io.rdstagflow.examples.broker;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.rdstagflow.core.RdsInstance;
import io.rdstagflow.examples.broker.BrokerClient.Answer;
import io.rdstagflow.testkit.FakeRds;
import io.rdstagflow.testkit.VirtualClock;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.bean.override.convention.TestBean;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.Tag;

/**
 * The example broker held to the OSB specification (2.13 to 2.17), one test per requirement, over
 * real HTTP on a random loopback port, on the embedded fake RDS with a virtual clock: nothing
 * sleeps. Each test's name says the requirement; its comment names the spec's section.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"broker.username=" + BrokerClient.USERNAME, "broker.password=" + BrokerClient.PASSWORD})
class ExampleBrokerOsbTest {

  static final VirtualClock CLOCK = VirtualClock.create();
  private static final Duration POLL_INTERVAL = Duration.ofSeconds(2);
  private static final int MAX_POLLS = 200;
  private static final String ORG = BrokerConfiguration.DEMO_ORGANIZATION;
  private static final String SPACE = BrokerConfiguration.DEMO_SPACE;

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

  private BrokerClient broker;

  @BeforeEach
  void connect() {
    broker = new BrokerClient(port);
  }

  // ---- Platform to Service Broker Authentication: "MUST return a 401 Unauthorized response if the
  // authentication fails", on every request.

  @Test
  void everyEndpointAnswers401WithoutCredentials() {
    assertEveryEndpointRefuses(broker.anonymous());
  }

  @Test
  void everyEndpointAnswers401WithAWrongPasswordOrUser() {
    assertEveryEndpointRefuses(broker.as(BrokerClient.USERNAME, "not-the-password"));
    assertEveryEndpointRefuses(broker.as("someone-else", BrokerClient.PASSWORD));
  }

  private void assertEveryEndpointRefuses(BrokerClient client) {
    String id = UUID.randomUUID().toString();
    String binding = instancePath(id) + "/service_bindings/b1";
    String query = "?accepts_incomplete=true&service_id=" + RdsCatalog.SERVICE_ID + "&plan_id=" + RdsCatalog.SMALL.id();
    Map<String, Object> bind = Map.of("service_id", RdsCatalog.SERVICE_ID, "plan_id", RdsCatalog.SMALL.id(),
        "app_guid", "app-1");
    List<Answer> answers = List.of(
        client.get("/v2/catalog"),
        client.put(instancePath(id) + "?accepts_incomplete=true", provisionBody(RdsCatalog.SMALL.id(), ORG, SPACE, Map.of())),
        client.get(instancePath(id)),
        client.patch(instancePath(id) + "?accepts_incomplete=true",
            Map.of("service_id", RdsCatalog.SERVICE_ID, "plan_id", RdsCatalog.MEDIUM.id())),
        client.get(instancePath(id) + "/last_operation"),
        client.delete(instancePath(id) + query),
        client.put(binding, bind),
        client.get(binding),
        client.get(binding + "/last_operation"),
        client.delete(binding + query));

    assertThat(answers).allSatisfy(answer -> {
      assertThat(answer.status()).isEqualTo(401);
      assertThat(answer.wwwAuthenticate()).startsWith("Basic realm=");
    });
    assertThat(fake.calls().all()).noneMatch(c -> c.instanceId().equals(Optional.of(InstanceIds.rdsId(id))));
  }

  // ---- Provisioning, 400 Bad Request ("the request contains invalid data"): a snapshot belongs to
  // the organization and space of the instance it was taken of; any other is answered as one that
  // does not exist, naming nothing about it.

  @Test
  void restoreFromASnapshotOfAnotherSpaceIsAnsweredAsIfItDidNotExist() {
    givenSnapshotOf("snap-other-space", OsbProperties.DEFAULT_NAME, ORG, "space-2");

    assertAnsweredAsNonexistent("snap-other-space");
  }

  @Test
  void restoreFromASnapshotOfAnotherOrganizationIsAnsweredAsIfItDidNotExist() {
    givenSnapshotOf("snap-other-org", OsbProperties.DEFAULT_NAME, "org-2", SPACE);

    assertAnsweredAsNonexistent("snap-other-org");
  }

  @Test
  void restoreFromASnapshotThisBrokerNeverMadeIsAnsweredAsIfItDidNotExist() {
    fake.givenSnapshot(s -> s.dbSnapshotIdentifier("snap-untagged"));
    givenSnapshotOf("snap-other-broker", "another-broker", ORG, SPACE);

    assertAnsweredAsNonexistent("snap-untagged");
    assertAnsweredAsNonexistent("snap-other-broker");
    assertAnsweredAsNonexistent("snap-that-never-was");
  }

  @Test
  void restoreFromASnapshotOfThisSpacesOwnInstanceSucceeds() {
    String source = provisioned(Map.of());
    fake.createDBSnapshot(r -> r.dbInstanceIdentifier(InstanceIds.rdsId(source)).dbSnapshotIdentifier("snap-own"));
    CLOCK.advance(Duration.ofMinutes(5)); // the snapshot becomes available

    String id = UUID.randomUUID().toString();
    Answer restore = provision(id, RdsCatalog.SMALL.id(), ORG, SPACE, Map.of("restore_from_snapshot", "snap-own"));

    assertThat(restore.status()).isEqualTo(202);
    assertThat(finalAnswer(id, restore.field("operation")).field("state")).isEqualTo("succeeded");
  }

  @Test
  void restoreWithAnotherPlanThanTheSnapshotsInstanceIsABadRequestNamingThePlan() {
    Answer answer = provision(UUID.randomUUID().toString(), RdsCatalog.MEDIUM.id(), ORG, SPACE,
        Map.of("restore_from_snapshot", BrokerConfiguration.DEMO_SNAPSHOT));

    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.field("description")).contains("plan small");
  }

  private void givenSnapshotOf(String snapshotId, String brokerName, String org, String space) {
    OwnerTags owner = OwnerTags.of(brokerName, RdsCatalog.SERVICE_ID, RdsCatalog.SMALL.id(), org, space, Map.of());
    fake.givenSnapshot(s -> s.dbSnapshotIdentifier(snapshotId).tagList(owner.asSdkTags()));
  }

  private void assertAnsweredAsNonexistent(String snapshotId) {
    String id = UUID.randomUUID().toString();
    Answer answer = provision(id, RdsCatalog.SMALL.id(), ORG, SPACE, Map.of("restore_from_snapshot", snapshotId));

    assertThat(answer.status()).isEqualTo(400);
    // Word for word what a snapshot that never existed gets: nothing tells the two apart.
    assertThat(answer.field("description"))
        .isEqualTo("Service broker parameters are invalid: snapshot '" + snapshotId + "' does not exist");
    assertThat(fake.calls().all()).noneMatch(c -> c.operation().equals("RestoreDBInstanceFromDBSnapshot")
        && c.instanceId().equals(Optional.of(InstanceIds.rdsId(id))));
  }

  // ---- Provisioning responses: 202 "The operation string MUST match that returned for the
  // original request"; 200 "if the Service Instance already exists, is fully provisioned, and the
  // requested parameters are identical"; 409 "with the same id ... but with different attributes";
  // 400 "missing mandatory data" (service_id*, plan_id*, organization_guid*, space_guid*).

  @Test
  void anIdenticalProvisionWhileProvisioningAnswers202WithTheSameOperation() {
    String id = UUID.randomUUID().toString();
    Answer first = provision(id, RdsCatalog.SMALL.id(), ORG, SPACE, Map.of("restore_from_snapshot",
        BrokerConfiguration.DEMO_SNAPSHOT));
    CLOCK.advance(POLL_INTERVAL);

    Answer again = provision(id, RdsCatalog.SMALL.id(), ORG, SPACE, Map.of("restore_from_snapshot",
        BrokerConfiguration.DEMO_SNAPSHOT));

    assertThat(again.status()).isEqualTo(202);
    assertThat(again.field("operation")).isEqualTo(first.field("operation"));
    assertThat(fake.calls().all()).filteredOn(c -> c.operation().equals("RestoreDBInstanceFromDBSnapshot")
        && c.instanceId().equals(Optional.of(InstanceIds.rdsId(id)))).hasSize(1);
    finalAnswer(id, first.field("operation"));
  }

  @Test
  void anIdenticalProvisionAfterSuccessAnswers200() {
    String id = provisioned(Map.of());

    Answer again = provision(id, RdsCatalog.SMALL.id(), ORG, SPACE, Map.of());

    assertThat(again.status()).isEqualTo(200);
    assertThat(again.body().has("operation")).isFalse();
  }

  @Test
  void aProvisionWithOtherAttributesAnswers409() {
    String id = provisioned(Map.of());

    assertThat(provision(id, RdsCatalog.MEDIUM.id(), ORG, SPACE, Map.of()).status()).isEqualTo(409);
    assertThat(provision(id, RdsCatalog.SMALL.id(), ORG, "space-2", Map.of()).status()).isEqualTo(409);
    assertThat(provision(id, RdsCatalog.SMALL.id(), "org-2", SPACE, Map.of()).status()).isEqualTo(409);
    assertThat(provision(id, RdsCatalog.SMALL.id(), ORG, SPACE,
        Map.of("restore_from_snapshot", BrokerConfiguration.DEMO_SNAPSHOT)).status()).isEqualTo(409);
  }

  @Test
  void aProvisionWithoutAMandatoryFieldAnswers400() {
    for (String missing : List.of("organization_guid", "space_guid", "service_id", "plan_id")) {
      String id = UUID.randomUUID().toString();
      Map<String, Object> body = new HashMap<>(provisionBody(RdsCatalog.SMALL.id(), ORG, SPACE, Map.of()));
      body.remove(missing);

      Answer answer = broker.put(instancePath(id) + "?accepts_incomplete=true", body);

      assertThat(answer.status()).as(missing).isEqualTo(400);
      assertThat(answer.field("description")).as(missing).contains(missing);
      assertThat(fake.calls().all()).noneMatch(c -> c.instanceId().equals(Optional.of(InstanceIds.rdsId(id))));
    }
  }

  @Test
  void theInstanceKeepsItsPlanAndParametersDigestInItsOwnTagsAndAPlanUpdateMovesThePlanTag() {
    String id = provisioned(Map.of());
    Map<String, String> tags = tags(id);
    assertThat(tags).containsEntry(OwnerTags.PLAN_ID, RdsCatalog.SMALL.id())
        .containsEntry(OwnerTags.PARAMETERS, RequestDigest.of(Map.of()))
        .containsEntry(OwnerTags.ORGANIZATION_GUID, ORG).containsEntry(OwnerTags.SPACE_GUID, SPACE);
    assertThat(OwnerTags.PLAN_ID).doesNotStartWith("tagflow:");

    Answer update = broker.patch(instancePath(id) + "?accepts_incomplete=true",
        Map.of("service_id", RdsCatalog.SERVICE_ID, "plan_id", RdsCatalog.MEDIUM.id()));
    assertThat(finalAnswer(id, update.field("operation")).field("state")).isEqualTo("succeeded");

    assertThat(tags(id)).containsEntry(OwnerTags.PLAN_ID, RdsCatalog.MEDIUM.id());
    assertThat(provision(id, RdsCatalog.MEDIUM.id(), ORG, SPACE, Map.of()).status()).isEqualTo(200);
    assertThat(provision(id, RdsCatalog.SMALL.id(), ORG, SPACE, Map.of()).status()).isEqualTo(409);
    Answer sameAgain = broker.patch(instancePath(id) + "?accepts_incomplete=true",
        Map.of("service_id", RdsCatalog.SERVICE_ID, "plan_id", RdsCatalog.MEDIUM.id()));
    assertThat(sameAgain.status()).isEqualTo(200); // on that plan already
  }

  // ---- Binding: 200 "if the Service Binding already exists and the requested parameters are
  // identical"; 409 "already exists ... but with different parameters". Unbinding: 410 "MUST be
  // returned if the Service Binding does not exist".

  @Test
  void anIdenticalBindAnswers200WithTheSameCredentials() {
    String id = provisioned(Map.of());
    String path = instancePath(id) + "/service_bindings/" + UUID.randomUUID();

    Answer first = broker.put(path, bindBody("app-1", Map.of()));
    Answer again = broker.put(path, bindBody("app-1", Map.of()));

    assertThat(first.status()).isEqualTo(201);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.body().path("credentials")).isEqualTo(first.body().path("credentials"));
  }

  @Test
  void aBindWithOtherParametersAnswers409() {
    String id = provisioned(Map.of());
    String path = instancePath(id) + "/service_bindings/" + UUID.randomUUID();
    assertThat(broker.put(path, bindBody("app-1", Map.of())).status()).isEqualTo(201);

    assertThat(broker.put(path, bindBody("app-1", Map.of("read_only", true))).status()).isEqualTo(409);
    assertThat(broker.put(path, bindBody("app-2", Map.of())).status()).isEqualTo(409);
  }

  @Test
  void aBindingsUserIsNamedAfterTheBindingAndCarriesTheDigestOfItsRequest() {
    String id = provisioned(Map.of());
    String bindingId = UUID.randomUUID().toString();

    broker.put(instancePath(id) + "/service_bindings/" + bindingId, bindBody("app-1", Map.of()));

    DBInstance db = fake.describeDBInstances(r -> r.dbInstanceIdentifier(InstanceIds.rdsId(id))).dbInstances().get(0);
    RdsInstance instance = RdsInstance.builder(db.dbInstanceIdentifier()).status(db.dbInstanceStatus()).build();
    assertThat(databaseUsers.login(instance, "", InstanceIds.userName(bindingId))).hasValueSatisfying(login -> {
      assertThat(login.canLogin()).isTrue();
      assertThat(login.comment()).startsWith(RdsServiceInstanceBindingService.COMMENT_PREFIX);
    });
  }

  @Test
  void anUnbindOfABindingThatDoesNotExistAnswers410() {
    String id = provisioned(Map.of());
    String path = instancePath(id) + "/service_bindings/" + UUID.randomUUID();
    String query = "?service_id=" + RdsCatalog.SERVICE_ID + "&plan_id=" + RdsCatalog.SMALL.id();

    assertThat(broker.delete(path + query).status()).isEqualTo(410); // never bound
    broker.put(path, bindBody("app-1", Map.of()));
    assertThat(broker.delete(path + query).status()).isEqualTo(200);
    assertThat(broker.delete(path + query).status()).isEqualTo(410); // unbound already
    assertThat(broker.delete(instancePath(UUID.randomUUID().toString()) + "/service_bindings/b1" + query).status())
        .isEqualTo(410); // no such instance, so no such binding
  }

  // ---- Polling Last Operation for Service Instances (2.16): 404 "MUST be returned if the Service
  // Instance being polled does not exist"; 410 Gone for a deletion; "MAY also include the
  // Retry-After HTTP header".

  @Test
  void lastOperationOfAnInstanceThatDoesNotExistAnswers404() {
    String id = UUID.randomUUID().toString();

    Answer withoutToken = broker.get(instancePath(id) + "/last_operation");
    Answer emptyToken = broker.get(instancePath(id) + "/last_operation?operation=");

    assertThat(withoutToken.status()).isEqualTo(404);
    assertThat(withoutToken.field("description")).contains("not found");
    assertThat(emptyToken.status()).isEqualTo(404);
  }

  @Test
  void lastOperationWithTheTokenOfAnInstanceThatNeverAppearsAnswers404AfterTheGrace() {
    String id = UUID.randomUUID().toString();
    String token = "tagflow/2/flow/create/1/" + CLOCK.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
        + "/0tq2kb4y1";

    Answer early = broker.get(instancePath(id) + "/last_operation?operation=" + token);
    CLOCK.advance(Duration.ofMinutes(6));
    Answer late = broker.get(instancePath(id) + "/last_operation?operation=" + token);

    assertThat(early.status()).isEqualTo(200);
    assertThat(early.field("state")).isEqualTo("in progress"); // a describe may lag behind a create
    assertThat(late.status()).isEqualTo(404);
  }

  @Test
  void lastOperationAfterADeprovisionAnswers410Gone() {
    String id = provisioned(Map.of());
    Answer delete = broker.delete(instancePath(id) + "?accepts_incomplete=true&service_id=" + RdsCatalog.SERVICE_ID
        + "&plan_id=" + RdsCatalog.SMALL.id());

    Answer gone = finalAnswer(id, delete.field("operation"));
    Answer again = broker.get(instancePath(id) + "/last_operation?operation=" + delete.field("operation"));

    assertThat(gone.status()).isEqualTo(410);
    assertThat(again.status()).isEqualTo(410);
  }

  // ---- Deprovisioning, 202 Accepted: "The operation string MUST match that returned for the
  // original request" (2.14 on); 410 Gone "if the Service Instance does not exist".

  @Test
  void aRepeatedDeprovisionWhileDeletingAnswers202WithTheSameOperation() {
    String id = provisioned(Map.of());
    String path = instancePath(id) + "?accepts_incomplete=true&service_id=" + RdsCatalog.SERVICE_ID + "&plan_id="
        + RdsCatalog.SMALL.id();
    Answer first = broker.delete(path);
    CLOCK.advance(POLL_INTERVAL);

    Answer again = broker.delete(path);

    assertThat(again.status()).isEqualTo(202);
    assertThat(again.field("operation")).isEqualTo(first.field("operation"));
    assertThat(finalAnswer(id, again.field("operation")).status()).isEqualTo(410);
    assertThat(broker.delete(path).status()).isEqualTo(410);
  }

  @Test
  void everyInProgressAnswerCarriesRetryAfter() {
    String id = UUID.randomUUID().toString();
    Answer provision = provision(id, RdsCatalog.SMALL.id(), ORG, SPACE, Map.of("restore_from_snapshot",
        BrokerConfiguration.DEMO_SNAPSHOT));

    List<Answer> polls = pollUntilFinal(id, provision.field("operation"));

    assertThat(polls).filteredOn(a -> "in progress".equals(a.field("state"))).isNotEmpty()
        .allSatisfy(a -> assertThat(a.retryAfter()).isNotNull().matches("[1-9][0-9]*"));
  }

  // ---- Logging: a 4xx is the caller's mistake, logged at INFO or WARN without a stack trace.

  @Test
  void a4xxAnswerIsLoggedAtInfoOrWarnWithoutAStackTrace() {
    String id = provisioned(Map.of());
    ListAppender<ILoggingEvent> logs = captureLogs();
    try {
      assertThat(provision(id, RdsCatalog.MEDIUM.id(), ORG, SPACE, Map.of()).status()).isEqualTo(409);
      assertThat(broker.get(instancePath(UUID.randomUUID().toString()) + "/last_operation").status()).isEqualTo(404);
      Map<String, Object> noServiceId = new HashMap<>(provisionBody(RdsCatalog.SMALL.id(), ORG, SPACE, Map.of()));
      noServiceId.remove("service_id");
      assertThat(broker.put(instancePath(UUID.randomUUID().toString()) + "?accepts_incomplete=true", noServiceId)
          .status()).isEqualTo(400);
      assertThat(broker.delete(instancePath(id) + "/service_bindings/" + UUID.randomUUID() + "?service_id="
          + RdsCatalog.SERVICE_ID + "&plan_id=" + RdsCatalog.SMALL.id()).status()).isEqualTo(410);
      assertThat(broker.anonymous().get("/v2/catalog").status()).isEqualTo(401);

      assertThat(logs.list).noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))
          .allSatisfy(e -> assertThat(e.getThrowableProxy()).as(e.getFormattedMessage()).isNull());
      assertThat(logs.list).filteredOn(e -> e.getLevel() == Level.INFO || e.getLevel() == Level.WARN)
          .extracting(ILoggingEvent::getFormattedMessage)
          .anyMatch(m -> m.contains("ServiceInstanceExistsException"))
          .anyMatch(m -> m.startsWith("404"))
          .anyMatch(m -> m.startsWith("400"))
          .anyMatch(m -> m.startsWith("410"))
          .anyMatch(m -> m.startsWith("401"));
    } finally {
      stopCapturing(logs);
    }
  }

  // ---- helpers

  private static String instancePath(String id) {
    return "/v2/service_instances/" + id;
  }

  private static Map<String, Object> provisionBody(String planId, String org, String space, Map<String, Object> parameters) {
    return Map.of("service_id", RdsCatalog.SERVICE_ID, "plan_id", planId, "organization_guid", org,
        "space_guid", space, "parameters", parameters);
  }

  private static Map<String, Object> bindBody(String appGuid, Map<String, Object> parameters) {
    return Map.of("service_id", RdsCatalog.SERVICE_ID, "plan_id", RdsCatalog.SMALL.id(), "app_guid", appGuid,
        "parameters", parameters);
  }

  private Answer provision(String id, String planId, String org, String space, Map<String, Object> parameters) {
    return broker.put(instancePath(id) + "?accepts_incomplete=true", provisionBody(planId, org, space, parameters));
  }

  /** A new instance, created (no snapshot) and polled to succeeded. */
  private String provisioned(Map<String, Object> parameters) {
    String id = UUID.randomUUID().toString();
    Answer provision = provision(id, RdsCatalog.SMALL.id(), ORG, SPACE, parameters);
    assertThat(provision.status()).isEqualTo(202);
    assertThat(finalAnswer(id, provision.field("operation")).field("state")).isEqualTo("succeeded");
    return id;
  }

  private Map<String, String> tags(String id) {
    DBInstance db = fake.describeDBInstances(r -> r.dbInstanceIdentifier(InstanceIds.rdsId(id))).dbInstances().get(0);
    Map<String, String> tags = new HashMap<>();
    for (Tag t : db.tagList()) {
      tags.put(t.key(), t.value());
    }
    return tags;
  }

  private Answer finalAnswer(String id, String operation) {
    List<Answer> polls = pollUntilFinal(id, operation);
    return polls.get(polls.size() - 1);
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
