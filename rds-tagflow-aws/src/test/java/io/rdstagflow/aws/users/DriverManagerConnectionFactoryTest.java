package io.rdstagflow.aws.users;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class DriverManagerConnectionFactoryTest {

  private static ConnectionTarget target(DatabaseFamily family, String host, TlsMode tls) {
    return new ConnectionTarget(family, family == DatabaseFamily.POSTGRESQL ? "postgres" : "mariadb", host, 1234,
        family == DatabaseFamily.POSTGRESQL ? "appdb" : null, "master", "Pw-not-in-url-1", tls);
  }

  @Test
  void urlsCarryNeitherUserNorPassword() {
    DriverManagerConnectionFactory f = DriverManagerConnectionFactory.create();
    assertThat(f.url(target(DatabaseFamily.POSTGRESQL, "db.example", TlsMode.REQUIRED)))
        .isEqualTo("jdbc:postgresql://db.example:1234/appdb");
    // MariaDB Connector/J is on this test class path, so it serves MySQL-family targets.
    assertThat(f.url(target(DatabaseFamily.MYSQL, "db.example", TlsMode.REQUIRED)))
        .isEqualTo("jdbc:mariadb://db.example:1234/");
    assertThat(f.url(target(DatabaseFamily.MYSQL, "::1", TlsMode.REQUIRED))).isEqualTo("jdbc:mariadb://[::1]:1234/");
  }

  @ParameterizedTest
  @CsvSource({
      "POSTGRESQL, DISABLED, sslmode, disable", "POSTGRESQL, REQUIRED, sslmode, require",
      "POSTGRESQL, VERIFY_FULL, sslmode, verify-full",
      "MYSQL, DISABLED, sslMode, disable", "MYSQL, REQUIRED, sslMode, trust", "MYSQL, VERIFY_FULL, sslMode, verify-full"})
  void theTlsWishBecomesTheDriversSetting(DatabaseFamily family, TlsMode tls, String key, String value) {
    DriverManagerConnectionFactory f = DriverManagerConnectionFactory.create();
    ConnectionTarget t = target(family, "db.example", tls);
    assertThat(f.properties(t, f.url(t))).containsEntry(key, value);
  }

  @Test
  void timeoutsAreInEachDriversUnit() {
    DriverManagerConnectionFactory f = DriverManagerConnectionFactory.create()
        .withConnectTimeout(Duration.ofMillis(2500)).withSocketTimeout(Duration.ofSeconds(7));
    ConnectionTarget pg = target(DatabaseFamily.POSTGRESQL, "h", TlsMode.REQUIRED);
    Properties p = f.properties(pg, f.url(pg));
    assertThat(p).containsEntry("connectTimeout", "3").containsEntry("socketTimeout", "7");
    ConnectionTarget my = target(DatabaseFamily.MYSQL, "h", TlsMode.REQUIRED);
    assertThat(f.properties(my, f.url(my))).containsEntry("connectTimeout", "2500").containsEntry("socketTimeout", "7000");
  }

  @Test
  void extraPropertiesOverrideOursButNeverTheCredentials() {
    DriverManagerConnectionFactory f = DriverManagerConnectionFactory.create().withProperty("sslrootcert", "/ca.pem")
        .withProperty("sslmode", "verify-ca");
    ConnectionTarget pg = target(DatabaseFamily.POSTGRESQL, "h", TlsMode.REQUIRED);
    assertThat(f.properties(pg, f.url(pg))).containsEntry("sslrootcert", "/ca.pem").containsEntry("sslmode", "verify-ca");
    assertThatThrownBy(() -> f.withProperty("password", "x")).isInstanceOf(IllegalArgumentException.class);
    assertThat(f.toString()).contains("sslrootcert").doesNotContain("/ca.pem");
  }
}
