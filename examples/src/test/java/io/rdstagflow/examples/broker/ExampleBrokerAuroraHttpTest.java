package io.rdstagflow.examples.broker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.bean.override.convention.TestBean;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.Tag;

/**
 * The example broker's Aurora PostgreSQL service over real HTTP, through the same OSB handlers as
 * the instance service, on the embedded fake RDS (which simulates clusters and their members) with
 * a virtual clock the tests advance between polls: provision (a restore from a cluster snapshot, or
 * a create), bind and unbind on the cluster endpoint, a plan update, deprovision to 410.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"broker.username=" + BrokerClient.USERNAME, "broker.password=" + BrokerClient.PASSWORD})
class ExampleBrokerAuroraHttpTest {

  static final VirtualClock CLOCK = VirtualClock.create();
  private static final Duration POLL_INTERVAL = Duration.ofSeconds(2);
  private static final int MAX_POLLS = 300;
  private static final String SVC = AuroraCatalog.SERVICE_ID;
  private static final String STANDARD = AuroraCatalog.STANDARD.id();
  private static final String HA = AuroraCatalog.HIGH_AVAILABILITY.id();

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

  private static String path(String id) {
    return "/v2/service_instances/" + id;
  }

  private static Map<String, Object> provisionBody(String planId, String space, Map<String, Object> parameters) {
    return Map.of("service_id", SVC, "plan_id", planId, "organization_guid", BrokerConfiguration.DEMO_ORGANIZATION,
        "space_guid", space, "parameters", parameters);
  }

  private Answer restore(String id) {
    return broker.put(path(id) + "?accepts_incomplete=true", provisionBody(STANDARD, BrokerConfiguration.DEMO_SPACE,
        Map.of("restore_from_snapshot", AuroraConfiguration.DEMO_CLUSTER_SNAPSHOT)));
  }

  private List<Answer> pollUntilFinal(String id, String operation) {
    return pollUntilFinal(id, operation, "&service_id=" + SVC);
  }

  private List<Answer> pollUntilFinal(String id, String operation, String query) {
    List<Answer> answers = new ArrayList<>();
    for (int i = 0; i < MAX_POLLS; i++) {
      CLOCK.advance(POLL_INTERVAL);
      Answer answer = broker.get(path(id) + "/last_operation?operation=" + operation + query);
      answers.add(answer);
      if (!"in progress".equals(answer.field("state"))) {
        return answers;
      }
    }
    throw new AssertionError("not final after " + MAX_POLLS + " polls: " + answers.get(answers.size() - 1).raw());
  }

  private String restored() {
    String id = UUID.randomUUID().toString();
    Answer provision = restore(id);
    assertThat(provision.status()).isEqualTo(202);
    List<Answer> polls = pollUntilFinal(id, provision.field("operation"));
    assertThat(polls.get(polls.size() - 1).field("state")).as(polls.get(polls.size() - 1).raw()).isEqualTo("succeeded");
    return id;
  }

  private DBCluster cluster(String id) {
    return fake.describeDBClusters(r -> r.dbClusterIdentifier(InstanceIds.rdsId(id))).dbClusters().get(0);
  }

  private List<DBInstance> members(String id) {
    return fake.describeDBInstances(r -> r.filters(f -> f.name("db-cluster-id").values(InstanceIds.rdsId(id))))
        .dbInstances();
  }

  private static Map<String, String> tags(List<Tag> tags) {
    return tags.stream().collect(Collectors.toMap(Tag::key, Tag::value, (a, b) -> b));
  }

  @Test
  void theCatalogOffersAuroraPostgresWithItsTwoPlansBesideRdsPostgres() {
    JsonNode services = broker.get("/v2/catalog").body().path("services");

    assertThat(services).hasSize(2);
    assertThat(services.get(1).path("id").asText()).isEqualTo(SVC);
    assertThat(services.get(1).path("name").asText()).isEqualTo("aurora-postgres");
    assertThat(services.get(1).path("plans")).extracting(p -> p.path("name").asText()).containsExactly("standard", "ha");
  }

  @Test
  void aProvisionFromAClusterSnapshotRestoresTheClusterCreatesItsWriterAndSucceeds() {
    String id = UUID.randomUUID().toString();

    Answer provision = restore(id);
    assertThat(provision.status()).isEqualTo(202);
    assertThat(provision.field("operation")).startsWith("tagflow/2/flow/restore-cluster-from-snapshot/1/");
    Answer again = restore(id);
    assertThat(again.status()).isEqualTo(202);
    assertThat(again.field("operation")).isEqualTo(provision.field("operation"));

    List<Answer> polls = pollUntilFinal(id, provision.field("operation"));

    assertThat(polls.get(polls.size() - 1).field("state")).isEqualTo("succeeded");
    assertThat(polls.get(0).field("description")).contains("creating");
    assertThat(polls).anySatisfy(p -> assertThat(p.field("description")).contains("member osb-"));
    String rdsId = InstanceIds.rdsId(id);
    DBCluster cluster = cluster(id);
    assertThat(cluster.dbClusterParameterGroup()).isEqualTo(AuroraProperties.DEFAULT_CLUSTER_PARAMETER_GROUP);
    assertThat(cluster.backupRetentionPeriod()).isEqualTo(7);
    assertThat(tags(cluster.tagList())).containsEntry(OwnerTags.PLAN_ID, STANDARD).containsEntry(OwnerTags.SERVICE_ID, SVC)
        .hasEntrySatisfying("tagflow:flow", v -> assertThat(v).contains("state=succeeded"));
    assertThat(members(id)).singleElement().satisfies(writer -> {
      assertThat(writer.dbInstanceIdentifier()).isEqualTo(rdsId + "-1");
      assertThat(writer.dbInstanceClass()).isEqualTo("db.r6g.large");
      assertThat(tags(writer.tagList())).containsEntry(OwnerTags.SPACE_GUID, BrokerConfiguration.DEMO_SPACE)
          .doesNotContainKey("tagflow:flow");
    });
    assertThat(fake.clusterHistory(rdsId).orElseThrow().statusSequence()).contains("creating", "modifying");
    assertThat(((RecordedDatabaseWork) databaseUsers).recorded())
        .contains(new RecordedDatabaseWork.Work(rdsId, "reset-bound-users", ""));
    Answer provisioned = restore(id);
    assertThat(provisioned.status()).isEqualTo(200);
  }

  @Test
  void aClusterSnapshotOfAnotherSpaceIsAnsweredAsIfItDidNotExist() {
    Answer answer = broker.put(path(UUID.randomUUID().toString()) + "?accepts_incomplete=true",
        provisionBody(STANDARD, "space-2", Map.of("restore_from_snapshot", AuroraConfiguration.DEMO_CLUSTER_SNAPSHOT)));
    Answer otherPlan = broker.put(path(UUID.randomUUID().toString()) + "?accepts_incomplete=true",
        provisionBody(HA, BrokerConfiguration.DEMO_SPACE,
            Map.of("restore_from_snapshot", AuroraConfiguration.DEMO_CLUSTER_SNAPSHOT)));

    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.field("description")).contains("snapshot '" + AuroraConfiguration.DEMO_CLUSTER_SNAPSHOT
        + "' does not exist");
    assertThat(otherPlan.status()).isEqualTo(400);
    assertThat(otherPlan.field("description")).contains("plan standard");
  }

  @Test
  void aProvisionWithoutParametersCreatesAClusterWithThePlansMembers() {
    String id = UUID.randomUUID().toString();

    Answer provision = broker.put(path(id) + "?accepts_incomplete=true",
        provisionBody(HA, BrokerConfiguration.DEMO_SPACE, Map.of()));
    assertThat(provision.field("operation")).startsWith("tagflow/2/flow/create-cluster/1/");
    List<Answer> polls = pollUntilFinal(id, provision.field("operation"));

    assertThat(polls.get(polls.size() - 1).field("state")).isEqualTo("succeeded");
    assertThat(members(id)).extracting(DBInstance::dbInstanceClass).containsExactly("db.r6g.xlarge", "db.r6g.xlarge");
    // Created with the broker's settings: the settings step had nothing to change.
    assertThat(fake.calls().all()).noneMatch(c -> c.operation().equals("ModifyDBCluster")
        && c.request().toString().contains(InstanceIds.rdsId(id)));
  }

  @Test
  void bindGivesTheClusterEndpointAndUnbindLocksTheUser() {
    String id = restored();
    String bindingId = UUID.randomUUID().toString();

    Answer bind = broker.put(path(id) + "/service_bindings/" + bindingId,
        Map.of("service_id", SVC, "plan_id", STANDARD, "app_guid", "app-1"));
    Answer unbind = broker.delete(path(id) + "/service_bindings/" + bindingId + "?service_id=" + SVC + "&plan_id="
        + STANDARD);

    assertThat(bind.status()).isEqualTo(201);
    String user = InstanceIds.userName(bindingId);
    assertThat(bind.body().path("credentials").path("host").asText()).isEqualTo(cluster(id).endpoint());
    assertThat(bind.body().path("credentials").path("password").asText())
        .isEqualTo(passwords.password(InstanceIds.rdsId(id), user));
    assertThat(unbind.status()).isEqualTo(200);
    assertThat(((RecordedDatabaseWork) databaseUsers).recorded()).contains(
        new RecordedDatabaseWork.Work(InstanceIds.rdsId(id), "create-login", user),
        new RecordedDatabaseWork.Work(InstanceIds.rdsId(id), "lock-login", user));
  }

  @Test
  void anUpdateToTheHaPlanChangesTheWriterAddsAReaderAndRecordsThePlan() {
    String id = restored();

    Answer update = broker.patch(path(id) + "?accepts_incomplete=true", Map.of("service_id", SVC, "plan_id", HA,
        "previous_values", Map.of("plan_id", STANDARD)));
    assertThat(update.status()).isEqualTo(202);
    assertThat(update.field("operation")).startsWith("tagflow/2/flow/update-cluster-plan/1/");
    Answer whileItRuns = broker.patch(path(id) + "?accepts_incomplete=true", Map.of("service_id", SVC, "plan_id", HA));
    assertThat(whileItRuns.status()).isEqualTo(422);
    assertThat(whileItRuns.field("error")).isEqualTo("ConcurrencyError");

    List<Answer> polls = pollUntilFinal(id, update.field("operation"));

    assertThat(polls.get(polls.size() - 1).field("state")).isEqualTo("succeeded");
    assertThat(members(id)).hasSize(2).allSatisfy(m -> assertThat(m.dbInstanceClass()).isEqualTo("db.r6g.xlarge"));
    assertThat(tags(cluster(id).tagList())).containsEntry(OwnerTags.PLAN_ID, HA);
    Answer samePlan = broker.patch(path(id) + "?accepts_incomplete=true", Map.of("service_id", SVC, "plan_id", HA));
    assertThat(samePlan.status()).isEqualTo(200);
  }

  @Test
  void deprovisionDeletesTheMembersThenTheClusterAndAnswersGone() {
    String id = restored();
    String query = "?accepts_incomplete=true&service_id=" + SVC + "&plan_id=" + STANDARD;

    Answer delete = broker.delete(path(id) + query);
    assertThat(delete.status()).isEqualTo(202);
    assertThat(delete.field("operation")).startsWith("tagflow/2/flow/delete-cluster/1/");
    Answer again = broker.delete(path(id) + query);
    assertThat(again.status()).isEqualTo(202);
    assertThat(again.field("operation")).isEqualTo(delete.field("operation"));

    // Polled without service_id (optional in OSB): the operation's flow routes it to the cluster engine.
    List<Answer> polls = pollUntilFinal(id, delete.field("operation"), "");

    Answer last = polls.get(polls.size() - 1);
    assertThat(last.status()).as(last.raw()).isEqualTo(410);
    assertThat(last.field("state")).isEqualTo("succeeded");
    assertThat(fake.history(InstanceIds.rdsId(id) + "-1").orElseThrow().statusSequence()).contains("deleting");
    assertThat(fake.clusterHistory(InstanceIds.rdsId(id)).orElseThrow().statusSequence()).contains("deleting");
    assertThat(broker.get(path(id) + "/last_operation?operation=" + delete.field("operation")).status()).isEqualTo(410);
    assertThat(broker.delete(path(id) + query).status()).isEqualTo(410);
  }

  @Test
  void aBindOrUpdateWhileTheRestoreRunsIsAConcurrencyError() {
    String id = UUID.randomUUID().toString();
    Answer provision = restore(id);
    CLOCK.advance(Duration.ofSeconds(25));

    Answer update = broker.patch(path(id) + "?accepts_incomplete=true", Map.of("service_id", SVC, "plan_id", HA));
    Answer bind = broker.put(path(id) + "/service_bindings/" + UUID.randomUUID(),
        Map.of("service_id", SVC, "plan_id", STANDARD, "app_guid", "app-1"));
    Answer delete = broker.delete(path(id) + "?accepts_incomplete=true&service_id=" + SVC + "&plan_id=" + STANDARD);

    for (Answer refused : List.of(update, bind, delete)) {
      assertThat(refused.status()).as(refused.raw()).isEqualTo(422);
      assertThat(refused.field("description")).contains("restore-cluster-from-snapshot");
    }
    pollUntilFinal(id, provision.field("operation"));
  }
}
