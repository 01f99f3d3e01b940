package io.rdstagflow.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rdstagflow.aws.DerivedPasswordSource;
import io.rdstagflow.aws.PasswordSource;
import io.rdstagflow.aws.RdsStarter;
import io.rdstagflow.aws.ReadyFlows;
import io.rdstagflow.core.Flow;
import io.rdstagflow.core.OperationToken;
import io.rdstagflow.core.TagStateMachine;
import io.rdstagflow.spring.servicebroker.ServiceBrokerLastOperation;
import io.rdstagflow.testkit.FakeRds;
import io.rdstagflow.testkit.VirtualClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.cloud.servicebroker.model.catalog.Catalog;
import org.springframework.cloud.servicebroker.model.catalog.Plan;
import org.springframework.cloud.servicebroker.model.catalog.ServiceDefinition;
import org.springframework.cloud.servicebroker.model.instance.CreateServiceInstanceRequest;
import org.springframework.cloud.servicebroker.model.instance.CreateServiceInstanceResponse;
import org.springframework.cloud.servicebroker.model.instance.DeleteServiceInstanceRequest;
import org.springframework.cloud.servicebroker.model.instance.DeleteServiceInstanceResponse;
import org.springframework.cloud.servicebroker.model.instance.GetLastServiceOperationRequest;
import org.springframework.cloud.servicebroker.model.instance.GetLastServiceOperationResponse;
import org.springframework.cloud.servicebroker.model.instance.UpdateServiceInstanceRequest;
import org.springframework.cloud.servicebroker.model.instance.UpdateServiceInstanceResponse;
import org.springframework.cloud.servicebroker.service.ServiceInstanceService;
import org.springframework.context.annotation.Bean;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.rds.RdsClient;

/**
 * A small Spring Cloud Open Service Broker wired only by the starter (an RdsClient bean, Flow beans,
 * a catalog, a ServiceInstanceService whose getLastOperation is one line), on the test kit's fake
 * RDS in virtual time, over real HTTP on a random loopback port.
 */
@SpringBootTest(classes = ServiceBrokerEndToEndTest.SmallBroker.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"rdstagflow.clock-skew=0s", "rdstagflow.settle-time=30s"})
class ServiceBrokerEndToEndTest {

  static final VirtualClock CLOCK = VirtualClock.create();
  static final String SERVICE = "2f6b1d7e-0c3a-4a59-9e61-5a0b7c3d2e10";
  static final String PLAN = "7c0e3a51-1b2d-4f6e-8a9c-0d1e2f3a4b51";

  /** The broker: everything rds-tagflow comes from the starter. */
  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class SmallBroker {

    @Bean
    FakeRds rds() {
      FakeRds fake = FakeRds.builder().clock(CLOCK).build();
      fake.givenSnapshot(s -> s.dbSnapshotIdentifier("nightly"));
      return fake;
    }

    @Bean
    PasswordSource passwords() {
      return DerivedPasswordSource.fromSeed("end-to-end-test-seed-0123456789ab"); // on AWS: a secret seed
    }

    @Bean
    Flow restore(RdsClient rds, PasswordSource passwords) {
      return ReadyFlows.using(rds).restoreFromSnapshot().masterPassword(passwords).build();
    }

    @Bean
    Flow update(RdsClient rds) {
      return ReadyFlows.using(rds).updatePlan()
          .settings((ctx, b) -> b.dbInstanceClass(ctx.parameter("class")))
          .build();
    }

    @Bean
    RdsTagflowCustomizer virtualTime() {
      return engine -> engine.clock(CLOCK).sleeper(CLOCK::advance);
    }

    @Bean
    Catalog catalog() {
      return Catalog.builder().serviceDefinitions(ServiceDefinition.builder().id(SERVICE).name("rds").description("RDS")
          .bindable(false).planUpdateable(true)
          .plans(Plan.builder().id(PLAN).name("small").description("small").build()).build()).build();
    }

    @Bean
    ServiceInstanceService instances(RdsStarter starter, TagStateMachine engine, ServiceBrokerLastOperation lastOperation) {
      return new Instances(starter, engine, lastOperation);
    }
  }

  /** What a broker writes: provision, update, deprovision, and a one-line getLastOperation. */
  static final class Instances implements ServiceInstanceService {
    private final RdsStarter starter;
    private final TagStateMachine engine;
    private final ServiceBrokerLastOperation lastOperation;

    Instances(RdsStarter starter, TagStateMachine engine, ServiceBrokerLastOperation lastOperation) {
      this.starter = starter;
      this.engine = engine;
      this.lastOperation = lastOperation;
    }

    static String rdsId(String serviceInstanceId) {
      return "osb-" + serviceInstanceId;
    }

    @Override
    public Mono<CreateServiceInstanceResponse> createServiceInstance(CreateServiceInstanceRequest request) {
      OperationToken token = starter.restoreFromSnapshot(ReadyFlows.RESTORE_FROM_SNAPSHOT, Map.of(), r -> r
          .dbInstanceIdentifier(rdsId(request.getServiceInstanceId())).dbSnapshotIdentifier("nightly")
          .dbInstanceClass("db.t3.micro"));
      return Mono.just(CreateServiceInstanceResponse.builder().async(true).operation(token.encode()).build());
    }

    @Override
    public Mono<UpdateServiceInstanceResponse> updateServiceInstance(UpdateServiceInstanceRequest request) {
      String instanceClass = (String) request.getParameters().get("class");
      OperationToken token = engine.begin(rdsId(request.getServiceInstanceId()), ReadyFlows.UPDATE_PLAN,
          Map.of("class", instanceClass));
      return Mono.just(UpdateServiceInstanceResponse.builder().async(true).operation(token.encode()).build());
    }

