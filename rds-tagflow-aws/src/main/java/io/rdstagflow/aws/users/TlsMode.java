package io.rdstagflow.aws.users;

/**
 * Whether the step's database connection uses TLS. {@link DriverManagerConnectionFactory} maps it
 * to the driver's own setting; a broker's own {@link ConnectionFactory} should honour it too.
 */
public enum TlsMode {
  /** Plain TCP: only for tests and private networks where the broker accepts the risk. */
  DISABLED,
  /**
   * TLS without checking the server's certificate: protects against eavesdroppers but not against
   * an impostor. Works with RDS out of the box (RDS for PostgreSQL 15 and later require TLS by
   * default).
   */
  REQUIRED,
  /**
   * TLS, checking the certificate chain and the host name: the safe choice; the driver must trust
   * the RDS certificate authority (for pgjdbc the {@code sslrootcert} property, for MariaDB
   * Connector/J {@code serverSslCert} or the JVM trust store).
   */
  VERIFY_FULL
}
