package io.rdstagflow.aws.soak;

/**
 * A broker process dying between two AWS calls of a poll. An {@link Error}, not a
 * {@link RuntimeException}, because the engine classifies the runtime exceptions that a step's own
 * calls throw: a crash must pass through every layer untouched, as the death of the process would.
 */
final class BrokerCrash extends Error {

  private static final long serialVersionUID = 1L;

  BrokerCrash(String process, int afterCall) {
    super("broker process " + process + " crashed after call " + afterCall + " of a poll", null, false, false);
  }
}
