package io.rdstagflow.examples.broker;

import io.rdstagflow.core.RdsInstance;

/**
 * The database work of binding and unbinding: a login user per binding. Implementations must be
 * idempotent (a platform may repeat a bind) and must never log a password.
 */
public interface DatabaseUsers {

  /**
   * Creates the login user, or sets its password and lets it log in if it exists.
   *
   * @param instance       the instance, as just described (endpoint, engine, master user)
   * @param masterPassword the master user's password, to log in with
   * @param user           the user to create
   * @param password       its password
   */
  void createLogin(RdsInstance instance, String masterPassword, String user, String password);

  /**
   * Stops the user from logging in. Never drops it: it may own objects, and a lock can be undone.
   */
  void lockLogin(RdsInstance instance, String masterPassword, String user);
}
