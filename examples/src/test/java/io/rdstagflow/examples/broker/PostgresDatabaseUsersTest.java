package io.rdstagflow.examples.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.rdstagflow.aws.DerivedPasswordSource;
import io.rdstagflow.aws.users.DatabaseServer.Login;
import io.rdstagflow.aws.users.DriverManagerConnectionFactory;
import io.rdstagflow.aws.users.PostgresServer;
import io.rdstagflow.core.RdsInstance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The example broker's bind and unbind on AWS, against a real PostgreSQL that the test starts on a
 * loopback port (the aws module's harness): the user logs in with the password from the source,
 * a second bind keeps it working, the role's comment holds the bind's digest, unbind locks it, and a failure names only the SQLState. Under
 * {@code CI=true} a missing PostgreSQL fails the test; elsewhere it is skipped with what to install.
 */
class PostgresDatabaseUsersTest {

  private static final String MASTER_PASSWORD = "MasterPassword123";

  private static PostgresServer pg;

  @BeforeAll
  static void startPostgres() throws Exception {
    pg = PostgresServer.start();
    pg.createMaster("broker_master", MASTER_PASSWORD);
  }

  @AfterAll
  static void stopPostgres() {
    if (pg != null) {
      pg.close();
    }
  }

  private static RdsInstance instance() {
    return RdsInstance.builder("svc-1").status("available").endpoint("127.0.0.1", pg.port()).engine("postgres")
        .masterUsername("broker_master").build();
  }

  @Test
  void bindCreatesALoginWithTheSourcesPasswordAndUnbindLocksIt() {
    Assumptions.assumeTrue(pg.offersTls(), "the test server offers no TLS (openssl missing); the broker requires it");
    PostgresDatabaseUsers users = new PostgresDatabaseUsers(DriverManagerConnectionFactory.create());
    String password = DerivedPasswordSource.fromSeed("example-broker-test-seed-0123456789").password("svc-1", "b_b1");

    assertThat(users.login(instance(), MASTER_PASSWORD, "b_b1")).isEmpty();
    users.createLogin(instance(), MASTER_PASSWORD, "b_b1", password, "rdstagflow-binding sha256:0123abcd");
    users.createLogin(instance(), MASTER_PASSWORD, "b_b1", password, "rdstagflow-binding sha256:0123abcd"); // retried

    assertThat(pg.login("b_b1", password)).isEqualTo(Login.OK);
    assertThat(pg.login("b_b1", password + "x")).isEqualTo(Login.WRONG_PASSWORD);
    assertThat(users.login(instance(), MASTER_PASSWORD, "b_b1"))
        .contains(new DatabaseUsers.Login(true, "rdstagflow-binding sha256:0123abcd"));

    users.lockLogin(instance(), MASTER_PASSWORD, "b_b1");

    assertThat(pg.login("b_b1", password)).isEqualTo(Login.LOCKED);
    assertThat(users.login(instance(), MASTER_PASSWORD, "b_b1")).hasValueSatisfying(l -> assertThat(l.canLogin()).isFalse());
  }

  @Test
  void aWrongMasterPasswordFailsNamingTheSqlStateAndNoPassword() {
    Assumptions.assumeTrue(pg.offersTls(), "the test server offers no TLS (openssl missing); the broker requires it");
    PostgresDatabaseUsers users = new PostgresDatabaseUsers(DriverManagerConnectionFactory.create());

    Throwable thrown = catchThrowable(() -> users.createLogin(instance(), "NotTheMasterPassword1", "b_b2",
        "UserPassword12345", "rdstagflow-binding sha256:0123abcd"));

    assertThat(thrown).hasMessageContaining("SQLState 28P01").hasMessageNotContaining("NotTheMasterPassword1")
        .hasMessageNotContaining("UserPassword12345").hasNoCause();
  }
}
