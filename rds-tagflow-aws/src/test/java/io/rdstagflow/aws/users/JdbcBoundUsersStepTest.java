package io.rdstagflow.aws.users;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rdstagflow.aws.LogCapture;
import io.rdstagflow.core.RdsInstance;
import io.rdstagflow.core.StepContext;
import io.rdstagflow.core.StepResult;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The step's decisions that need no server: input checks, failure mapping, what it shows. */
class JdbcBoundUsersStepTest {

  private static final String MASTER_PASSWORD = "Master-secret-pw-1";
  private static final String USER_PASSWORD = "User-secret-pw-1";

  @RegisterExtension
  final LogCapture logs = new LogCapture();

  private final AtomicInteger connects = new AtomicInteger();
  private final List<ConnectionTarget> targets = new ArrayList<>();

  private JdbcBoundUsersStep.Builder step(List<String> users, ConnectionFactory factory) {
    return BoundUsersStep.jdbc()
        .boundUsers(BoundUsers.of(users))
        .masterPasswords((id, user) -> MASTER_PASSWORD)
        .userPasswords((id, user) -> USER_PASSWORD)
        .connectionFactory(target -> {
          connects.incrementAndGet();
          targets.add(target);
          return factory.open(target);
        });
  }

  private static StepContext context(RdsInstance.Builder instance) {
    return new StepContext(instance.build(), "restore", "users", Map.of("bound", "  app  reporting\tapp2 "), 1,
        Instant.EPOCH, Clock.systemUTC());
  }

  private static RdsInstance.Builder postgres() {
    return RdsInstance.builder("db-1").status("available").endpoint("db-1.example", 5432).engine("postgres")
        .masterUsername("master");
  }

  private static ConnectionFactory refusing(String state, int code) {
    // The message echoes a statement with a password, as some drivers' messages do.
    return target -> {
      throw new SQLException("ALTER ROLE x PASSWORD '" + USER_PASSWORD + "' for " + target.password(), state, code);
    };
  }

  private void assertNoSecretShown(Object... shown) {
    for (Object o : shown) {
      assertThat(String.valueOf(o)).doesNotContain(MASTER_PASSWORD).doesNotContain(USER_PASSWORD);
    }
    logs.assertNoneContains(List.of(MASTER_PASSWORD, USER_PASSWORD));
  }

  @Test
  void anEngineItDoesNotServeFailsNamingTheEngine() {
    StepResult result = step(List.of("app"), refusing("08001", 0)).build().run(context(postgres().engine("oracle-ee")));
    assertThat(result).isInstanceOf(StepResult.Failed.class);
    assertThat(result.toString()).contains("engine oracle-ee is not served");
    assertThat(connects).hasValue(0);
  }

