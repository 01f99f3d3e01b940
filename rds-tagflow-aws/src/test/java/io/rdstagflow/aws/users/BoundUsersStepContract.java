package io.rdstagflow.aws.users;

import static io.rdstagflow.aws.users.DatabaseServer.Login.LOCKED;
import static io.rdstagflow.aws.users.DatabaseServer.Login.OK;
import static io.rdstagflow.aws.users.DatabaseServer.Login.WRONG_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import io.rdstagflow.aws.DerivedPasswordSource;
import io.rdstagflow.aws.LogCapture;
import io.rdstagflow.aws.PasswordSource;
import io.rdstagflow.core.RdsInstance;
import io.rdstagflow.core.StepContext;
import io.rdstagflow.core.StepResult;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What the JDBC bound-users step must do on every engine it serves, proved on a real server by
 * logging in: the subclasses name the server. Every test creates its own master and users (names
 * numbered per test) and drops them after; after every test, no password or seed may appear in a
 * captured log line, a result's reason or the step's {@code toString()}.
 */
abstract class BoundUsersStepContract {

  static final String MASTER_SEED = "master-seed-for-tests-5f1d0c7a";
  static final String USER_SEED = "bound-user-seed-for-tests-8e2b44";
  private static final AtomicInteger COUNTER = new AtomicInteger();

  @RegisterExtension
  final LogCapture logs = new LogCapture();

  final PasswordSource masterPasswords = DerivedPasswordSource.fromSeed(MASTER_SEED);
  final PasswordSource userPasswords = DerivedPasswordSource.fromSeed(USER_SEED);
  final Set<String> secrets = new LinkedHashSet<>(List.of(MASTER_SEED, USER_SEED));
  final List<String> created = new ArrayList<>();
  final List<String> shown = new ArrayList<>();
  int n;
  String instanceId;
  String master;

  /** The server the subclass started for its tests. */
  abstract DatabaseServer server();

  @BeforeEach
  void createMaster() throws SQLException {
    n = COUNTER.incrementAndGet();
    instanceId = "it-db-" + n;
    master = "master" + n;
    String password = masterPasswords.password(instanceId, master);
    secrets.add(password);
    server().createMaster(master, password);
    created.add(master);
  }

  @AfterEach
  void noSecretShownAndUsersDropped() throws SQLException {
    logs.assertNoneContains(secrets);
    for (String text : shown) {
      for (String secret : secrets) {
        assertThat(text).as("a reason or toString holds a secret").doesNotContain(secret);
      }
    }
    for (String user : created) {
      server().dropUser(user);
    }
  }

  // ---- helpers

  /** Creates a login user with a known old password. */
  String user(String label) throws SQLException {
    String name = label + n;
    server().createLoginUser(name, oldPassword(name), master);
    created.add(name);
    return name;
  }

  String oldPassword(String user) {
    String p = "Old-pw-" + user + "-Z9";
    secrets.add(p);
    return p;
  }

  String newPassword(String user) {
    String p = userPasswords.password(instanceId, user);
    secrets.add(p);
    return p;
  }

  JdbcBoundUsersStep.Builder step(String... boundUsers) {
    return BoundUsersStep.jdbc()
        .boundUsers(BoundUsers.of(List.of(boundUsers)))
        .masterPasswords(masterPasswords)
        .userPasswords(userPasswords)
        .tls(TlsMode.DISABLED)
        .connectionFactory(DriverManagerConnectionFactory.create().withConnectTimeout(Duration.ofSeconds(5)));
  }

  StepResult run(BoundUsersStep step) {
    return run(step, server().port());
  }

  StepResult run(BoundUsersStep step, int port) {
    RdsInstance instance = RdsInstance.builder(instanceId).status("available").endpoint("127.0.0.1", port)
        .engine(server().engine()).masterUsername(master).build();
    StepResult result = step.run(new StepContext(instance, "restore-from-snapshot", step.name(), Map.of(), 1,
        Instant.now(), Clock.systemUTC()));
    shown.add(result.toString());
    shown.add(step.toString());
    return result;
  }

  DatabaseServer.Login login(String user, String password) {
    return server().login(user, password);
  }

  // ---- behaviour

