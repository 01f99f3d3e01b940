package io.rdstagflow.aws.explorer;

import java.util.ArrayList;
import java.util.List;

/**
 * One schedule of the explorer: the sequence of choices made at the choice points of one run,
 * from scratch. Choice 0 at every point is the fault-free, uninterleaved run; a schedule is named
 * by its non-zero choices ({@code position:choice,...}), which replays it exactly.
 *
 * <p>The explorer is a stateless model checker: it runs a schedule, records how many options each
 * choice point had, and derives the next schedule by depth-first backtracking: the last point that
 * can take its next option (within the bound on non-zero choices) does, and everything after it
 * starts from 0 again.
 */
final class Schedule {

  /** A choice point as met in a run: its options, the choice made, and what it was (for a report). */
  record Point(int options, int choice, String label) {}

  private final int[] prefix;
  private final List<Point> points = new ArrayList<>();
  /** Whether choices are offered at all (off for the checks after the run). */
  boolean live = true;

  Schedule(int[] prefix) {
    this.prefix = prefix;
  }

  /** Parses {@code position:choice,...}; empty: the fault-free schedule. */
  static Schedule parse(String spec) {
    List<int[]> pairs = new ArrayList<>();
    int max = -1;
    for (String part : spec.trim().split(",")) {
      if (part.isBlank()) {
        continue;
      }
      String[] pc = part.trim().split(":");
      int p = Integer.parseInt(pc[0]);
      pairs.add(new int[] {p, Integer.parseInt(pc[1])});
      max = Math.max(max, p);
    }
    int[] prefix = new int[max + 1];
    for (int[] pc : pairs) {
      prefix[pc[0]] = pc[1];
    }
    return new Schedule(prefix);
  }

  /** The choice at the next point, which has {@code options} options (0 if it has one, or choices are off). */
  int choose(int options, String label) {
    if (!live || options <= 1) {
      return 0;
    }
    int pos = points.size();
    int choice = pos < prefix.length ? prefix[pos] : 0;
    if (choice >= options) {
      throw new IllegalStateException("schedule does not replay: point " + pos + " (" + label + ") has " + options
          + " options, the schedule chose " + choice);
    }
    points.add(new Point(options, choice, label));
    return choice;
  }

  List<Point> points() {
    return points;
  }

  int deviations() {
    int n = 0;
    for (Point p : points) {
      n += p.choice() == 0 ? 0 : 1;
    }
    return n;
  }

  /** The next schedule's prefix in depth-first order with at most {@code bound} non-zero choices, or {@code null}. */
  int[] next(int bound) {
    int nonZeroBefore = deviations();
    for (int i = points.size() - 1; i >= 0; i--) {
      Point p = points.get(i);
      if (p.choice() != 0) {
        nonZeroBefore--;
      }
      if (p.choice() + 1 < p.options() && nonZeroBefore + 1 <= bound) {
        int[] next = new int[i + 1];
        for (int j = 0; j < i; j++) {
          next[j] = points.get(j).choice();
        }
        next[i] = p.choice() + 1;
        return next;
      }
    }
    return null;
  }

  /** The classes of fault this schedule uses, e.g. {@code late write + stale describe}. */
  String faultClasses() {
    java.util.TreeSet<String> classes = new java.util.TreeSet<>();
    for (Point p : points) {
      if (p.choice() == 0) {
        continue;
      }
      if (p.label().endsWith("B polls before it")) {
        classes.add("B interleaved");
      } else if (p.label().endsWith(": lag")) {
        classes.add("stale describe");
      } else if (p.choice() == 1) {
        classes.add("lost response");
      } else {
        classes.add("late write");
      }
    }
    return classes.isEmpty() ? "none" : String.join(" + ", classes);
  }

  /** {@code position:choice,...} of the non-zero choices. */
  String spec() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < points.size(); i++) {
      if (points.get(i).choice() != 0) {
        b.append(b.length() == 0 ? "" : ",").append(i).append(':').append(points.get(i).choice());
      }
    }
    return b.toString();
  }

  /** The non-zero choices with what they were. */
  String describe() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < points.size(); i++) {
      Point p = points.get(i);
      if (p.choice() != 0) {
        b.append("    choice ").append(i).append(':').append(p.choice()).append("  ").append(p.label()).append('\n');
      }
    }
    return b.length() == 0 ? "    (no fault, no interleaving)\n" : b.toString();
  }
}
