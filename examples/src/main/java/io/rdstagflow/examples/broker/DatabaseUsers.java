package io.rdstagflow.examples.broker;

import io.rdstagflow.core.RdsInstance;
import java.util.Optional;

/**
 * The database work of binding and unbinding: a login user per binding. The database is where a
 * binding's truth is kept: the user (its name derived from the binding id), whether it may log
 * in, and a comment holding the digest of the bind request, so a repeated bind is told from a
 * conflicting one without broker state. Implementations must be idempotent (a platform may repeat
 * a request) and must never log a password.
 */
public interface DatabaseUsers {

  /**
   * A database user as the database shows it.
   *
   * @param canLogin whether it may log in (an unbound user is locked, never dropped)
   * @param comment  its comment, empty when it has none
   */
  record Login(boolean canLogin, String comment) {}

  /**
   * The user, if it exists.
   *
   * @param instance       the instance, as just described (endpoint, engine, master user)
   * @param masterPassword the master user's password, to log in with
   */
  Optional<Login> login(RdsInstance instance, String masterPassword, String user);

  /**
   * Creates the login user, or sets its password and lets it log in if it exists; sets its
   * comment.
   *
   * @param instance       the instance, as just described (endpoint, engine, master user)
   * @param masterPassword the master user's password, to log in with
   * @param user           the user to create
   * @param password       its password
   * @param comment        its comment: letters, digits, spaces and {@code =:-} only
   */
  void createLogin(RdsInstance instance, String masterPassword, String user, String password, String comment);

  /**
   * Stops the user from logging in. Never drops it: it may own objects, and a lock can be undone.
   */
  void lockLogin(RdsInstance instance, String masterPassword, String user);
}
