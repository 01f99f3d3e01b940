package io.rdstagflow.aws.explorer;

import io.rdstagflow.aws.DerivedPasswordSource;
import io.rdstagflow.aws.RdsStarter;
import io.rdstagflow.aws.ReadyFlows;
import io.rdstagflow.aws.SdkRdsGateway;
import io.rdstagflow.aws.users.BoundUsersStep;
import io.rdstagflow.core.ClaimPolicy;
import io.rdstagflow.core.ConcurrentOperationException;
import io.rdstagflow.core.Deadline;
import io.rdstagflow.core.Flow;
import io.rdstagflow.core.OperationStatus;
import io.rdstagflow.core.OperationToken;
import io.rdstagflow.core.RdsCallException;
import io.rdstagflow.core.StepContext;
import io.rdstagflow.core.StepResult;
import io.rdstagflow.core.TagStateMachine;
import io.rdstagflow.testkit.FakeRds;
import io.rdstagflow.testkit.LifecycleTimings;
import io.rdstagflow.testkit.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.Tag;

/**
 * One run of the explorer, from scratch, under one {@link Schedule}: a fake RDS, two broker
 * replicas A and B (two engines with their own owner ids and the same flows) and a platform that
 * restores an instance from a snapshot (settings with a parameter group that needs a reboot, the
 * master password, the users step) and, as soon as it hears {@code succeeded}, begins
 * {@code update-plan} to a new instance class with A's {@code TagStateMachine.begin}.
 *
 * <p>The platform polls through A every {@value #INTERVAL_S} s. Choice points, each 0 for "nothing
 * happens":
 *
 * <ul>
 *   <li>before each RDS call of A's poll after its first: B runs a whole poll there (2 options);
 *   <li>each describe (A's, B's, a begin's): the fake's answer, or one of the last {@code lag}
 *       distinct views, whole, attributes only (tags current) or tags only (attributes current);
 *   <li>each write (AddTags, RemoveTags, Modify, Reboot; a begin's too): lands; lands and answers
 *       with an error; is held and lands at the next call boundary; is held and lands right after
 *       the next operation's {@code begin} (or the next round if there is none).
 * </ul>
 *
 * <p>Every answer either replica gives is judged by the {@link PromiseChecker} against the truth;
 * after the run (choices off, faults gone) each operation's token is polled once more and must
 * give its final answer again.
 */
final class ExplorerRun {

  static final String ID = "explorer-db";
  static final long INTERVAL_S = 30;
  static final Duration SETTLE = Duration.ofSeconds(30);
  static final Duration SKEW = Duration.ofSeconds(30);
  static final Duration FLOW_DEADLINE = Duration.ofHours(2);
  static final Duration STEP_DEADLINE = Duration.ofMinutes(90);
  static final int MAX_ROUNDS = 240;
  static final LifecycleTimings TIMINGS = LifecycleTimings.defaults().withCreating(Duration.ofMinutes(3))
      .withModifying(Duration.ofSeconds(60)).withApplyingParameterGroup(Duration.ofSeconds(60))
      .withResettingMasterCredentials(Duration.ofSeconds(30)).withRebooting(Duration.ofSeconds(60));
  static final List<String> CLASSES = List.of("db.t3.small", "db.t3.medium");

  private final Schedule schedule;
  private final int lag;
  private final boolean claim;
  private final int updates;
  private final VirtualClock clock = VirtualClock.create();
  private final FakeRds fake = FakeRds.builder().clock(clock).timings(TIMINGS).seed(1).build();
  private final ChaosRds chaos = new ChaosRds(fake, ID);
  private final PromiseChecker checker;
  private final Replica a;
  private final Replica b;
  private final StringBuilder trace = new StringBuilder();
  private final List<String> runViolations = new ArrayList<>();
  /** The replica whose poll (or begin) is making calls, and its call count; null outside polls. */
  private Replica current;
  private int callIndex;
  private boolean nested;
  /** A begin whose AddTags landed but whose answer was lost. */
  private boolean ambiguousBegin;
  /** Inside a begin: one of its writes was lost or held. */
  private boolean inBegin;
  private boolean beginWriteFaulted;
  /** Whether the platform tried a begin since the current operation's final answer. */
  private boolean beginTried;
  private int pollCount;
  private PromiseChecker.Operation op;

