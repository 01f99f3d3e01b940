package io.rdstagflow.examples.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * OSB "Platform to Service Broker Authentication": the broker never runs without credentials. It
 * refuses to start when {@code broker.username} or {@code broker.password} is unset outside the
 * {@code demo} profile, starts in the demo profile with its documented credentials, and refuses
 * those credentials with real AWS.
 */
class ExampleBrokerStartupTest {

  /** Why the broker did not start: the root cause of the context's failure. */
  private static Throwable startupFailure(String... args) {
    Throwable thrown = catchThrowable(() -> start(args).close());
    assertThat(thrown).as("the broker started").isNotNull();
    while (thrown.getCause() != null) {
      thrown = thrown.getCause();
    }
    return thrown;
  }

  private static ConfigurableApplicationContext start(String... args) {
    return new SpringApplicationBuilder(BrokerApplication.class).web(WebApplicationType.SERVLET)
        .run(concat(args, "--server.port=0"));
  }

  private static String[] concat(String[] args, String more) {
    String[] all = java.util.Arrays.copyOf(args, args.length + 1);
    all[args.length] = more;
    return all;
  }

  @Test
  void startupIsRefusedWithoutCredentialsOutsideTheDemoProfile() {
    assertThat(startupFailure()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("broker.username and broker.password are required")
        .hasMessageContaining("--spring.profiles.active=demo");
    assertThat(startupFailure("--broker.username=platform")).hasMessageContaining("broker.password");
  }

  @Test
  void theDemoProfileStartsWithItsDocumentedCredentials() {
    try (ConfigurableApplicationContext broker = start("--spring.profiles.active=demo")) {
      OsbProperties osb = broker.getBean(OsbProperties.class);
      assertThat(osb.username()).isEqualTo("broker");
      assertThat(osb.password()).isEqualTo(BrokerSecurity.DEMO_PASSWORD);
    }
  }

  @Test
  void theDemoPasswordIsRefusedWithRealAws() {
    // The SDK client is built first: region, keys and a loopback endpoint so it reaches nothing.
    Map<String, String> sdk = Map.of("aws.region", "us-east-1", "aws.accessKeyId", "AKIDEXAMPLE",
        "aws.secretAccessKey", "not-a-real-key", "aws.endpointUrl", "http://127.0.0.1:9");
    sdk.forEach(System::setProperty);
    try {
      assertThat(startupFailure("--spring.profiles.active=demo", "--rdstagflow.backend=aws",
          "--rdstagflow.password-seed=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("demo profile's password is public");
    } finally {
      sdk.keySet().forEach(System::clearProperty);
    }
  }
}
