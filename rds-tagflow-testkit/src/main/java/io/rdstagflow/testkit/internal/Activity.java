package io.rdstagflow.testkit.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Something an instance is doing: a sequence of statuses, each for a duration, from a start
 * instant. The status at any instant is computed from the clock, never stored, so the fake works
 * on a virtual and on a real clock alike.
 */
final class Activity {

  /**
   * What the activity is; an {@code UPGRADE} is a modify that changes the engine version
   * ({@code upgrading}), after which its new parameter group is in sync (the upgrade restarts the
   * database with it).
   */
  enum Kind { CREATE, MODIFY, REBOOT, DELETE, UPGRADE }

  record Phase(String status, Duration duration) {}

  final Kind kind;
  final Instant start;
  final List<Phase> phases;
  /** Applied when the activity completes (MODIFY); may be empty. */
  final Changes changes;
  /** The parameter group being applied, or {@code null}. */
  final String newParameterGroup;
  /** How long {@link #newParameterGroup} shows {@code applying}. */
  final Duration parameterApplying;
  /** How many phases have been written to the instance's history. */
  int phasesRecorded;
  /** For an {@code UPGRADE}: its new parameter group ends {@code pending-reboot}, not in sync. */
  boolean leavesPendingReboot;

  Activity(Kind kind, Instant start, List<Phase> phases, Changes changes, String newParameterGroup,
      Duration parameterApplying) {
    this.kind = kind;
    this.start = start;
    this.phases = List.copyOf(phases);
    this.changes = changes;
    this.newParameterGroup = newParameterGroup;
    this.parameterApplying = parameterApplying;
  }

  /** When the last phase (and any parameter group application) is over. */
  Instant end() {
    Instant phasesEnd = phasesEnd();
    if (newParameterGroup != null) {
      Instant applied = start.plus(parameterApplying);
      return applied.isAfter(phasesEnd) ? applied : phasesEnd;
    }
    return phasesEnd;
  }

  Instant phasesEnd() {
    Instant t = start;
    for (Phase p : phases) {
      t = t.plus(p.duration());
    }
    return t;
  }

  Instant phaseStart(int index) {
    Instant t = start;
    for (int i = 0; i < index; i++) {
      t = t.plus(phases.get(i).duration());
    }
    return t;
  }

  /** The status at {@code now}, or {@code null} once every phase is over. */
  String statusAt(Instant now) {
    Instant t = start;
    for (Phase p : phases) {
      t = t.plus(p.duration());
      if (now.isBefore(t)) {
        return p.status();
      }
    }
    return null;
  }

  /** The parameter group's apply status at {@code now}, when this activity applies one. */
  String parameterStatusAt(Instant now) {
    return now.isBefore(start.plus(parameterApplying)) ? "applying" : "pending-reboot";
  }
}