  ExplorerRun(Schedule schedule, int lag, boolean claim, int updates) {
    this.schedule = schedule;
    this.lag = lag;
    this.claim = claim;
    this.updates = updates;
    this.checker = new PromiseChecker(fake, ID, new PromiseChecker.RestoreSpec("pg-custom", 7), FLOW_DEADLINE,
        STEP_DEADLINE);
    chaos.policy(this::decide);
    a = new Replica("A");
    b = new Replica("B");
  }

  /** One broker replica: its client through the chaos layer, its flows and its engine. */
  private final class Replica {
    final String label;
    final RdsClient client;
    final TagStateMachine engine;

    Replica(String label) {
      this.label = label;
      this.client = chaos.client(label);
      DerivedPasswordSource passwords = DerivedPasswordSource.fromSeed("explorer-seed-0123456789-abcdefghij");
      Flow restore = ReadyFlows.restoreFromSnapshot(client)
          .settings(s -> s.dbParameterGroupName("pg-custom").backupRetentionPeriod(7))
          .masterPassword(passwords)
          .boundUsers(new UsersStep())
          .stepDeadline(Deadline.of(STEP_DEADLINE))
          .flowDeadline(Deadline.of(FLOW_DEADLINE))
          .build();
      Flow update = ReadyFlows.updatePlan(client, (c, r) -> r.dbInstanceClass(c.parameter("class")));
      this.engine = TagStateMachine.builder(new SdkRdsGateway(client)).flow(restore).flow(update).clock(clock)
          .settleTime(SETTLE).clockSkew(SKEW).ownerId("replica-" + label.toLowerCase(java.util.Locale.ROOT))
          .claimPolicy(claim ? ClaimPolicy.lease(Duration.ofSeconds(90)) : ClaimPolicy.none()).build();
    }
  }

  /** The users step: resets nothing, records that it ran with the instance as the fake truly held it. */
  private final class UsersStep implements BoundUsersStep {
    @Override
    public String name() {
      return DEFAULT_NAME;
    }

    @Override
    public StepResult run(StepContext context) {
      checker.stepRan("users", clock.instant(), chaos.truthNow());
      return StepResult.done();
    }
  }

  /** The run's result: violations (each a sentence), the schedule that made them and the trace. */
  record Result(List<String> violations, Schedule schedule, String trace, int polls) {}

  Result run() {
    fake.givenSnapshot(s -> s.dbSnapshotIdentifier("nightly").engine("postgres").engineVersion("15.4")
        .masterUsername("master"));
    fake.createDBParameterGroup(g -> g.dbParameterGroupName("pg-custom").dbParameterGroupFamily("postgres15")
        .description("tuned"));
    OperationToken token = new RdsStarter(a.client, a.engine).restoreFromSnapshot(ReadyFlows.RESTORE_FROM_SNAPSHOT,
        Map.of("snapshot", "nightly"), q -> q.dbInstanceIdentifier(ID).dbSnapshotIdentifier("nightly")
            .dbInstanceClass("db.t3.micro").tags(Tag.builder().key("team").value("payments").build()));
    op = checker.add(PromiseChecker.Kind.RESTORE, token, clock.instant(), null, false);
    int begun = 0;
    int round = 0;
    boolean pendingBegin = false;
    while (round++ < MAX_ROUNDS) {
      clock.advance(Duration.ofSeconds(INTERVAL_S));
      chaos.deliver(w -> w.label.equals("next-round"));
      if (pendingBegin) {
        if (!begin(begun)) {
          break;
        }
        pendingBegin = false;
        continue;
      }
      OperationStatus answer = poll(a);
      if (answer != null && answer.isFinal() && op.finalAnswer == null) {
        op.finalAnswer = answer;
        op.finalAt = clock.instant();
      }
      if (op.finalAnswer != null) {
        if (op.finalAnswer.state() != OperationStatus.State.SUCCEEDED || begun >= updates) {
          break;
        }
        again(op);
        begun++;
        if (!begin(begun)) {
          pendingBegin = true; // the begin's answer was lost: the platform asks again next round
        }
      }
    }
    if (op.finalAnswer == null) {
      checker.stuck(op, clock.instant(), "no final answer after " + MAX_ROUNDS + " rounds of " + INTERVAL_S + " s");
    }
    // Faults stop: every held write lands, and each operation's token gets its answer once more.
    schedule.live = false;
    chaos.deliver(w -> true);
    clock.advance(Duration.ofSeconds(INTERVAL_S));
    if (op.finalAnswer != null && !beginTried) {
      again(op); // (once a begin wrote, even unanswered, the token is no longer the instance's current one)
    }
    List<String> all = new ArrayList<>(runViolations);
    all.addAll(checker.violations());
    return new Result(all, schedule, trace.toString(), pollCount);
  }

