package io.rdstagflow.core;

/**
 * The root of every exception the engine throws on purpose. Unchecked; messages say what was wrong
 * and never hold a secret. Programming errors in configuration (an invalid flow or step name, a
 * negative duration) are reported with {@link IllegalArgumentException} instead, when the flow or
 * engine is built.
 */
public abstract class TagflowException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** With a message. */
  protected TagflowException(String message) {
    super(message);
  }
}
