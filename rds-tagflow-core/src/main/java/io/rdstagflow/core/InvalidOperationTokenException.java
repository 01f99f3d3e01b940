package io.rdstagflow.core;

/** A string that is not an {@link OperationToken}; a broker answers 400. */
public final class InvalidOperationTokenException extends TagflowException {

  private static final long serialVersionUID = 1L;

  /** For the token (quoted, cut to 100 characters) and what is wrong with it. */
  public InvalidOperationTokenException(String token, String reason) {
    super("not an rds-tagflow operation token: '" + (token.length() > 100 ? token.substring(0, 100) + "..." : token)
        + "': " + reason);
  }
}
