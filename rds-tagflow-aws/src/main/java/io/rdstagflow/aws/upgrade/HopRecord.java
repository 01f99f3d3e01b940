package io.rdstagflow.aws.upgrade;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the upgrade step records in its own tag about the hop it sent last: which hop, from and to
 * which version, the parameter group it sent, when RDS accepted it, and when the step rebooted the
 * instance to apply the group. Space-separated {@code field=value} words inside RDS's tag
 * character set: {@code hop=2/4 from=14.12 to=15.7 group=broker-postgres15
 * sent=2026-11-24T10:31:02Z}. A record is this operation's only if it was written after the step's
 * first attempt; an older one (a previous upgrade's, or one before an operator's retry) is ignored.
 *
 * @param number    the hop's number, from 1
 * @param of        how many hops the path has
 * @param from      the version the hop starts from
 * @param to        the version it upgrades to
 * @param group     the parameter group sent with it, or {@code null} when none was (a minor hop)
 * @param sentAt    when RDS accepted the hop's ModifyDBInstance
 * @param rebootedAt when the step rebooted the instance to apply the group, or {@code null}
 */
record HopRecord(int number, int of, String from, String to, String group, Instant sentAt, Instant rebootedAt) {

  private static final int MAX_VALUE = 256;

  /** The record in a tag value, or empty if the value is not one. */
  static Optional<HopRecord> parse(String value) {
    if (value == null) {
      return Optional.empty();
    }
    Map<String, String> fields = new LinkedHashMap<>();
    for (String word : value.trim().split(" +")) {
      int eq = word.indexOf('=');
      if (eq > 0) {
        fields.put(word.substring(0, eq), word.substring(eq + 1));
      }
    }
    try {
      String[] hop = fields.getOrDefault("hop", "").split("/");
      if (hop.length != 2 || fields.get("from") == null || fields.get("to") == null || fields.get("sent") == null) {
        return Optional.empty();
      }
      return Optional.of(new HopRecord(Integer.parseInt(hop[0]), Integer.parseInt(hop[1]), fields.get("from"),
          fields.get("to"), fields.get("group"), Instant.parse(fields.get("sent")),
          fields.containsKey("rebooted") ? Instant.parse(fields.get("rebooted")) : null));
    } catch (NumberFormatException | DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** The record for a hop just sent. */
  static HopRecord sent(UpgradePath.Hop hop, String group, Instant at) {
    return new HopRecord(hop.number(), hop.of(), hop.from(), hop.to(), group, at.truncatedTo(ChronoUnit.SECONDS),
        null);
  }

  /** This record with the reboot that applies its group. */
  HopRecord rebooted(Instant at) {
    return new HopRecord(number, of, from, to, group, sentAt, at.truncatedTo(ChronoUnit.SECONDS));
  }

  /** {@code true} if it records this hop. */
  boolean isFor(UpgradePath.Hop hop) {
    return hop.from().equals(from) && hop.to().equals(to);
  }

  /** The tag value; the group is left out when it would not fit. */
  String encode() {
    String head = "hop=" + number + "/" + of + " from=" + from + " to=" + to;
    String tail = " sent=" + sentAt + (rebootedAt == null ? "" : " rebooted=" + rebootedAt);
    String withGroup = head + (group == null ? "" : " group=" + group) + tail;
    return withGroup.length() <= MAX_VALUE ? withGroup : head + tail;
  }
}