  @Test
  void boundUsersGetNewPasswordsAndTheOldOnesStopWorking() throws SQLException {
    String app = user("app");
    String reporting = user("reporting");
    String other = user("other");

    assertThat(run(step(app, reporting).build())).isEqualTo(StepResult.done());

    assertThat(login(app, oldPassword(app))).isEqualTo(WRONG_PASSWORD);
    assertThat(login(app, newPassword(app))).isEqualTo(OK);
    assertThat(login(reporting, oldPassword(reporting))).isEqualTo(WRONG_PASSWORD);
    assertThat(login(reporting, newPassword(reporting))).isEqualTo(OK);
    assertThat(login(other, oldPassword(other))).as("other users are kept by default").isEqualTo(OK);
    assertThat(login(master, masterPasswords.password(instanceId, master))).isEqualTo(OK);
  }

  @Test
  void lockingLocksOtherLoginUsersAndSparesMasterReservedAndNamedOnes() throws SQLException {
    String app = user("app");
    String other = user("other");
    String rdsLike = user("rds_probe");
    String keeper = user("keeper");

    assertThat(run(step(app).otherLoginUsers(OtherLoginUsers.LOCK).alsoSpare(List.of(keeper)).build()))
        .isEqualTo(StepResult.done());

    assertThat(login(other, oldPassword(other))).isEqualTo(LOCKED);
    assertThat(login(app, newPassword(app))).isEqualTo(OK);
    assertThat(login(master, masterPasswords.password(instanceId, master))).isEqualTo(OK);
    assertThat(login(rdsLike, oldPassword(rdsLike))).as("names beginning with rds are RDS's").isEqualTo(OK);
    assertThat(login(keeper, oldPassword(keeper))).isEqualTo(OK);
    assertThat(logs.lines()).anyMatch(l -> l.contains("locked login user " + other));
  }

  @Test
  void runningTwiceGivesTheSameEndStateAsOnce() throws SQLException {
    String app = user("app");
    String other = user("other");
    BoundUsersStep step = step(app).otherLoginUsers(OtherLoginUsers.LOCK).build();

    assertThat(run(step)).isEqualTo(StepResult.done());
    assertThat(run(step)).isEqualTo(StepResult.done());

    assertThat(login(app, oldPassword(app))).isEqualTo(WRONG_PASSWORD);
    assertThat(login(app, newPassword(app))).isEqualTo(OK);
    assertThat(login(other, oldPassword(other))).isEqualTo(LOCKED);
    assertThat(login(master, masterPasswords.password(instanceId, master))).isEqualTo(OK);
  }

  @Test
  void aBoundUserThatWasLockedCanLogInAgainWithItsNewPassword() throws SQLException {
    String app = user("app");
    // First run: app is not yet bound, so it is locked like any other user.
    assertThat(run(step().otherLoginUsers(OtherLoginUsers.LOCK).build())).isEqualTo(StepResult.done());
    assertThat(login(app, oldPassword(app))).isEqualTo(LOCKED);

    assertThat(run(step(app).otherLoginUsers(OtherLoginUsers.LOCK).build())).isEqualTo(StepResult.done());

    assertThat(login(app, newPassword(app))).isEqualTo(OK);
  }

  @Test
  void aBoundUserMissingUnderEveryNameIsSkippedAndNamedAtWarn() throws SQLException {
    String app = user("app");
    String ghost = "ghost" + n;

    assertThat(run(step(ghost, app).build())).isEqualTo(StepResult.done());

    assertThat(login(app, newPassword(app))).isEqualTo(OK);
    assertThat(logs.lines()).anyMatch(l -> l.startsWith("WARN") && l.contains("bound user " + ghost + " does not exist"));
    assertThat(logs.lines()).as("the step's closing line names it").anyMatch(l -> l.startsWith("WARN")
        && l.contains("reset 1 bound users") && l.contains("1 bound users not in the database, not reset: " + ghost));
  }

  @Test
  void withMissingBoundUsersFailAMissingUserFailsTheStepNamingItAfterTheOthersAreReset() throws SQLException {
    String app = user("app");
    String ghost = "ghost" + n;

    StepResult result = run(step(ghost, app).missingBoundUsers(MissingBoundUsers.FAIL).build());

    assertThat(result).isEqualTo(StepResult.failed("bound users not in the database, not reset: " + ghost
        + " (the others were reset)"));
    assertThat(login(app, oldPassword(app))).isEqualTo(WRONG_PASSWORD);
    assertThat(login(app, newPassword(app))).isEqualTo(OK);
  }

