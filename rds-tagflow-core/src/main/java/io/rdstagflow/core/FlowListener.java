package io.rdstagflow.core;

/**
 * Receives the engine's events, for metrics or audit. Every method has an empty default, so a
 * listener overrides what it needs. Called on the polling thread, after the event's tag write
 * succeeded (or, for {@code stepStarted}/{@code stepDone} of a chained poll, just before the one
 * write that records them); a listener must be quick, thread-safe, and must not throw (the engine
 * logs and ignores what it throws). Reasons never hold secrets.
 */
public interface FlowListener {

  /**
   * An operation began on an instance: {@code begin}'s tag write succeeded, or RDS accepted the
   * create or restore request that carried its tags ({@link TagStateMachine#startAccepted}). A
   * start refused before or by RDS is never heard here.
   */
  default void flowStarted(String instanceId, String flowName) {}

  /** A step's asynchronous operation was accepted. */
  default void stepStarted(String instanceId, String flowName, String stepName, int attempt) {}

  /** A step finished. */
  default void stepDone(String instanceId, String flowName, String stepName) {}

  /** A step answered {@code retry}; it runs again after the backoff. */
  default void stepRetried(String instanceId, String flowName, String stepName, int attempt, String reason) {}

  /** A step failed for good. */
  default void stepFailed(String instanceId, String flowName, String stepName, String reason) {}

  /**
   * An operation succeeded: every step was seen done and its terminal record (the flow tag with
   * {@code state=succeeded}) was written.
   */
  default void flowSucceeded(String instanceId, String flowName) {}

  /**
   * An operation failed (a step, a deadline, a broken status); its terminal record was written and
   * {@code description} is what polls with its token answer from now on. An operator's abort is
   * not reported here: it is logged.
   */
  default void flowFailed(String instanceId, String flowName, String description) {}
}
