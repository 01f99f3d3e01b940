package io.rdstagflow.examples.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.rdstagflow.examples.broker.BrokerClient.Answer;
import io.rdstagflow.testkit.FakeRds;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import software.amazon.awssdk.services.rds.RdsClient;

/**
 * {@code rdstagflow.backend=aws} wires the SDK's own client from its default chains. Region,
 * credentials and endpoint come from system properties here, the endpoint being a loopback port
 * where nothing listens: a poll then meets a transient I/O error and stays in progress.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "rdstagflow.backend=aws",
    "rdstagflow.password-seed=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
    "broker.username=" + BrokerClient.USERNAME, "broker.password=" + BrokerClient.PASSWORD})
class AwsBackendWiringTest {

  private static final Map<String, String> SDK_PROPERTIES = Map.of(
      "aws.region", "us-east-1",
      "aws.accessKeyId", "AKIDEXAMPLE",
      "aws.secretAccessKey", "not-a-real-key");

  private static String endpoint;

  @LocalServerPort
  int port;

  @Autowired
  RdsClient rds;

  @Autowired
  DatabaseUsers databaseUsers;

  @BeforeAll
  static void pointTheSdkAtLoopback() throws Exception {
    SDK_PROPERTIES.forEach(System::setProperty);
    try (ServerSocket free = new ServerSocket(0)) {
      endpoint = "http://127.0.0.1:" + free.getLocalPort();
    }
    System.setProperty("aws.endpointUrl", endpoint);
  }

  @AfterAll
  static void restoreSystemProperties() {
    SDK_PROPERTIES.keySet().forEach(System::clearProperty);
    System.clearProperty("aws.endpointUrl");
  }

  @Test
  void theAwsBackendUsesTheSdkClientAndJdbc() {
    assertThat(rds).isNotInstanceOf(FakeRds.class);
    // The loopback endpoint, never AWS: tests reach nothing but this machine.
    assertThat(rds.serviceClientConfiguration().endpointOverride()).contains(URI.create(endpoint));
    assertThat(databaseUsers).isInstanceOf(PostgresDatabaseUsers.class);
  }

  @Test
  void aPollThatCannotReachRdsStaysInProgressWithRetryAfter() {
    Answer poll = new BrokerClient(port).get("/v2/service_instances/" + "7d2c9e4a-1111-4222-8333-944455556666"
        + "/last_operation?operation=tagflow/2/flow/update-plan/1/2026-01-05T09:00:00Z/0t8dvo0za");

    assertThat(poll.status()).isEqualTo(200);
    assertThat(poll.field("state")).isEqualTo("in progress");
    assertThat(poll.retryAfter()).isEqualTo("30");
  }
}