  /**
   * The platform's next poll with an operation's token after it heard the final answer (a retried
   * LastOperation request), made without faults: it must give that answer again. Held writes stay
   * held.
   */
  private void again(PromiseChecker.Operation o) {
    boolean live = schedule.live;
    schedule.live = false;
    clock.advance(Duration.ofSeconds(1));
    OperationStatus again;
    try {
      again = a.engine.poll(ID, o.token);
    } finally {
      schedule.live = live;
    }
    trace.append("  again ").append(o).append(" -> ").append(again.state()).append(": ")
        .append(again.description()).append('\n');
    checker.heardAgain(o, again, clock.instant());
    if (again.state() == OperationStatus.State.SUCCEEDED) {
      checker.heardSucceeded(o, clock.instant(), chaos.truthNow());
    }
  }

  /** The platform begins the next update through A; {@code false} if the begin did not return a token. */
  private boolean begin(int n) {
    String cls = CLASSES.get((n - 1) % CLASSES.size());
    current = a;
    callIndex = 0;
    nested = true; // no B poll inside a begin
    inBegin = true;
    beginTried = true;
    beginWriteFaulted = false;
    try {
      OperationToken t = a.engine.begin(ID, ReadyFlows.UPDATE_PLAN, Map.of("class", cls));
      trace.append("  begin update-plan ").append(cls).append(" -> ").append(t).append('\n');
      op = checker.add(PromiseChecker.Kind.UPDATE, t, clock.instant(), cls, false);
      beginTried = false;
      chaos.deliver(w -> w.label.equals("after-begin"));
      return true;
    } catch (RdsCallException e) {
      trace.append("  begin update-plan ").append(cls).append(" threw ").append(e.getMessage()).append('\n');
      ambiguousBegin = ambiguousBegin || beginWriteFaulted;
      return false;
    } catch (ConcurrentOperationException e) {
      trace.append("  begin update-plan ").append(cls).append(" refused: ").append(e.getMessage()).append('\n');
      // A stale describe may show the ended operation still running: the platform asks again, and
      // only a begin refused on a describe without faults is debris (or, after a begin whose answer
      // was lost, the ambiguous begin refused).
      boolean live = schedule.live;
      schedule.live = false;
      try {
        clock.advance(Duration.ofSeconds(1));
        OperationToken t = a.engine.begin(ID, ReadyFlows.UPDATE_PLAN, Map.of("class", cls));
        trace.append("  begin update-plan ").append(cls).append(" again, without faults -> ").append(t).append('\n');
        op = checker.add(PromiseChecker.Kind.UPDATE, t, clock.instant(), cls, false);
        beginTried = false;
        chaos.deliver(w -> w.label.equals("after-begin"));
        return true;
      } catch (ConcurrentOperationException again) {
        if (ambiguousBegin) {
          checker.ambiguousBeginRefused(op, clock.instant(), again.getMessage());
        } else {
          checker.beginRefused(op, clock.instant(), again.getMessage());
        }
        throw new Refused();
      } finally {
        schedule.live = live;
      }
    } finally {
      current = null;
      nested = false;
      inBegin = false;
    }
  }

