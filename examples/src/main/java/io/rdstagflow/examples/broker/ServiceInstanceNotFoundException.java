package io.rdstagflow.examples.broker;

/**
 * OSB 2.16's last_operation answer {@code 404 Not Found} for a service instance that does not
 * exist (and is not being deleted: a succeeded deletion is 410 Gone). An exception because Spring
 * Cloud Open Service Broker 4.1 answers its own {@code ServiceInstanceDoesNotExistException}
 * there with 400; {@link OsbErrorAnswers} writes this one.
 */
public final class ServiceInstanceNotFoundException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** For the DB instance the platform polled. */
  public ServiceInstanceNotFoundException(String instanceId) {
    super("instance " + instanceId + " does not exist", null, false, false);
  }
}
