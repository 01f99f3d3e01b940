package io.rdstagflow.aws;

/**
 * Where the library gets a database user's password: the master user's (for the master-password
 * step and to log in for the bound-users step) and the bound users'.
 *
 * <p>A source must be <b>deterministic</b>: the same instance and user give the same password on
 * every call, on every broker replica and after a restart, because the engine runs a step at least
 * once and possibly again (see {@code io.rdstagflow.core.Step}); a step that set a password and
 * runs again must set the same one. {@link DerivedPasswordSource} derives passwords from a secret
 * seed; a broker that lets RDS manage the master password in Secrets Manager supplies a source that
 * returns the secret it read itself.
 *
 * <p>A password is a secret: the library never writes one to a tag, a log line, an exception
 * message or a {@code toString()}, and an implementation must not either. Implementations must be
 * thread-safe.
 */
@FunctionalInterface
public interface PasswordSource {

  /**
   * The password of this user on this instance. Never logged.
   *
   * @param instanceId the DB instance identifier
   * @param userName   the database user's name
   * @return the password, never {@code null}
   * @throws RuntimeException if the source cannot give one; its message must not hold a secret
   */
  String password(String instanceId, String userName);
}