  @Test
  void anInjectionInABoundUserNameIsRefusedBeforeAnythingChanges() throws SQLException {
    String app = user("app");
    String other = user("other");
    String hostile = "x'; DROP USER " + master + "; --";

    StepResult result = run(step(app, hostile).otherLoginUsers(OtherLoginUsers.LOCK).build());

    assertThat(result).isInstanceOf(StepResult.Failed.class);
    assertThat(((StepResult.Failed) result).reason())
        .contains("bound user name 2 of 2 is not a plausible user name")
        .doesNotContain("DROP");
    assertThat(login(app, oldPassword(app))).as("nothing was changed").isEqualTo(OK);
    assertThat(login(other, oldPassword(other))).isEqualTo(OK);
    assertThat(login(master, masterPasswords.password(instanceId, master))).isEqualTo(OK);
  }

  @Test
  void aHostileUserNameInTheDatabaseIsLockedWithoutInjectingSql() throws SQLException {
    String app = user("app");
    String hostile = user(hostileLabel());

    assertThat(run(step(app).otherLoginUsers(OtherLoginUsers.LOCK).build())).isEqualTo(StepResult.done());

    assertThat(login(hostile, oldPassword(hostile))).isEqualTo(LOCKED);
    assertThat(login(master, masterPasswords.password(instanceId, master))).isEqualTo(OK);
    assertThat(login(app, newPassword(app))).isEqualTo(OK);
  }

  /** A user name (the test number is appended) that would break out of the engine's quoting. */
  abstract String hostileLabel();

  @Test
  void aPasswordWithQuotesAndBackslashesIsSetExactly() throws SQLException {
    String app = user("app");
    String tricky = "it's \\ a \"test\" p@ss;-- \\' E'x'" + n;
    secrets.add(tricky);

    BoundUsersStep step = BoundUsersStep.jdbc()
        .boundUsers(BoundUsers.of(List.of(app)))
        .masterPasswords(masterPasswords)
        .userPasswords((id, user) -> tricky)
        .tls(TlsMode.DISABLED)
        .build();
    assertThat(run(step)).isEqualTo(StepResult.done());

    assertThat(login(app, tricky)).isEqualTo(OK);
    assertThat(login(app, oldPassword(app))).isEqualTo(WRONG_PASSWORD);
  }

  @Test
  void aClosedPortAnswersWaitingWithTheSqlState() throws Exception {
    String app = user("app");
    int closed = DatabaseServer.freePort();

    StepResult result = run(step(app).build(), closed);

    assertThat(result).isInstanceOf(StepResult.Waiting.class);
    assertThat(((StepResult.Waiting) result).reason()).matches("database not reachable yet: SQLState 08\\w{3}.*");
    assertThat(login(app, oldPassword(app))).isEqualTo(OK);
  }

  @Test
  void aRefusedMasterLoginAnswersRetryWithTheSqlState() throws SQLException {
    String app = user("app");
    String wrong = "Wrong-master-pw-" + n;
    secrets.add(wrong);
    BoundUsersStep step = step(app).masterPasswords((id, user) -> wrong).build();

    StepResult result = run(step);

    assertThat(result).isInstanceOf(StepResult.Retry.class);
    assertThat(((StepResult.Retry) result).reason()).startsWith("master user login refused: SQLState 28");
    assertThat(login(app, oldPassword(app))).isEqualTo(OK);
  }

  /** Whether this connection is encrypted, asked of the server. */
  abstract boolean encrypted(Connection connection) throws SQLException;

  @ParameterizedTest
  @CsvSource({"REQUIRED, true", "DISABLED, false"})
  void theConnectionUsesTlsExactlyWhenAsked(TlsMode tls, boolean expected) throws SQLException {
    Assumptions.assumeTrue(server().offersTls(), "openssl is not installed, so the test server offers no TLS");
    String app = user("app");
    List<Boolean> seen = new ArrayList<>();
    ConnectionFactory defaults = DriverManagerConnectionFactory.create();
    ConnectionFactory observing = target -> {
      Connection c = defaults.open(target);
      seen.add(encrypted(c));
      return c;
    };

    assertThat(run(step(app).tls(tls).connectionFactory(observing).build())).isEqualTo(StepResult.done());

    assertThat(seen).containsExactly(expected);
    assertThat(login(app, newPassword(app))).isEqualTo(OK);
  }

  @Test
  void noBoundUsersAndKeepDoesNotEvenConnect() {
    // Pointed at a closed port: a connection attempt would answer waiting.
    assertThat(run(step().build(), 1)).isEqualTo(StepResult.done());
  }
}
