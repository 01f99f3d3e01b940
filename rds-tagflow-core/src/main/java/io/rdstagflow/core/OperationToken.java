package io.rdstagflow.core;

import io.rdstagflow.core.internal.OperationIds;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;

/**
 * Names one operation on an instance, for a broker to return as OSB's {@code operation} and to pass
 * back to {@link TagStateMachine#poll(String, OperationToken)}. A flow's token carries the
 * operation id that every tag of the operation is stamped with, so a poll answers for exactly that
 * operation: never from an older one's tags, never from the instance status alone while its own
 * tags may not be visible yet. A deletion's token lets a poll answer {@code succeeded} once the
 * instance is gone.
 *
 * <p>Encoded as {@code tagflow/2/flow/<name>/<definition>/<start>/<operation id>} or
 * {@code tagflow/2/deletion/<start>}, well under OSB's 10,000 characters. A token of a newer format
 * (written by a newer rds-tagflow during a rolling upgrade) parses, and a poll with it answers in
 * progress and acts on nothing. Immutable.
 */
public final class OperationToken {

  /** The format version of tokens this library writes. */
  public static final int FORMAT = 2;

  private static final String PREFIX = "tagflow/";

  /** What a token names. */
  public enum Kind {
    /** A flow begun by the engine. */
    FLOW,
    /** A deletion of the instance. */
    DELETION,
    /** Something a newer rds-tagflow wrote; this engine cannot read it. */
    NEWER_FORMAT
  }

  private final Kind kind;
  private final String flowName;
  private final int definition;
  private final Instant since;
  private final String operationId;
  private final String encoded;

  private OperationToken(Kind kind, String flowName, int definition, Instant since, String operationId,
      String encoded) {
    this.kind = kind;
    this.flowName = flowName;
    this.definition = definition;
    this.since = since.truncatedTo(ChronoUnit.SECONDS);
    this.operationId = operationId;
    this.encoded = encoded != null ? encoded : encode(kind, flowName, definition, this.since, operationId);
  }

  /**
   * The token of operation {@code operationId} of a flow's definition {@code definition}, begun at
   * {@code since}. Brokers get tokens from {@code begin} and the starters; this is for tests and
   * tools.
   *
   * @throws IllegalArgumentException if the name or id are not of the engine's shape
   */
  public static OperationToken forFlow(String flowName, int definition, Instant since, String operationId) {
    Flow.checkName("flow name", flowName);
    if (!OperationIds.isValid(operationId)) {
      throw new IllegalArgumentException("'" + operationId + "' is not an operation id");
    }
    if (definition < 1) {
      throw new IllegalArgumentException("a definition version is at least 1, was " + definition);
    }
    return new OperationToken(Kind.FLOW, flowName, definition, Objects.requireNonNull(since, "since"),
        operationId, null);
  }

  /** The token of a deletion requested at {@code since}. */
  public static OperationToken forDeletion(Instant since) {
    return new OperationToken(Kind.DELETION, null, 0, Objects.requireNonNull(since, "since"), null, null);
  }

  /**
   * Reads a token that {@link #encode()} wrote (or a newer rds-tagflow did).
   *
   * @throws InvalidOperationTokenException if it is not one, with the reason (the token itself is
   *     quoted, cut to 100 characters); an empty string is not a token
   */
  public static OperationToken parse(String token) {
    Objects.requireNonNull(token, "token");
    if (!token.startsWith(PREFIX)) {
      throw new InvalidOperationTokenException(token, "it does not begin with " + PREFIX + FORMAT + "/");
    }
    String[] parts = token.substring(PREFIX.length()).split("/", -1);
    int format;
    try {
      format = Integer.parseInt(parts[0]);
    } catch (NumberFormatException e) {
      throw new InvalidOperationTokenException(token, "'" + parts[0] + "' is not a format version");
    }
    if (format > FORMAT) {
      return new OperationToken(Kind.NEWER_FORMAT, null, 0, Instant.EPOCH, null, token);
    }
    if (format < FORMAT) {
      throw new InvalidOperationTokenException(token, "format " + format + " was never published; this library"
          + " reads format " + FORMAT);
    }
    try {
      if (parts.length == 6 && parts[1].equals("flow") && Flow.NAME.matcher(parts[2]).matches()
          && parts[3].matches("[1-9][0-9]{0,3}") && OperationIds.isValid(parts[5])) {
        return forFlow(parts[2], Integer.parseInt(parts[3]), Instant.parse(parts[4]), parts[5]);
      }
      if (parts.length == 3 && parts[1].equals("deletion")) {
        return forDeletion(Instant.parse(parts[2]));
      }
    } catch (DateTimeParseException e) {
      throw new InvalidOperationTokenException(token, "its time is not an ISO-8601 instant");
    }
    throw new InvalidOperationTokenException(token, "expected flow/<name>/<definition>/<time>/<id> or "
        + "deletion/<time> after " + PREFIX + FORMAT + "/");
  }

  private static String encode(Kind kind, String flowName, int definition, Instant since, String id) {
    return kind == Kind.FLOW
        ? PREFIX + FORMAT + "/flow/" + flowName + "/" + definition + "/" + since + "/" + id
        : PREFIX + FORMAT + "/deletion/" + since;
  }

  /** The string form a broker returns as OSB's {@code operation}. */
  public String encode() {
    return encoded;
  }

  /** What it names. */
  public Kind kind() {
    return kind;
  }

  /** The flow's name; empty for a deletion or a newer format. */
  public Optional<String> flowName() {
    return Optional.ofNullable(flowName);
  }

  /** The flow definition's version the operation was begun under; 0 for a deletion. */
  public int definition() {
    return definition;
  }

  /** When the operation began, to the second. */
  public Instant since() {
    return since;
  }

  /** The operation id stamped on its tags; empty for a deletion or a newer format. */
  public Optional<String> operationId() {
    return Optional.ofNullable(operationId);
  }

  /** A deletion token. */
  public boolean isDeletion() {
    return kind == Kind.DELETION;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OperationToken t && t.encoded.equals(encoded);
  }

  @Override
  public int hashCode() {
    return encoded.hashCode();
  }

  @Override
  public String toString() {
    return encoded;
  }
}
