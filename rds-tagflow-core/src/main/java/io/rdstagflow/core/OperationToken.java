package io.rdstagflow.core;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;

/**
 * Names one operation on an instance, for a broker to return as OSB's {@code operation} and to pass
 * back to {@link TagStateMachine#poll(String, OperationToken)}. A flow's token is its name and start
 * time, so a poll for an older operation is told apart from the current one; a deletion's token
 * lets a poll answer {@code succeeded} once the instance is gone, when its tags are gone with it.
 *
 * <p>Encoded as {@code tagflow/1/flow/<name>/<start>} or {@code tagflow/1/deletion/<start>}, well
 * under OSB's 10,000 characters. Immutable.
 *
 * @param kind     a flow or a deletion
 * @param flowName the flow's name, empty for a deletion
 * @param since    when the operation began, to the second
 */
public record OperationToken(Kind kind, Optional<String> flowName, Instant since) {

  private static final String PREFIX = "tagflow/1/";

  /** What a token names. */
  public enum Kind {
    /** A flow begun by the engine. */
    FLOW,
    /** A deletion of the instance. */
    DELETION
  }

  /** @throws IllegalArgumentException if a flow token has no flow name or a deletion has one */
  public OperationToken {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(flowName, "flowName");
    since = since.truncatedTo(ChronoUnit.SECONDS);
    if ((kind == Kind.FLOW) != flowName.isPresent()) {
      throw new IllegalArgumentException("a flow token needs a flow name, a deletion token has none");
    }
  }

  /** The token of a flow begun at {@code since}. */
  public static OperationToken forFlow(String flowName, Instant since) {
    return new OperationToken(Kind.FLOW, Optional.of(flowName), since);
  }

  /** The token of a deletion requested at {@code since}. */
  public static OperationToken forDeletion(Instant since) {
    return new OperationToken(Kind.DELETION, Optional.empty(), since);
  }

  /**
   * Reads a token that {@link #encode()} wrote.
   *
   * @throws InvalidOperationTokenException if it is not one, with the reason (the token itself is
   *     quoted, cut to 100 characters)
   */
  public static OperationToken parse(String token) {
    Objects.requireNonNull(token, "token");
    if (!token.startsWith(PREFIX)) {
      throw new InvalidOperationTokenException(token, "it does not begin with " + PREFIX);
    }
    String[] parts = token.substring(PREFIX.length()).split("/", -1);
    try {
      if (parts.length == 3 && parts[0].equals("flow") && Flow.NAME.matcher(parts[1]).matches()) {
        return forFlow(parts[1], Instant.parse(parts[2]));
      }
      if (parts.length == 2 && parts[0].equals("deletion")) {
        return forDeletion(Instant.parse(parts[1]));
      }
    } catch (DateTimeParseException e) {
      throw new InvalidOperationTokenException(token, "its time is not an ISO-8601 instant");
    }
    throw new InvalidOperationTokenException(token, "expected flow/<name>/<time> or deletion/<time> after " + PREFIX);
  }

  /** The string form a broker returns as OSB's {@code operation}. */
  public String encode() {
    return kind == Kind.FLOW
        ? PREFIX + "flow/" + flowName.get() + "/" + since
        : PREFIX + "deletion/" + since;
  }

  /** A deletion token. */
  public boolean isDeletion() {
    return kind == Kind.DELETION;
  }

  @Override
  public String toString() {
    return encode();
  }
}