  @Test
  void anInstanceWithoutMasterUserNameFails() {
    StepResult result = step(List.of("app"), refusing("08001", 0)).build().run(context(postgres().masterUsername(null)));
    assertThat(result).isEqualTo(StepResult.failed("the instance description names no master user to log in as"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a b", "x;y", "-x", ".x", "o'brien", "quote\"d", "new\nline", "ünï", "12345678901234567890123456789012345678901234567890123456789012345"})
  void anImplausibleBoundUserNameFailsWithoutBeingEchoedOrConnecting(String name) {
    StepResult result = step(List.of("app", name), refusing("08001", 0)).build().run(context(postgres()));
    assertThat(result).isEqualTo(StepResult.failed(
        "bound user name 2 of 2 is not a plausible user name: " + JdbcBoundUsersStep.USER_NAME_RULE));
    assertThat(connects).hasValue(0);
  }

  @ParameterizedTest
  @ValueSource(strings = {"master", "rdsadmin", "rdstopmgr", "rds_superuser", "pg_monitor"})
  void theMasterOrAReservedUserIsNeverABoundUser(String name) {
    StepResult result = step(List.of(name), refusing("08001", 0)).build().run(context(postgres()));
    assertThat(result).isInstanceOf(StepResult.Failed.class);
    assertThat(result.toString()).contains("names the master user or a user reserved");
    assertThat(connects).hasValue(0);
  }

  @Test
  void mysqlSystemUsersAreReservedThere() {
    StepResult result = step(List.of("mysql.session"), refusing("08001", 0)).build()
        .run(context(postgres().engine("mysql")));
    assertThat(result.toString()).contains("reserved");
  }

  @Test
  void anInstanceWithoutEndpointWaits() {
    StepResult result = step(List.of("app"), refusing("08001", 0)).build().run(context(postgres().endpoint(null, 0)));
    assertThat(result).isEqualTo(StepResult.waiting("the instance has no endpoint yet"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"short", "has\nnewline", "tab\there-and-long", "nön-ascii-password"})
  void anUnusablePasswordFailsWithoutBeingShown(String password) {
    StepResult result = step(List.of("app"), refusing("08001", 0)).userPasswords((id, user) -> password).build()
        .run(context(postgres()));
    assertThat(result).isInstanceOf(StepResult.Failed.class);
    assertThat(result.toString()).contains("bound user 1 of 1 an unusable password").doesNotContain(password);
  }

  @Test
  void driverMessagesNeverReachReasonsLogsOrToString() {
    JdbcBoundUsersStep step = step(List.of("app"), refusing("28P01", 0)).build();
    StepResult result = step.run(context(postgres()));
    assertThat(result).isEqualTo(StepResult.retry("master user login refused: SQLState 28P01"));
    assertNoSecretShown(result, step, targets.get(0));
  }

  @Test
  void aStatementFailureIsMappedByItsCodesAlone() {
    ConnectionFactory failingStatements = target -> (Connection) Proxy.newProxyInstance(
        getClass().getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
          if (method.getName().equals("close")) {
            return null;
          }
          throw new SQLException("permission denied to alter role; statement: PASSWORD '" + USER_PASSWORD + "'", "42501");
        });
    JdbcBoundUsersStep step = step(List.of("app"), failingStatements).build();
    StepResult result = step.run(context(postgres()));
    assertThat(result).isEqualTo(
        StepResult.failed("the master user lacks a privilege needed for reading the current user: SQLState 42501"));
    assertNoSecretShown(result, step);
  }

  @Test
  void theTargetCarriesWhatTheFactoryNeedsAndHidesThePassword() {
    step(List.of("app"), refusing("08001", 0)).tls(TlsMode.VERIFY_FULL).database("appdb").build().run(context(postgres()));
    ConnectionTarget target = targets.get(0);
    assertThat(target.family()).isEqualTo(DatabaseFamily.POSTGRESQL);
    assertThat(target.host()).isEqualTo("db-1.example");
    assertThat(target.port()).isEqualTo(5432);
    assertThat(target.databaseName()).contains("appdb");
    assertThat(target.user()).isEqualTo("master");
    assertThat(target.password()).isEqualTo(MASTER_PASSWORD);
    assertThat(target.tls()).isEqualTo(TlsMode.VERIFY_FULL);
    assertThat(target.toString()).contains("db-1.example").contains("(hidden)").doesNotContain(MASTER_PASSWORD);
  }

  @Test
  void mysqlTargetsNeedNoDatabase() {
    step(List.of("app"), refusing("08001", 0)).build().run(context(postgres().engine("mariadb")));
    assertThat(targets.get(0).family()).isEqualTo(DatabaseFamily.MYSQL);
    assertThat(targets.get(0).databaseName()).isEmpty();
  }

  @Test
  void theNoOpStepIsDoneAtOnce() {
    assertThat(BoundUsersStep.none().name()).isEqualTo("users");
    assertThat(BoundUsersStep.none().run(context(postgres()))).isEqualTo(StepResult.done());
  }

  @Test
  void boundUsersFromAParameterAreSplitOnWhiteSpace() {
    assertThat(BoundUsers.fromParameter("bound").userNames(context(postgres())))
        .containsExactly("app", "reporting", "app2");
    StepContext blank = new StepContext(postgres().build(), "f", "users", Map.of("bound", " "), 1, Instant.EPOCH,
        Clock.systemUTC());
    assertThat(BoundUsers.fromParameter("bound").userNames(blank)).isEmpty();
  }

  @Test
  void aStepNameMustFitATagKey() {
    assertThat(BoundUsersStep.jdbc().name("reset-users").boundUsers(c -> List.of())
        .masterPasswords((i, u) -> "x").userPasswords((i, u) -> "x").build().name()).isEqualTo("reset-users");
    assertThatThrownBy(() -> BoundUsersStep.jdbc().name("Users!")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aStepWithoutPasswordSourcesIsNotBuilt() {
    assertThatThrownBy(() -> BoundUsersStep.jdbc().boundUsers(c -> List.of()).build())
        .isInstanceOf(NullPointerException.class).hasMessageContaining("masterPasswords");
  }
}
