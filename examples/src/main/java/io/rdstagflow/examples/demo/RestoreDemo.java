package io.rdstagflow.examples.demo;

import io.rdstagflow.aws.DerivedPasswordSource;
import io.rdstagflow.aws.PasswordSource;
import io.rdstagflow.aws.RdsStarter;
import io.rdstagflow.aws.ReadyFlows;
import io.rdstagflow.aws.SdkRdsGateway;
import io.rdstagflow.aws.users.BoundUsersStep;
import io.rdstagflow.core.Flow;
import io.rdstagflow.core.Inspection;
import io.rdstagflow.core.OperationStatus;
import io.rdstagflow.core.OperationToken;
import io.rdstagflow.core.TagStateMachine;
import io.rdstagflow.examples.ConsoleLogging;
import io.rdstagflow.testkit.CallLog;
import io.rdstagflow.testkit.FakeRds;
import io.rdstagflow.testkit.LifecycleTimings;
import io.rdstagflow.testkit.PollDriver;
import io.rdstagflow.testkit.PollHistory;
import io.rdstagflow.testkit.RecordedCall;
import io.rdstagflow.testkit.VirtualClock;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The README's first command: restores an instance from a snapshot on the embedded fake RDS, in
 * virtual time, and prints the operation poll by poll as a platform sees it.
 *
 * <p>The setting is the project's reference figure (see {@code docs/}): the fake's reference
 * lifecycle (restore 10 min, modify 3 min leaving the new parameter group {@code pending-reboot},
 * reboot 2 min), the ready restore flow ({@code settings} with the new master password from a
 * {@link DerivedPasswordSource}, {@code reboot}, {@code users}), a settle time of 30 s, and a
 * platform that polls LastOperation every 60 s like Cloud Foundry. The {@code users} step is
 * {@link BoundUsersStep#none()}: the fake runs no database, so there are no bound users to reset.
 *
 * <p>With {@code --faults} the same restore meets scripted faults (throttling, 5xx answers, a
 * throttled tag write after an accepted modify, which the poll retries, a broker restart that
 * replaces the engine) and rides them out. Every run is deterministic: the clock is virtual and the faults are scripted.
 *
 * <p>No password or seed is printed: the fake drops passwords, and call lines name operations only.
 */
public final class RestoreDemo {

  /** The restored instance's identifier. */
  public static final String INSTANCE_ID = "svc-demo";
  /** The snapshot it is restored from. */
  public static final String SNAPSHOT_ID = "nightly-2026-01-04";
  /** The broker's parameter group; changing to it leaves the instance {@code pending-reboot}. */
  public static final String PARAMETER_GROUP = "broker-postgres16";
  /** How often the platform polls LastOperation: Cloud Foundry's default. */
  public static final Duration POLL_INTERVAL = Duration.ofSeconds(60);
  /** The engine's settle time (its default). */
  public static final Duration SETTLE_TIME = Duration.ofSeconds(30);

  private static final int MAX_POLLS = 500;
  private static final DateTimeFormatter HH_MM_SS = DateTimeFormatter.ofPattern("HH:mm:ss");
  /*
   * A fixed seed so the demo needs no set-up. It protects nothing: the fake keeps no password. A
   * real broker keeps 32 random bytes in its secret store.
   */
  private static final byte[] DEMO_SEED = "rds-tagflow demo seed: protects nothing".getBytes(StandardCharsets.UTF_8);

  /**
   * What a run ended with.
   *
   * @param finalStatus the last LastOperation answer
   * @param polls       how many polls were made
   * @param awsCalls    every RDS call from the restore request (included) to the last poll
   * @param flowCalls   the same without the describes of waiting polls (polls that made the describe
   *                    alone): the project's "calls for the flow" figure
   * @param elapsed     virtual time from the restore request to the last poll
   * @param restarts    how many times the broker was restarted (a new engine)
   */
  public record Outcome(OperationStatus finalStatus, int polls, int awsCalls, int flowCalls, Duration elapsed,
      int restarts) {

    /** {@code true} if the last answer was {@code succeeded}. */
    public boolean succeeded() {
      return finalStatus.state() == OperationStatus.State.SUCCEEDED;
    }
  }

  private final boolean withFaults;
  private final PrintStream out;
  private final VirtualClock clock = VirtualClock.create();
  private final FakeRds rds;

  /**
   * A demo printing to {@code out}.
   *
   * @param withFaults whether to script faults into the run
   */
  public RestoreDemo(boolean withFaults, PrintStream out) {
    this.withFaults = withFaults;
    this.out = Objects.requireNonNull(out, "out");
    this.rds = FakeRds.builder().clock(clock).timings(LifecycleTimings.defaults()).seed(42).build();
  }

  /**
   * Runs the demo: {@code --faults} adds scripted faults, {@code --help} prints the usage. Exits
   * with 0 when the operation succeeded, 1 when it did not, 2 on a usage error.
   */
  public static void main(String[] args) {
    ConsoleLogging.warningsOnly();
    boolean faults = false;
    for (String arg : args) {
      switch (arg) {
        case "--faults" -> faults = true;
        case "--help", "-h" -> {
          System.out.println(usage());
          return;
        }
        default -> {
          System.err.println("unknown argument: " + arg + "\n" + usage());
          System.exit(2);
        }
      }
    }
    Outcome outcome = new RestoreDemo(faults, System.out).run();
    if (!outcome.succeeded()) {
      System.exit(1);
    }
  }

  static String usage() {
    return "usage: RestoreDemo [--faults]\n"
        + "  Restores an RDS instance from a snapshot on an embedded fake RDS in virtual time and prints\n"
        + "  each LastOperation poll. --faults adds throttling, 5xx errors, a throttled tag write and a broker restart.";
  }

  /** Restores the instance and polls until the operation is final; prints as it goes. */
  public Outcome run() {
    rds.givenSnapshot(s -> s.dbSnapshotIdentifier(SNAPSHOT_ID).engine("postgres").allocatedStorage(20));
    rds.createDBParameterGroup(r -> r.dbParameterGroupName(PARAMETER_GROUP).dbParameterGroupFamily("postgres16")
        .description("the broker's settings; a static parameter changed, so it needs a reboot"));

    printHeader();
    TagStateMachine engine = newEngine();
    FaultScript faults = withFaults ? new FaultScript() : null;
    if (faults != null) {
      faults.queueUp();
    }

    Instant start = clock.instant();
    CallLog.Mark beforeRestore = rds.calls().mark();
    OperationToken token = new RdsStarter(rds, engine).restoreFromSnapshot(ReadyFlows.RESTORE_FROM_SNAPSHOT, Map.of(),
        r -> r.dbInstanceIdentifier(INSTANCE_ID).dbSnapshotIdentifier(SNAPSHOT_ID).dbInstanceClass("db.t3.micro"));
    List<RecordedCall> restoreCalls = rds.calls().since(beforeRestore);
    String operation = token.encode(); // what the broker answers as OSB's "operation"
    out.printf("%-5s %-9s %-38s provision: 202 Accepted, operation %s%n%n", "", time(start), names(restoreCalls),
        operation);
    out.printf("%-5s %-9s %-38s %-28s %-33s %s%n", "poll", "time", "AWS calls in this poll", "instance",
        "steps, as the tags say", "OSB answer");

    // The platform: PollDriver polls every 60 s and honours a longer Retry-After, as Cloud Foundry does;
    // its hooks script the faults and the restart between polls.
    TagStateMachine[] broker = {engine};
    int[] restarts = {0};
    PollHistory history = PollDriver.on(clock).recordingCallsOf(rds).interval(POLL_INTERVAL)
        .firstPollAfter(POLL_INTERVAL).maxPolls(MAX_POLLS)
        .beforeEachPoll(poll -> {
          if (faults != null && faults.restartBeforeNextPoll) {
            broker[0] = newEngine(); // nothing carries over but the instance's tags
            restarts[0]++;
            faults.restartBeforeNextPoll = false;
            out.printf("      ! broker restarted: a new engine, nothing kept in memory%n");
          }
          if (faults != null) {
            faults.beforePoll(poll);
          }
        })
        .afterEachPoll(poll -> {
          Inspection after = inspect(); // for the printout only; its describe is not counted
          printPoll(poll.number(), after, poll.status(), poll.calls());
          if (faults != null) {
            faults.afterPoll(after, poll.calls());
          }
        })
        .build()
        .run(() -> broker[0].poll(INSTANCE_ID, operation)); // the LastOperation handler's one call

    int awsCalls = restoreCalls.size() + history.calls().size();
    int flowCalls = restoreCalls.size() + history.polls().stream().filter(p -> !isWaitingPoll(p.calls()))
        .mapToInt(p -> p.calls().size()).sum();
    int polls = history.polls().size();
    OperationStatus status = history.finalStatus();
    int restartCount = restarts[0];
    Outcome outcome = new Outcome(status, polls, awsCalls, flowCalls, Duration.between(start, clock.instant()),
        restartCount);
    out.println();
    out.printf("%s: %d polls, %d AWS calls (%d besides the describes of waiting polls), %s of virtual time%s%n",
        outcome.finalStatus().state().osbValue(), outcome.polls(), outcome.awsCalls(), outcome.flowCalls(),
        human(outcome.elapsed()), restartCount == 0 ? "" : ", " + restartCount + " broker restart");
    return outcome;
  }

  /** What a broker builds once at start-up: the engine with its flows. */
  private TagStateMachine newEngine() {
    Flow restore = ReadyFlows.restoreFromSnapshot(rds)
        .settings(s -> s.dbParameterGroupName(PARAMETER_GROUP).backupRetentionPeriod(7))
        .masterPassword(demoPasswords())
        .boundUsers(BoundUsersStep.none())
        .build();
    return TagStateMachine.builder(new SdkRdsGateway(rds))
        .flow(restore)
        .clock(clock)
        .sleeper(clock::advance) // a retried tag write pauses in virtual time
        .settleTime(SETTLE_TIME)
        .build();
  }

  /** The demo's password source; package-private so a test can prove no password is printed. */
  static PasswordSource demoPasswords() {
    return DerivedPasswordSource.fromSeed(DEMO_SEED);
  }

  private Inspection inspect() {
    return newEngine().inspect(INSTANCE_ID);
  }

  private void printHeader() {
    out.println("rds-tagflow demo: restore " + INSTANCE_ID + " from snapshot " + SNAPSHOT_ID
        + " on an embedded fake RDS, in virtual time");
    out.println("  flow:      " + ReadyFlows.RESTORE_FROM_SNAPSHOT + " = settings (parameter group " + PARAMETER_GROUP
        + ", backups, new master password) -> reboot (if pending) -> users (none: the fake runs no database)");
    out.println("  lifecycle: restore 10 min, modify 3 min (the parameter group then pending-reboot), reboot 2 min;"
        + " settle time " + SETTLE_TIME.toSeconds() + " s");
    out.println("  platform:  polls last_operation every " + POLL_INTERVAL.toSeconds()
        + " s, as Cloud Foundry does" + (withFaults ? "; faults scripted (--faults)" : ""));
    out.println();
  }

  private void printPoll(int poll, Inspection after, OperationStatus status, List<RecordedCall> calls) {
    String steps = after.operation()
        .map(op -> op.steps().stream().map(RestoreDemo::step).collect(Collectors.joining(" ")))
        .orElse(after.problem().map(p -> "tags not understood").orElse("(no flow tags)"));
    String answer = status.state().osbValue() + ": " + status.description()
        + status.retryAfter().map(r -> " [retry after " + r.toSeconds() + " s]").orElse("");
    out.printf("#%-4d %-9s %-38s %-28s %-33s %s%n", poll, time(clock.instant()), names(calls),
        after.instance().status(), steps, answer);
  }

  private static String step(Inspection.StepView s) {
    String state = switch (s.state()) {
      case PENDING -> "-";
      case RUNNING -> "running";
      case STARTED -> "started";
      case DONE -> "done";
      case FAILED -> "failed";
    };
    return s.name() + ":" + state;
  }

  private static boolean isWaitingPoll(List<RecordedCall> calls) {
    return calls.size() == 1 && calls.get(0).operation().equals("DescribeDBInstances") && !calls.get(0).threw();
  }

  private static String names(List<RecordedCall> calls) {
    if (calls.isEmpty()) {
      return "none";
    }
    return calls.stream()
        .map(c -> c.operation().replace("DBInstances", "").replace("DBInstance", "").replace("ToResource", "")
            .replace("FromResource", "").replace("FromDBSnapshot", "FromSnapshot")
            + c.errorCode().map(code -> "(" + code + ")").orElse(""))
        .collect(Collectors.joining(", "));
  }

  private static String time(Instant at) {
    return HH_MM_SS.format(LocalTime.ofInstant(at, ZoneOffset.UTC));
  }

  private static String human(Duration d) {
    long minutes = d.toMinutes();
    long seconds = d.toSecondsPart();
    return seconds == 0 ? minutes + " min" : minutes + " min " + seconds + " s";
  }

  /**
   * The faults of {@code --faults}, each one line on the fake, announced as they are set. The
   * restart comes right after the first poll that leaves a step started, the point where a broker
   * that kept state in memory would lose track.
   */
  private final class FaultScript {
    private boolean restartBeforeNextPoll;
    private boolean restarted;

    private boolean throttleTheNextRecord;

    void queueUp() {
      rds.faults().failNext("ModifyDBInstance", "ServiceUnavailable");
      out.println("  scripted:  the first ModifyDBInstance fails (503 ServiceUnavailable); the tag write after the"
          + " accepted one is throttled,");
      out.println("             and the poll retries it (losing that record would cost a repeated modify)");
      out.println();
    }

    void beforePoll(int poll) {
      if (throttleTheNextRecord) {
        throttleTheNextRecord = false;
        rds.faults().failNext("AddTagsToResource", "Throttling");
      }
      if (poll == 2) {
        rds.faults().throttleNext(1);
        out.printf("      ! this poll's describe is throttled%n");
      } else if (poll == 4) {
        rds.faults().failNext("DescribeDBInstances", "InternalFailure");
        out.printf("      ! this poll's describe fails with 500 InternalFailure%n");
      }
    }

    void afterPoll(Inspection after, List<RecordedCall> calls) {
      throttleTheNextRecord = calls.stream().anyMatch(c -> c.operation().equals("ModifyDBInstance") && c.threw());
      boolean started = after.operation().stream()
          .flatMap(op -> op.steps().stream())
          .anyMatch(s -> s.state() == Inspection.StepState.STARTED);
      if (started && !restarted) {
        restarted = true;
        restartBeforeNextPoll = true;
      }
    }
  }

  /** For tests: the fake behind this demo. */
  FakeRds rds() {
    return rds;
  }
}
