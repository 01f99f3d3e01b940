package io.rdstagflow.core.internal;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The times in tags: UTC, ISO-8601 to the second ({@code 2026-11-24T10:15:00Z}). Parsed by hand
 * because a waiting poll parses several and {@link Instant#parse} allocates far more than the
 * poll's budget.
 */
public final class Timestamps {

  private Timestamps() {}

  /** The tag form of an instant, to the second. */
  public static String format(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /**
   * Reads the tag form.
   *
   * @return the instant, or {@code null} if the text is not exactly {@code yyyy-MM-ddTHH:mm:ssZ}
   */
  public static Instant parse(String s) {
    return parse(s, 0, s.length());
  }

  /** As {@link #parse(String)}, for the characters {@code s[from, to)}. */
  public static Instant parse(String s, int from, int to) {
    int o = from;
    if (to - from != 20 || s.charAt(o + 4) != '-' || s.charAt(o + 7) != '-' || s.charAt(o + 10) != 'T'
        || s.charAt(o + 13) != ':' || s.charAt(o + 16) != ':' || s.charAt(o + 19) != 'Z') {
      return null;
    }
    int year = digits(s, o, 4);
    int month = digits(s, o + 5, 2);
    int day = digits(s, o + 8, 2);
    int hour = digits(s, o + 11, 2);
    int minute = digits(s, o + 14, 2);
    int second = digits(s, o + 17, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)
        || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
      return null;
    }
    long days = daysFromCivil(year, month, day);
    return Instant.ofEpochSecond(days * 86_400L + hour * 3_600L + minute * 60L + second);
  }

  private static int digits(String s, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private static int daysIn(int year, int month) {
    switch (month) {
      case 2:
        boolean leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        return leap ? 29 : 28;
      case 4: case 6: case 9: case 11:
        return 30;
      default:
        return 31;
    }
  }

  // Howard Hinnant's days_from_civil: days since 1970-01-01 for a proleptic Gregorian date.
  private static long daysFromCivil(int y, int m, int d) {
    y -= m <= 2 ? 1 : 0;
    long era = Math.floorDiv(y, 400);
    long yoe = y - era * 400;
    long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146_097 + doe - 719_468;
  }
}
