package io.rdstagflow.core;

/**
 * Why an operation failed, as far as the engine can tell from the describe and the tags: what a
 * broker needs to answer OSB beyond {@code failed} (a 404 for an instance that does not exist; OSB
 * 2.16's {@code instance_usable} and {@code update_repeatable} after a failed update). Given by
 * {@link TagStateMachine#pollResult(String, OperationToken)} with every {@code failed} answer; the
 * same for a poll that saw the failure happen and for a later poll that reads its terminal record.
 */
public enum FailureKind {

  /**
   * The instance does not exist: without a token, or with a flow's token once the grace for a
   * describe that does not list a new instance yet has passed. (A deletion's token, and the
   * token of a {@link Flow#isDeletion() deletion flow}, answer {@code succeeded} instead.)
   */
  INSTANCE_NOT_FOUND,

  /**
   * A step failed (RDS refused its action, it answered {@code failed}, its retries ran out, or its
   * deadline passed) while the instance's status is not one that fails operations: the instance
   * is as the step found it, and the same operation may be tried again.
   */
  STEP_FAILED,

  /**
   * The instance is in a status that fails operations ({@link StatusPolicy}: {@code failed},
   * {@code incompatible-restore}, {@code incompatible-parameters}, ...): it cannot be used as it
   * stands, and repeating the operation would meet the same status.
   */
  INSTANCE_STATUS,

  /**
   * The operation failed as a whole for another reason: its flow deadline passed, an operator
   * aborted it, its tags cannot be understood, it was begun under a definition this engine lacks,
   * a newer operation replaced it, or it never appeared on the instance. The engine cannot say
   * whether the instance is usable.
   */
  OPERATION
}
