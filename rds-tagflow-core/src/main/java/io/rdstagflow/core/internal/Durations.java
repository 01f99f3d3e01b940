package io.rdstagflow.core.internal;

import java.time.Duration;

/** Durations in the words end users read in a failure description: "30 min", "2 h", "1 day". */
public final class Durations {

  private Durations() {}

  /** {@code d} in the largest unit that states it exactly, or in two units ("1 h 30 min"). */
  public static String human(Duration d) {
    long s = d.getSeconds();
    if (s <= 0) {
      return s == 0 && d.getNano() > 0 ? d.toMillis() + " ms" : "0 s";
    }
    long days = s / 86_400;
    long hours = s % 86_400 / 3_600;
    long minutes = s % 3_600 / 60;
    long seconds = s % 60;
    StringBuilder b = new StringBuilder();
    append(b, days, days == 1 ? "day" : "days");
    append(b, hours, "h");
    append(b, minutes, "min");
    append(b, seconds, "s");
    return b.toString();
  }

  private static void append(StringBuilder b, long n, String unit) {
    if (n > 0) {
      if (b.length() > 0) {
        b.append(' ');
      }
      b.append(n).append(' ').append(unit);
    }
  }
}