  /** Ends a run whose begin was refused: nothing more the platform can do. */
  private static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Refused() {
      super(null, null, false, false);
    }
  }

  private OperationStatus poll(Replica r) {
    Replica outer = current;
    int outerIndex = callIndex;
    current = r;
    callIndex = 0;
    pollCount++;
    int id = pollCount;
    PromiseChecker.Operation polled = op;
    OperationStatus answer;
    try {
      answer = r.engine.poll(ID, polled.token);
    } catch (RuntimeException e) {
      runViolations.add("[poll threw] " + r.label + " poll #" + id + " threw " + e);
      answer = null;
    } finally {
      current = outer;
      callIndex = outerIndex;
    }
    trace.append("  ").append(clock.instant()).append(' ').append(r.label).append(" poll #").append(id)
        .append(outer != null ? " (inside A's poll)" : "").append(" -> ")
        .append(answer == null ? "threw" : answer.state() + ": " + answer.description()).append('\n');
    if (answer != null) {
      if (answer.state() == OperationStatus.State.SUCCEEDED) {
        checker.heardSucceeded(polled, clock.instant(), chaos.truthNow());
      } else if (answer.state() == OperationStatus.State.FAILED) {
        checker.heardFailed(polled, answer, clock.instant(), chaos.truthNow());
      }
      if (answer.isFinal() && polled.finalAnswer == null) {
        polled.finalAnswer = answer;
        polled.finalAt = clock.instant();
      }
    }
    return answer;
  }

  /** The chaos layer's policy: each call of a poll or a begin is a choice point. */
  private ChaosRds.Action decide(ChaosRds.CallInfo call) {
    if (current == null || !schedule.live) {
      return ChaosRds.Action.PASS;
    }
    clock.advance(Duration.ofMillis(100));
    chaos.deliver(w -> w.label.equals("next-boundary"));
    callIndex++;
    String where = current.label + (inBegin ? " begin" : " poll#" + pollCount) + " call " + callIndex + " "
        + call.operation();
    if (current == a && !nested && callIndex >= 2) {
      if (schedule.choose(2, where + ": B polls before it") == 1) {
        nested = true;
        trace.append("  -- B polls before ").append(where).append('\n');
        try {
          poll(b);
        } finally {
          nested = false;
        }
        chaos.deliver(w -> w.label.equals("next-boundary"));
      }
    }
    if (call.operation().equals("DescribeDBInstances")) {
      int depth = Math.min(lag, chaos.depth());
      int c = schedule.choose(1 + 3 * depth, where + ": lag");
      if (c == 0) {
        return ChaosRds.Action.PASS;
      }
      int j = (c - 1) % depth + 1;
      int kind = (c - 1) / depth;
      trace.append("  -- ").append(where).append(kind == 0 ? " whole view " : kind == 1 ? " attributes " : " tags ")
          .append(j).append(" back\n");
      return switch (kind) {
        case 0 -> new ChaosRds.Action.StaleBack(j, j);
        case 1 -> new ChaosRds.Action.StaleBack(j, 0);
        default -> new ChaosRds.Action.StaleBack(0, j);
      };
    }
    if (call.isWrite()) {
      int c = schedule.choose(4, where + ": write fate");
      if (c != 0 && inBegin) {
        beginWriteFaulted = true;
      }
      if (c != 0) {
        trace.append("  -- ").append(where).append(switch (c) {
          case 1 -> " lands, answer lost";
          case 2 -> " held, lands at the next boundary";
          default -> " held, lands after the next begin";
        }).append('\n');
      }
      return switch (c) {
        case 0 -> ChaosRds.Action.PASS;
        case 1 -> new ChaosRds.Action.Lost(true);
        case 2 -> new ChaosRds.Action.Late("next-boundary");
        default -> new ChaosRds.Action.Late(op.index > updates ? "next-round" : "after-begin");
      };
    }
    return ChaosRds.Action.PASS;
  }

  static Result runOrRefused(Schedule s, int lag, boolean claim, int updates) {
    ExplorerRun run = new ExplorerRun(s, lag, claim, updates);
    try {
      return run.run();
    } catch (Refused refused) {
      List<String> all = new ArrayList<>(run.runViolations);
      all.addAll(run.checker.violations());
      return new Result(all, s, run.trace.toString(), run.pollCount);
    }
  }
}