    @Override
    public Mono<DeleteServiceInstanceResponse> deleteServiceInstance(DeleteServiceInstanceRequest request) {
      OperationToken token = starter.delete(rdsId(request.getServiceInstanceId()), d -> d.skipFinalSnapshot(true));
      return Mono.just(DeleteServiceInstanceResponse.builder().async(true).operation(token.encode()).build());
    }

    @Override
    public Mono<GetLastServiceOperationResponse> getLastOperation(GetLastServiceOperationRequest request) {
      return lastOperation.answer(rdsId(request.getServiceInstanceId()), request.getOperation());
    }
  }

  record Answer(int status, String retryAfter, JsonNode body) {
    String state() {
      return body.path("state").asText(null);
    }
  }

  @LocalServerPort
  int port;

  @Autowired
  FakeRds fake;

  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();

  @Test
  void aRestoreIsPolledToSucceededAndADeprovisionTo410Gone() throws Exception {
    Answer provisioned = send("PUT", "/v2/service_instances/i-1?accepts_incomplete=true",
        Map.of("service_id", SERVICE, "plan_id", PLAN, "organization_guid", "org", "space_guid", "space"));
    assertThat(provisioned.status()).isEqualTo(202);
    String operation = provisioned.body().path("operation").asText();

    Answer last = null;
    for (int i = 0; i < 60 && (last == null || "in progress".equals(last.state())); i++) {
      CLOCK.advance(Duration.ofSeconds(60));
      last = lastOperation("i-1", operation);
      assertThat(last.status()).isEqualTo(200);
    }
    assertThat(last.state()).isEqualTo("succeeded");
    assertThat(last.body().path("description").asText()).isEqualTo("flow restore-from-snapshot succeeded");

    Answer deleted = send("DELETE", "/v2/service_instances/i-1?accepts_incomplete=true&service_id=" + SERVICE
        + "&plan_id=" + PLAN, null);
    assertThat(deleted.status()).isEqualTo(202);
    String deletion = deleted.body().path("operation").asText();
    Answer deleting = lastOperation("i-1", deletion);
    CLOCK.advance(Duration.ofMinutes(30));
    Answer gone = lastOperation("i-1", deletion);

    assertThat(deleting.status()).isEqualTo(200);
    assertThat(deleting.state()).isEqualTo("in progress");
    assertThat(gone.status()).isEqualTo(410);
    assertThat(gone.state()).isEqualTo("succeeded");
  }

  @Test
  void aTransientRdsErrorAnswersInProgressWithRetryAfter() throws Exception {
    String operation = provision("i-2");
    fake.faults().throttleNext(1);

    Answer throttled = lastOperation("i-2", operation);

    assertThat(throttled.status()).isEqualTo(200);
    assertThat(throttled.state()).isEqualTo("in progress");
    assertThat(throttled.retryAfter()).isEqualTo("30");
  }

  @Test
  void anOperationThatIsNotATokenIs400() throws Exception {
    Answer answer = lastOperation("i-3", "not-a-token");

    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.body().path("description").asText()).contains("not an rds-tagflow operation token");
  }

  @Test
  void anInstanceThatDoesNotExistIs404() throws Exception {
    Answer answer = lastOperation("i-never", null);

    assertThat(answer.status()).isEqualTo(404);
    assertThat(answer.state()).isEqualTo("failed");
    assertThat(answer.retryAfter()).isNull();
  }

  @Test
  void anUpdateRdsRefusedIsFailedWithTheInstanceUsableAndTheUpdateRepeatable() throws Exception {
    fake.givenInstance(r -> r.dbInstanceIdentifier("osb-i-4").engine("postgres").dbInstanceClass("db.t3.micro")
        .allocatedStorage(20).masterUsername("postgres").masterUserPassword("not-used-by-the-test-1"));
    Answer updated = send("PATCH", "/v2/service_instances/i-4?accepts_incomplete=true",
        Map.of("service_id", SERVICE, "plan_id", PLAN, "parameters", Map.of("class", "db.t3.large")));
    assertThat(updated.status()).isEqualTo(202);
    fake.faults().failNext("ModifyDBInstance", "InvalidParameterCombination");

    Answer failed = lastOperation("i-4", updated.body().path("operation").asText());

    assertThat(failed.status()).isEqualTo(200);
    assertThat(failed.state()).isEqualTo("failed");
    assertThat(failed.body().path("description").asText()).contains("InvalidParameterCombination");
    assertThat(failed.body().path("instance_usable").asBoolean(false)).isTrue();
    assertThat(failed.body().path("update_repeatable").asBoolean(false)).isTrue();
  }

  private String provision(String id) throws Exception {
    Answer provisioned = send("PUT", "/v2/service_instances/" + id + "?accepts_incomplete=true",
        Map.of("service_id", SERVICE, "plan_id", PLAN, "organization_guid", "org", "space_guid", "space"));
    assertThat(provisioned.status()).isEqualTo(202);
    return provisioned.body().path("operation").asText();
  }

  private Answer lastOperation(String id, String operation) throws Exception {
    String query = operation == null ? "" : "?operation=" + URLEncoder.encode(operation, StandardCharsets.UTF_8);
    return send("GET", "/v2/service_instances/" + id + "/last_operation" + query, null);
  }

  private Answer send(String method, String path, Map<String, ?> body) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("X-Broker-API-Version", "2.16")
        .header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)))
        .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    JsonNode parsed = response.body().isEmpty() ? json.createObjectNode() : json.readTree(response.body());
    return new Answer(response.statusCode(), response.headers().firstValue("Retry-After").orElse(null), parsed);
  }
}
