package io.rdstagflow.core.internal;

import java.security.SecureRandom;
import java.time.Instant;

/**
 * Operation ids: 7 base-36 digits of the start's epoch second, then 2 random ones (for example
 * {@code shq4k2w7c}). The time comes first so that ids order by start: a tag stamped with an
 * <em>older</em> operation than the one a poll acts for is debris it may clean up, one stamped with
 * a <em>newer</em> operation means the poll's own is over and it must touch nothing.
 */
public final class OperationIds {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int TIME_DIGITS = 7;

  private OperationIds() {}

  /** A new id for an operation beginning at {@code since}. */
  public static String next(Instant since) {
    // 36^7 seconds reach the year 4453; ids order by start until then.
    String time = Long.toString(Math.floorMod(since.getEpochSecond(), 78_364_164_096L), 36);
    StringBuilder b = new StringBuilder(TIME_DIGITS + 2);
    for (int i = time.length(); i < TIME_DIGITS; i++) {
      b.append('0');
    }
    b.append(time);
    b.append(Character.forDigit(RANDOM.nextInt(36), 36)).append(Character.forDigit(RANDOM.nextInt(36), 36));
    return b.toString();
  }

  /**
   * A new id for an operation beginning at {@code since} that orders after {@code previous} (the
   * newest id on the instance, or {@code null}), even when both began in the same second.
   */
  public static String nextAfter(String previous, Instant since) {
    String id = next(since);
    if (previous == null || compare(id, previous) > 0) {
      return id;
    }
    String bumped = Long.toString(Long.parseLong(previous, 36) + 1, 36);
    return "0".repeat(Math.max(0, TIME_DIGITS + 2 - bumped.length())) + bumped;
  }

  /** {@code true} if {@code id} has the shape of an operation id. */
  public static boolean isValid(String id) {
    if (id == null || id.length() != TIME_DIGITS + 2) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))) {
        return false;
      }
    }
    return true;
  }

  /** Negative, zero or positive as {@code a} began before, with or after {@code b}. */
  public static int compare(String a, String b) {
    return a.compareTo(b);
  }
}
