package io.rdstagflow.aws.soak;

import io.rdstagflow.aws.DerivedPasswordSource;
import io.rdstagflow.aws.RdsStarter;
import io.rdstagflow.aws.ReadyFlows;
import io.rdstagflow.aws.SdkRdsGateway;
import io.rdstagflow.core.ClaimPolicy;
import io.rdstagflow.core.Deadline;
import io.rdstagflow.core.Flow;
import io.rdstagflow.core.FlowListener;
import io.rdstagflow.core.OperationStatus;
import io.rdstagflow.core.OperationToken;
import io.rdstagflow.core.Step;
import io.rdstagflow.core.TagStateMachine;
import io.rdstagflow.aws.explorer.ChaosRds;
import io.rdstagflow.aws.explorer.PromiseChecker;
import io.rdstagflow.core.ConcurrentOperationException;
import io.rdstagflow.core.RdsCallException;
import io.rdstagflow.core.StepContext;
import io.rdstagflow.core.StepResult;
import io.rdstagflow.testkit.FakeRds;
import io.rdstagflow.testkit.InstanceHistory;
import io.rdstagflow.testkit.VirtualClock;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.AddTagsToResourceRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesResponse;
import software.amazon.awssdk.services.rds.model.Tag;

/**
 * One soak flow, start to finish, on one thread: a fresh fake RDS on a virtual clock, a restore
 * from snapshot with the ready flow's tags, then a platform polling LastOperation through one to
 * four broker processes until it gets a final answer, while the {@link FlowScenario}'s faults
 * happen. Then every invariant of issue 5 is checked against what the soak recorded outside the
 * engine: its answers, every RDS call, every step execution, the instance's tag history and the
 * captured log lines.
 *
 * <p>Since 2026-12-01 every RDS call of a broker process also goes through the adversary's
 * {@link ChaosRds} layer (stale attributes apart from tags, lost responses, late writes, and the
 * plain injected errors), the platform may chain update-plan operations after the restore, and
 * every answer is judged by the {@link PromiseChecker} against the truth (docs/reliability.md).
 *
 * <p>Interleaving is deterministic: a second poll overlaps a first by running, nested, between two
 * of the first's RDS calls (so both read and write the same instance in an order the seed
 * chose), and a process crashes by throwing {@link BrokerCrash} after the k-th call of a poll.
 */
final class FlowRun {

  static final String INSTANCE = "soak-db";
  /** The password seed: the soak proves it, and every password derived from it, reach nowhere. */
  static final String PASSWORD_SEED = "soak-password-seed-never-in-a-tag-0123456789";
  private static final String PREFIX = TagStateMachine.DEFAULT_TAG_PREFIX;
  private static final Duration MAX_CLOCK_OFFSET = Duration.ofSeconds(10);
  private static final int MAX_POLLS = 20_000;

  private final FlowScenario sc;
  private final Random r;
  private final VirtualClock clock = VirtualClock.create();
  private final FakeRds rds;
  private final DerivedPasswordSource passwords = DerivedPasswordSource.fromSeed(PASSWORD_SEED);
  private final ExecutionJournal journal = new ExecutionJournal();
  private final List<PollRecord> polls = new ArrayList<>();
  private final Deque<PollRecord> inFlight = new ArrayDeque<>();
  private final BrokerProcess[] processes;
  private final RecordingUsersStep.WaitBudget waits;
  private final List<RecordingUsersStep.Run> usersRuns = new ArrayList<>();
  /** Text that must hold no secret: answers, exception messages, toStrings, listener events. */
  private final List<String> texts = new ArrayList<>();
  private final Map<String, Integer> faults = new TreeMap<>();
  private final List<String> violations = new ArrayList<>();
  /** Engine tag writes: when, and which keys; to tell whether a hand edit was written over. */
  private final List<Map.Entry<Instant, List<String>>> engineTagWrites = new ArrayList<>();

  private OperationToken token;
  private Instant restoredAt;
  private Duration blocked = Duration.ZERO;
  /** The restore's final answer (the existing checks are the restore's), its poll and time. */
  private OperationStatus outcome;
  private PollRecord outcomePoll;
  private Instant outcomeAt;
  private Instant restoreBound;
  private Edit edit;
  private Instant failureAt;
  /** When an engine first removed the flow's tags (finished it), whether or not its answer arrived. */
  private Instant finishedAt;
  /** Whether the poll that finished the flow acted on a describe that lagged behind RDS. */
  private boolean finishedStale;

  // ---- the adversary's additions
  private final String prefix;
  private final ChaosRds chaos;
  private final PromiseChecker checker;
  /** The operation the platform is polling now, its start and the faults' blocked time when it began. */
  private PromiseChecker.Operation op;
  private Instant opStart;
  private Duration blockedAtOpStart = Duration.ZERO;
  private Duration gaps = Duration.ZERO;
  private Duration pendingGap;
  /** Faults pending in the chaos layer: throttling, errors, lost responses, held writes, lags. */
  private int throttleNext;
  private double throttleShare;
  private final Random throttleRandom;
  private final Map<String, java.util.ArrayDeque<String[]>> failNext = new TreeMap<>();
  private final Map<String, Integer> lostNext = new TreeMap<>();
  private final Map<String, java.util.ArrayDeque<Integer>> lateNext = new TreeMap<>();
  private Duration bothLag = Duration.ZERO;
  private Duration attrLag = Duration.ZERO;
  private Duration tagLag = Duration.ZERO;
  private Instant beginLagUntil;
  private Instant beginLagTagsAsOf;
  private Instant afterBeginDelivery;
  private boolean quiet;
  /** A begin whose write was lost or held (so a repeated begin is ambiguous). */
  private boolean beginWriteFaulted;
  /** The process that gave each operation its final answer: the one its next poll goes to. */
  private final Map<Integer, Integer> finalBy = new TreeMap<>();
  /** When the chaos layer lost a write's answer. */
  private final List<Instant> lostAt = new ArrayList<>();
  /** When a describe was answered with older attributes (or older tags) than the fake held. */
  private final List<Instant> staleAttributesAt = new ArrayList<>();
  private final List<Instant> staleTagsAt = new ArrayList<>();

  /** A hand edit that was applied: what, when, to which keys. */
  private record Edit(FlowScenario.EditKind kind, Instant at, List<String> keys, String value) {}

  FlowRun(FlowScenario scenario) {
    this.sc = scenario;
    this.r = new Random(scenario.seed ^ 0x5DEECE66DL);
    this.throttleRandom = new Random(scenario.seed ^ 0x7407_7113L);
    this.prefix = scenario.prefix;
    this.rds = FakeRds.builder().clock(clock).timings(scenario.timings).seed(scenario.seed).build();
    this.chaos = new ChaosRds(rds, INSTANCE);
    this.chaos.policy(this::decide);
    this.checker = new PromiseChecker(rds, INSTANCE, new PromiseChecker.RestoreSpec(scenario.rebootNeeded ? "pg-custom" : null,
        7), FlowScenario.FLOW_DEADLINE, FlowScenario.STEP_DEADLINE);
    this.waits = new RecordingUsersStep.WaitBudget(scenario.usersWaits);
    this.journal.polls(polls);
    this.processes = new BrokerProcess[scenario.processes];
    for (int i = 0; i < processes.length; i++) {
      processes[i] = new BrokerProcess(i);
    }
  }

  // ------------------------------------------------------------------ the run

  FlowResult run() {
    rds.givenSnapshot(s -> s.dbSnapshotIdentifier("nightly").engine("postgres").engineVersion("15.4")
        .allocatedStorage(20).masterUsername("master"));
    rds.createDBParameterGroup(g -> g.dbParameterGroupName("pg-custom").dbParameterGroupFamily("postgres15")
        .description("the broker's tuned parameters"));
    if (sc.lagAtRestoreSeconds > 0) {
      bothLag = Duration.ofSeconds(sc.lagAtRestoreSeconds);
      count("describe lag", 1);
    }
    List<Tag> requestTags = new ArrayList<>();
    requestTags.add(Tag.builder().key("team").value("payments").build());
    sc.userTags.forEach((k, v) -> requestTags.add(Tag.builder().key(k).value(v).build()));
    // The restore is the broker's provision request, made before the platform's first poll.
    token = new RdsStarter(rds, processes[0].engine).restoreFromSnapshot(ReadyFlows.RESTORE_FROM_SNAPSHOT,
        Map.of("snapshot", "nightly"),
        q -> q.dbInstanceIdentifier(INSTANCE).dbSnapshotIdentifier("nightly").dbInstanceClass("db.t3.micro")
            .tags(requestTags));
    restoredAt = clock.instant();
    chaos.truthNow(); // the instance as the restore created it: what a lagging describe may show from now on
    opStart = restoredAt;
    op = checker.add(PromiseChecker.Kind.RESTORE, token, restoredAt, null,
        sc.newDefinition != null && sc.newDefinition[0]);
    if (sc.throttleShare > 0) {
      throttleShare = sc.throttleShare;
    }
    if (sc.instanceFailure != null) {
      rds.faults().failInstanceAfter(INSTANCE, sc.instanceFailure.status(), sc.instanceFailure.after());
      failureAt = restoredAt.plus(sc.instanceFailure.after());
      checker.instanceFailed(failureAt);
    }
    int nextFault = 0;
    int begun = 0;
    Instant next = restoredAt.plus(sc.firstPoll);
    while (true) {
      advanceTo(next);
      while (nextFault < sc.faults.size() && !restoredAt.plus(sc.faults.get(nextFault).at()).isAfter(clock.instant())) {
        apply(sc.faults.get(nextFault++));
      }
      deliverDue();
      if (pendingGap != null) {
        // The platform stops polling for a while (its workers were busy, a network partition): hours later it asks again.
        Duration gap = pendingGap;
        pendingGap = null;
        gaps = gaps.plus(gap);
        next = clock.instant().plus(gap);
        continue;
      }
      Instant roundAt = clock.instant();
      BrokerProcess p = processes[r.nextInt(processes.length)];
      PollRecord top = poll(p, 0);
      Instant jittered = clock.instant().plus(sc.pollInterval).plusMillis(r.nextInt(3000));
      next = roundAt.plus(sc.pollInterval).isAfter(jittered) ? roundAt.plus(sc.pollInterval) : jittered;
      if (top.crashed || top.hitInjectedFault()) {
        blocked = blocked.plus(Duration.between(roundAt, next));
      }
      if (op.finalAnswer != null) {
        if (op.index == 1) {
          restoreBound = bound();
        }
        again(op);
        if (op.finalAnswer.state() != OperationStatus.State.SUCCEEDED || begun >= sc.updates) {
          break;
        }
        begun++;
        if (!beginUpdate(begun)) {
          break;
        }
        next = clock.instant().plus(sc.pollInterval).plusMillis(r.nextInt(3000));
        continue;
      }
      if (clock.instant().isAfter(bound()) || polls.size() > MAX_POLLS) {
        String why = "stuck in progress after " + polls.size() + " polls; bound " + bound() + " (deadline plus "
            + blocked.minus(blockedAtOpStart) + " blocked by faults and " + gaps + " of platform gaps)";
        if (op.index == 1) {
          violate("stuck", why + " at " + clock.instant());
        } else {
          checker.stuck(op, clock.instant(), why);
        }
        break;
      }
    }
    check();
    return result();
  }

  /**
   * Counts which of the adversary's faults were at work when the platform heard a wrong answer
   * for {@code o}: a rough attribution for the figures (the explorer gives minimal schedules).
   */
  private void attribute(String what, PromiseChecker.Operation o) {
    Instant now = clock.instant();
    Instant since = o == null ? restoredAt : o.begunAt;
    List<String> causes = new ArrayList<>();
    if (o != null && o.abortedAt != null) {
      causes.add("an operator abort");
    }
    if (chaos.held().stream().anyMatch(w -> w.delivered() && w.deliveryError() == null && !w.deliveredAt().isBefore(since))) {
      causes.add("a late write landed");
    }
    if (lostAt.stream().anyMatch(t -> !t.isBefore(since))) {
      causes.add("a lost response");
    }
    if (beginLagUntil != null && o != null && o.index > 1 && !beginLagUntil.isBefore(since)) {
      causes.add("tag lag right after begin");
    }
    if (staleAttributesAt.stream().anyMatch(t -> !t.isBefore(since))) {
      causes.add("a describe with stale attributes");
    }
    if (staleTagsAt.stream().anyMatch(t -> !t.isBefore(since))) {
      causes.add("a describe with stale tags");
    }
    if (sc.newDefinition != null) {
      causes.add("a rolling deploy");
    }
    if (sc.skewedProcess > 0) {
      causes.add("a clock 3 h slow");
    }
    if (!sc.userTags.isEmpty()) {
      causes.add("a user tag in the namespace");
    }
    if (!gaps.isZero()) {
      causes.add("a platform gap");
    }
    if (sc.deferredChange && o != null && o.index > 1) {
      causes.add("a deferred change");
    }
    if (causes.isEmpty()) {
      causes.add("none of the adversary's faults");
    }
    for (String c : causes) {
      count("(" + what + " while) " + c, 1);
    }
    if (Boolean.getBoolean("soak.listAll")) {
      System.out.println("attribution seed " + sc.seed + " " + what + " for " + o + " while " + causes);
    }
  }

  /** The platform asks again with an ended operation's token (a retried request), without faults: the same answer. */
  private void again(PromiseChecker.Operation o) {
    clock.advance(Duration.ofSeconds(1));
    boolean wasQuiet = quiet;
    quiet = true;
    // The same broker version that answered (during a rolling deploy an older one may rightly
    // answer an operation of a newer definition in progress).
    BrokerProcess p = processes[finalBy.getOrDefault(o.index, 0)];
    if (p.life.dead) {
      p.start();
    }
    try {
      OperationStatus again = p.engine.poll(INSTANCE, o.token);
      texts.add(again.toString());
      checker.heardAgain(o, again, clock.instant());
      if (again.state() == OperationStatus.State.SUCCEEDED) {
        checker.heardSucceeded(o, clock.instant(), chaos.truthNow());
      }
    } catch (RuntimeException e) {
      violate("poll threw", "the repeated poll for " + o + " threw " + e);
    } finally {
      quiet = wasQuiet;
    }
  }

  /**
   * The platform begins the next update-plan as soon as it heard succeeded, through the first
   * process, retrying a begin that failed transiently; {@code false} if the chain ends here.
   */
  private boolean beginUpdate(int n) {
    if (n == 1 && sc.deferredChange) {
      // The owner changes Multi-AZ for the next maintenance window: a pending value that stays on an available instance.
      try {
        rds.modifyDBInstance(q -> q.dbInstanceIdentifier(INSTANCE).multiAZ(true).applyImmediately(false));
        count("deferred change (maintenance window)", 1);
      } catch (AwsServiceException e) {
        count("deferred change skipped (instance busy)", 1);
      }
    }
    String cls = n % 2 == 1 ? "db.t3.small" : "db.t3.medium";
    BrokerProcess p = processes[0];
    beginWriteFaulted = false;
    boolean ambiguous = false;
    for (int attempt = 0; attempt < 6; attempt++) {
      if (p.life.dead) {
        p.start();
      }
      clock.advance(Duration.ofSeconds(attempt == 0 ? 1 : 10));
      Instant at = clock.instant();
      try {
        OperationToken t = p.engine.begin(INSTANCE, ReadyFlows.UPDATE_PLAN, Map.of("class", cls));
        startOperation(t, at, cls);
        return true;
      } catch (RdsCallException e) {
        texts.add(e.getMessage());
        ambiguous = ambiguous || beginWriteFaulted;
        count("begin failed transiently", 1);
      } catch (ConcurrentOperationException e) {
        texts.add(e.getMessage());
        // A lagging describe may show the ended operation still running: asked again without faults,
        // only a refusal is debris (or, after a begin whose answer was lost, the ambiguous begin refused).
        quiet = true;
        try {
          clock.advance(Duration.ofSeconds(1));
          OperationToken t = p.engine.begin(INSTANCE, ReadyFlows.UPDATE_PLAN, Map.of("class", cls));
          count("begin refused on a stale describe, accepted again", 1);
          startOperation(t, clock.instant(), cls);
          return true;
        } catch (ConcurrentOperationException again) {
          if (ambiguous) {
            checker.ambiguousBeginRefused(op, clock.instant(), again.getMessage());
          } else {
            checker.beginRefused(op, clock.instant(), again.getMessage());
          }
          return false;
        } finally {
          quiet = false;
        }
      }
    }
    count("begin gave up", 1);
    return false;
  }

  private void startOperation(OperationToken t, Instant at, String cls) {
    token = t;
    op = checker.add(PromiseChecker.Kind.UPDATE, t, at, cls, false);
    opStart = at;
    blockedAtOpStart = blocked;
    count("update-plan begun", 1);
    if (sc.beginLag) {
      beginLagUntil = clock.instant().plusSeconds(sc.beginLagSeconds);
      beginLagTagsAsOf = at.minusMillis(1);
      count("tag lag right after begin", 1);
    }
    afterBeginDelivery = clock.instant().plusSeconds(1 + r.nextInt(90));
  }

  /** Delivers the held writes whose time has come. */
  private void deliverDue() {
    Instant now = clock.instant();
    if (afterBeginDelivery != null && !now.isBefore(afterBeginDelivery)) {
      chaos.deliver(w -> w.label.equals("after-begin"));
      afterBeginDelivery = null;
    }
    chaos.deliver(w -> w.label.startsWith("at ") && !Instant.parse(w.label.substring(3)).isAfter(now));
  }

  private void advanceTo(Instant t) {
    Duration d = Duration.between(clock.instant(), t);
    if (!d.isNegative()) {
      clock.advance(d);
    }
  }

  /**
   * The latest a final answer may come for the current operation: the flow deadline (allowing for
   * clock skew and the processes' offsets) plus the time faults blocked every poll and the
   * platform's gaps, plus two poll intervals and a minute for the poll that notices. A flow whose
   * tags were all removed has no deadline left; the instance status alone answers once the
   * restore is over.
   */
  private Instant bound() {
    Duration slack = sc.pollInterval.multipliedBy(2).plusMinutes(1).plus(FlowScenario.CLOCK_SKEW).plus(MAX_CLOCK_OFFSET);
    Instant deadline = opStart.plus(FlowScenario.FLOW_DEADLINE);
    if (op.index == 1 && edit != null && edit.kind() == FlowScenario.EditKind.DELETE_ALL) {
      Instant restored = restoredAt.plus(sc.timings.creating()).plus(Duration.ofMinutes(15));
      deadline = restored.isAfter(deadline) ? restored : deadline;
    }
    return deadline.plus(slack).plus(blocked.minus(blockedAtOpStart)).plus(gaps);
  }

  /** One LastOperation request served by process {@code p}; {@code depth} 1 when it overlaps another. */
  private PollRecord poll(BrokerProcess p, int depth) {
    if (p.life.dead) {
      p.start(); // a new broker process, rebuilt from nothing
    }
    BrokerProcess.Life life = p.life;
    int crashAfter = sc.crashChance > 0 && r.nextDouble() < sc.crashChance ? 1 + r.nextInt(4) : 0;
    PollRecord rec = new PollRecord(polls.size() + 1, p.label(), p.owner(), depth, clock.instant(), crashAfter);
    rec.token = token;
    polls.add(rec);
    inFlight.push(rec);
    try {
      OperationStatus answer = p.engine.poll(INSTANCE, token);
      texts.add(answer.toString());
      if (life.dead) {
        rec.crashed = true; // its process died under it (an overlapping poll crashed it): no answer
      } else {
        rec.answer = answer;
        if (answer.state() == OperationStatus.State.IN_PROGRESS && answer.retryAfter()
            .filter(d -> d.compareTo(java.time.Duration.ofSeconds(1)) >= 0).isEmpty()) {
          violate("no retry-after", "poll #" + rec.id + " answered in progress without a Retry-After of 1 s or more: "
              + answer);
        }
      }
    } catch (BrokerCrash crash) {
      rec.crashed = true;
      texts.add(crash.getMessage());
    } catch (RuntimeException e) {
      rec.threw = e.getClass().getName() + ": " + e.getMessage();
      texts.add(rec.threw);
      violate("poll threw", "poll #" + rec.id + " threw " + rec.threw);
    } finally {
      rec.endedAt = clock.instant();
      inFlight.pop();
    }
    if (rec.crashed) {
      count("broker crash", 1);
    }
    if (rec.answer != null) {
      PromiseChecker.Operation polled = checker.of(rec.token);
      int before = checker.violations().size();
      if (rec.answer.state() == OperationStatus.State.SUCCEEDED) {
        checker.heardSucceeded(polled, rec.endedAt, chaos.truthNow());
        if (checker.violations().size() > before) {
          attribute("wrong success", polled);
        }
      } else if (rec.answer.state() == OperationStatus.State.FAILED) {
        checker.heardFailed(polled, rec.answer, rec.endedAt, chaos.truthNow());
        if (checker.violations().size() > before) {
          attribute("wrong failure", polled);
        }
      }
      if (rec.answer.isFinal() && polled != null && polled.finalAnswer == null) {
        polled.finalAnswer = rec.answer;
        polled.finalAt = rec.endedAt;
        finalBy.put(polled.index, p.index);
        if (polled.index == 1) {
          outcome = rec.answer;
          outcomePoll = rec;
          outcomeAt = rec.endedAt;
        }
      }
    }
    return rec;
  }

  // ------------------------------------------------------------------ faults and hand edits

  private void apply(FlowScenario.Fault f) {
    switch (f.kind()) {
      case THROTTLE_BURST -> throttleNext += f.count();
      case SERVER_ERROR, INVALID_STATE -> {
        for (int i = 0; i < f.count(); i++) {
          failNext.computeIfAbsent(f.operation(), k -> new java.util.ArrayDeque<>())
              .add(new String[] {f.code(), String.valueOf(f.status())});
        }
      }
      case DESCRIBE_LAG -> {
        bothLag = Duration.ofSeconds(f.count());
        if (f.count() > 0) {
          count("describe lag", 1);
        }
      }
      case ATTR_LAG -> {
        attrLag = Duration.ofSeconds(f.count());
        if (f.count() > 0) {
          count("attribute lag (tags current)", 1);
        }
      }
      case TAG_LAG -> {
        tagLag = Duration.ofSeconds(f.count());
        if (f.count() > 0) {
          count("tag lag (attributes current)", 1);
        }
      }
      case LOST_RESPONSE -> lostNext.merge(f.operation(), f.count(), Integer::sum);
      case LATE_WRITE -> lateNext.computeIfAbsent(f.operation(), k -> new java.util.ArrayDeque<>()).add(f.count());
      case PLATFORM_GAP -> {
        pendingGap = Duration.ofMinutes(f.count());
        count("platform gap (1-5 h)", 1);
      }
      case ABORT -> abort(null);
      case TAG_EDIT -> {
        if (f.edit() == FlowScenario.EditKind.DELETE_HARMLESS) {
          abort(f);
        } else if (op.index == 1) {
          editByHand(f);
        }
      }
    }
  }

  /** An operator aborts the current operation through the API (the first process's engine). */
  private void abort(FlowScenario.Fault f) {
    if (op.finalAnswer != null || op.abortedAt != null) {
      return;
    }
    BrokerProcess p = processes[0];
    if (p.life.dead) {
      p.start();
    }
    boolean wasQuiet = quiet;
    quiet = true;
    try {
      DBInstance before = chaos.truthNow();
      boolean removed = p.engine.abort(INSTANCE);
      if (removed) {
        op.abortedAt = clock.instant();
        op.workDoneAtAbort = checker.workDone(op, clock.instant(), before);
        if (op.index == 1 && edit == null) {
          edit = new Edit(FlowScenario.EditKind.DELETE_ALL, clock.instant(), List.of(), null);
        }
        count("operator abort (API)", 1);
      }
    } catch (RuntimeException e) {
      if (chaos.lastApplied()) {
        // The abort's write took effect; only its answer was lost.
        op.abortedAt = clock.instant();
        op.workDoneAtAbort = false;
        if (op.index == 1 && edit == null) {
          edit = new Edit(FlowScenario.EditKind.DELETE_ALL, clock.instant(), List.of(), null);
        }
        count("operator abort (API), answer lost", 1);
      } else {
        count("operator abort failed", 1);
      }
    } finally {
      quiet = wasQuiet;
    }
  }

  /** The keys an operator takes for the library's: the prefix's, less the user's own tags. */
  private List<String> libraryKeys(Map<String, String> live) {
    List<String> keys = new ArrayList<>();
    for (String k : live.keySet()) {
      if (k.startsWith(prefix) && !sc.userTags.containsKey(k)) {
        keys.add(k);
      }
    }
    return keys;
  }

  /**
   * An operator edits the tags in the console, retrying while RDS throttles the console too. The
   * edit knows nothing of the tag encoding: it removes all the library's keys, removes one, or
   * replaces one's value with one no format accepts.
   */
  private void editByHand(FlowScenario.Fault f) {
    if (edit != null || op.finalAnswer != null) {
      return;
    }
    Map<String, String> live = liveTags();
    List<String> flowKeys = libraryKeys(live);
    if (flowKeys.isEmpty()) {
      count("hand edit skipped (flow over)", 1);
      return;
    }
    String arn = rds.instanceArn(INSTANCE);
    switch (f.edit()) {
      case DELETE_ALL -> {
        retrying(() -> rds.removeTagsFromResource(q -> q.resourceName(arn).tagKeys(flowKeys)));
        edit = new Edit(f.edit(), clock.instant(), flowKeys, null);
        op.abortedAt = clock.instant();
        op.workDoneAtAbort = false;
      }
      case DELETE_ONE -> {
        String key = flowKeys.get(f.pick() % flowKeys.size());
        retrying(() -> rds.removeTagsFromResource(q -> q.resourceName(arn).tagKeys(key)));
        edit = new Edit(f.edit(), clock.instant(), List.of(key), null);
        op.editedAt = clock.instant();
      }
      default -> {
        String key = flowKeys.get(f.pick() % flowKeys.size());
        String value = "done really";
        retrying(() -> rds.addTagsToResource(q -> q.resourceName(arn).tags(Tag.builder().key(key).value(value).build())));
        edit = new Edit(f.edit(), clock.instant(), List.of(key), value);
        op.editedAt = clock.instant();
      }
    }
    count("hand edit " + f.edit().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '), 1);
  }

  private static void retrying(Runnable call) {
    for (int i = 0; ; i++) {
      try {
        call.run();
        return;
      } catch (AwsServiceException e) {
        if (i > 100 || !(e.isThrottlingException() || e.statusCode() >= 500)) {
          throw e;
        }
      }
    }
  }

  private Map<String, String> liveTags() {
    List<InstanceHistory.TagChange> changes = rds.history(INSTANCE).orElseThrow().tags();
    return new TreeMap<>(changes.get(changes.size() - 1).tags());
  }

  /** Records a broken invariant as {@code [kind] sentence}; the figures group flows by kind. */
  private void violate(String kind, String sentence) {
    violations.add("[" + kind + "] " + sentence);
  }

  private void count(String kind, int n) {
    faults.merge(kind, n, Integer::sum);
  }

  // ------------------------------------------------------------------ the checks

  private void check() {
    String outcomeClass = outcome == null ? "stuck in progress" : classify(outcome);
    if (outcome != null) {
      checkOutcome(outcomeClass);
    }
    checkOrder(outcomeClass);
    for (ExecutionJournal.Repeat rep : journal.repeats(sc.claimOn)) {
      if (repeatCause(rep).equals(ExecutionJournal.Cause.UNEXPLAINED.label)) {
        violate("unexplained repeat", "step " + rep.execution().step() + " ran again in poll #" + rep.execution().poll().id
            + " (after poll #" + rep.previous().poll().id + ") with no crash, failed record, concurrent poller"
            + " or stale read to explain it");
      }
    }
    // The user's tags, even those that share the prefix's namespace, are never the library's to remove.
    Map<String, String> live = liveTags();
    sc.userTags.forEach((k, v) -> {
      if (!v.equals(live.get(k))) {
        violate("user tag removed", "the user's tag " + k + "=" + v + " is " + (live.containsKey(k)
            ? "now " + live.get(k) : "gone") + " at the end");
      }
    });
    violations.addAll(checker.violations());
    checkSecrets();
  }

  /**
   * The journal's cause, or, for a repeat it cannot explain, a late tag write of the chaos layer
   * that landed between the two executions (an older record put back over the newer one).
   */
  private String repeatCause(ExecutionJournal.Repeat rep) {
    if (rep.cause() == ExecutionJournal.Cause.UNEXPLAINED) {
      Instant from = rep.previous().at();
      Instant to = rep.execution().at();
      boolean late = chaos.held().stream().anyMatch(w -> w.delivered() && w.deliveryError() == null
          && (w.operation.equals("AddTagsToResource") || w.operation.equals("RemoveTagsFromResource"))
          && w.deliveredAt().isAfter(from) && w.deliveredAt().isBefore(to));
      if (late) {
        return "late tag write over the record";
      }
    }
    return rep.cause().label;
  }

  /** The outcome's reason class; a failure must name the step, the tag, or the flow and why. */
  String classify(OperationStatus s) {
    return classify(s, prefix);
  }

  static String classify(OperationStatus s, String prefix) {
    String d = s.description();
    if (s.state() == OperationStatus.State.SUCCEEDED) {
      return d.equals("instance is available") ? "succeeded, instance status alone" : "succeeded";
    }
    if (s.state() == OperationStatus.State.IN_PROGRESS) {
      return "in progress";
    }
    if (d.startsWith("step ")) {
      String step = d.substring(5, d.indexOf(' ', 5));
      return "failed: step " + step + (d.contains("exceeded its deadline") ? " deadline" : "");
    }
    if (d.startsWith("flow " + ReadyFlows.RESTORE_FROM_SNAPSHOT + " ")) {
      if (d.contains("instance status ")) {
        return "failed: instance status";
      }
      return d.contains("exceeded its flow deadline") ? "failed: flow deadline" : "failed: flow, other";
    }
    if (d.startsWith("instance status ")) {
      return "failed: instance status, no flow";
    }
    if (d.contains("tag " + prefix) || d.contains("tags [" + prefix)) {
      return "failed: tag";
    }
    if (d.startsWith("instance ") && d.endsWith(" not found")) {
      return "failed: not found";
    }
    return "failed: other";
  }

  private void checkOutcome(String cls) {
    String d = outcome.description();
    boolean aborted = (edit != null && edit.kind() == FlowScenario.EditKind.DELETE_ALL)
        || checker.operations().get(0).abortedAt != null;
    boolean strictEdit = edit != null && edit.kind() != FlowScenario.EditKind.DELETE_HARMLESS;
    boolean rewritten = strictEdit && writtenOver(edit);
    boolean failureSeen = failureAt != null && !outcomeAt.isBefore(failureAt);
    // A describe that lagged behind the hand edit did not show it: acting on it is RDS's eventual
    // consistency, not the engine ignoring a tag.
    boolean editUnseen = edit != null && (describedStale(outcomePoll)
        || (finishedAt != null && !finishedAt.isBefore(edit.at()) && finishedStale));
    Instant earliest = restoredAt.minus(MAX_CLOCK_OFFSET).minus(FlowScenario.CLOCK_SKEW);
    if (restoreBound != null && outcomeAt.isAfter(restoreBound)) {
      violate("answered past the bound", "final answer at " + outcomeAt + ", past its bound " + restoreBound);
    }
    switch (cls) {
      case "succeeded", "succeeded, instance status alone" -> {
        if (strictEdit && !aborted && !rewritten && !editUnseen) {
          // Which tags the engine needs is the encoding's business: a success on edited tags is a
          // violation only if the truth says the work was not done (the promise checker's verdict).
          count("succeeded although a tag was edited by hand", 1);
        }
        PollRecord.Call lastRead = outcomePoll.describeBefore(Integer.MAX_VALUE);
        if (failureSeen && lastRead != null && !lastRead.at().isBefore(failureAt) && !lastRead.staleView()) {
          violate("succeeded on a failed instance", "succeeded at " + outcomeAt + " although the instance went " + sc.instanceFailure.status()
              + " at " + failureAt);
        }
      }
      case "failed: tag" -> {
        if (!strictEdit) {
          violate(d.contains("belong to no flow") ? "failed on orphan flow tags" : "failed on an unedited tag",
              "failed naming a tag nobody edited: '" + d + "'");
        } else if (!rewritten && edit.kind() != FlowScenario.EditKind.DELETE_ALL
            && edit.keys().stream().noneMatch(d::contains)) {
          violate("failed naming the wrong tag", "failed naming another tag than the one edited (" + edit.keys() + "): '" + d + "'");
        }
        // After an abort (or all tags removed by hand) a failure naming tags a late write put back is
        // right (design.md: step tags with no flow tag are never a success).
      }
      case "failed: instance status", "failed: instance status, no flow" -> {
        if (!failureSeen || !d.endsWith("instance status " + sc.instanceFailure.status())) {
          violate("failed on an unexplained status", "failed on an instance status that no fault caused: '" + d + "'");
        }
        if (cls.endsWith("no flow") && !aborted && finishedAt == null) {
          violate("flow ignored", "answered from the instance status alone although no one removed the flow's tags: '" + d + "'");
        }
      }
      case "failed: flow deadline" -> {
        if (outcomeAt.isBefore(earliest.plus(FlowScenario.FLOW_DEADLINE))) {
          violate("early deadline", "failed on the flow deadline before it had passed: '" + d + "' at " + outcomeAt);
        }
      }
      case "failed: step settings deadline", "failed: step reboot deadline", "failed: step users deadline" -> {
        if (outcomeAt.isBefore(earliest.plus(FlowScenario.STEP_DEADLINE))) {
          violate("early deadline", "failed on a step deadline before it could have passed: '" + d + "' at " + outcomeAt);
        }
      }
      case "failed: flow, other" -> {
        if (!aborted && !failureSeen) {
          violate("unexplained failure", "failed for a reason no injected fault explains (class " + cls + "): '" + d + "'");
        }
      }
      case "failed: not found" -> violate("failed as not found, instance exists",
          "answered '" + d + "' at " + outcomeAt + " although the restore had created the instance at " + restoredAt);
      default -> {
        if (!aborted) {
          violate("unexplained failure", "failed for a reason no injected fault explains (class " + cls + "): '" + d + "'");
        }
      }
    }
  }

  /** {@code true} if an engine wrote any of the edited keys after the edit (a stale poller's write). */
  private boolean writtenOver(Edit e) {
    for (Map.Entry<Instant, List<String>> w : engineTagWrites) {
      if (!w.getKey().isBefore(e.at()) && w.getValue().stream().anyMatch(e.keys()::contains)) {
        return true;
      }
      if (!w.getKey().isBefore(e.at()) && e.kind() == FlowScenario.EditKind.DELETE_ALL && !w.getValue().isEmpty()) {
        return true;
      }
    }
    return false;
  }

  private static boolean describedStale(PollRecord p) {
    for (PollRecord.Call c : p.calls) {
      if (c.staleView()) {
        return true;
      }
    }
    return false;
  }

  /** Steps ran in order, none skipped, and the last one only on a settled instance. */
  private void checkOrder(String cls) {
    if (chaos.held().stream().anyMatch(w -> w.delivered() && w.deliveryError() == null
        && (w.operation.equals("ModifyDBInstance") || w.operation.equals("RebootDBInstance")))) {
      // A late Modify or Reboot reached RDS outside any poll, so the journal does not have it: the
      // promise checker judges this flow's steps from the fake's call log instead.
      count("journal checks skipped (a late action landed)", 1);
      return;
    }
    ExecutionJournal.Execution settings = journal.first("settings");
    ExecutionJournal.Execution reboot = journal.first("reboot");
    for (ExecutionJournal.Execution e : journal.all()) {
      if (!e.step().equals("settings") && (settings == null || e.at().isBefore(settings.at()))) {
        violate("steps out of order", "step " + e.step() + " ran at " + e.at() + " before settings had run");
      }
      if (e.step().equals("users") && sc.rebootNeeded && (reboot == null || e.at().isBefore(reboot.at()))) {
        violate("steps out of order", "step users ran at " + e.at() + " before the needed reboot");
      }
    }
    if (!sc.rebootNeeded && reboot != null) {
      violate("needless reboot", "rebooted although no parameter group waited for a reboot");
    }
    for (RecordingUsersStep.Run run : usersRuns) {
      if (run.done() && (run.pendingReboot() || !run.settled())) {
        violate("users on an unsettled instance", "step users ran on an instance that was " + run.status()
            + (run.pendingReboot() ? " with a reboot pending" : ""));
      }
    }
    boolean aborted = edit != null && edit.kind() == FlowScenario.EditKind.DELETE_ALL;
    if (cls.startsWith("succeeded") && !aborted) {
      for (String step : ExecutionJournal.STEPS) {
        if (journal.first(step) == null && (sc.rebootNeeded || !step.equals("reboot"))) {
          violate("step skipped", "succeeded, but step " + step + " never ran");
        }
      }
    }
  }

  private void checkSecrets() {
    List<String> secrets = new ArrayList<>();
    secrets.add(PASSWORD_SEED);
    secrets.add(passwords.password(INSTANCE, "master"));
    for (String user : RecordingUsersStep.BOUND_USERS) {
      secrets.add(passwords.password(INSTANCE, user));
    }
    List<String> all = new ArrayList<>(texts);
    for (InstanceHistory.TagChange change : rds.history(INSTANCE).orElseThrow().tags()) {
      change.tags().forEach((k, v) -> all.add(k + "=" + v));
    }
    all.add(rds.calls().render());
    all.add(passwords.toString());
    for (BrokerProcess p : processes) {
      all.add(p.engine.toString());
      all.add(p.flow.toString());
      all.add(p.client.toString());
      for (Step step : p.flow.steps()) {
        all.add(step.toString());
      }
    }
    all.addAll(SoakLogs.drain());
    for (String text : all) {
      for (String secret : secrets) {
        if (text != null && text.contains(secret)) {
          violate("secret leaked", "a secret (" + (secret.equals(PASSWORD_SEED) ? "the seed" : "a password")
              + ") appears in: " + text.replace(secret, "<SECRET>"));
        }
      }
    }
  }

  private FlowResult result() {
    Map<String, Integer> repeats = new TreeMap<>();
    int leaseExpiries = 0;
    int seenRecorded = 0;
    for (ExecutionJournal.Repeat rep : journal.repeats(sc.claimOn)) {
      repeats.merge(repeatCause(rep), 1, Integer::sum);
      leaseExpiries += rep.afterLeaseExpiry() ? 1 : 0;
      seenRecorded += rep.seenRecorded() ? 1 : 0;
    }
    for (PollRecord p : polls) {
      for (PollRecord.Call c : p.calls) {
        if (c.injected()) {
          count(switch (c.errorCode()) {
            case "Throttling" -> "throttled call";
            case "InvalidDBInstanceState" -> "InvalidDBInstanceState (injected)";
            default -> "5xx";
          }, 1);
        }
        if (c.staleView()) {
          count("stale describe", 1);
        }
      }
      if (p.depth > 0) {
        count("overlapping poll", 1);
      }
    }
    if (failureAt != null) {
      count("instance failure", 1);
    }
    StringBuilder trace = new StringBuilder();
    for (PollRecord p : polls) {
      trace.append("    ").append(p.render()).append('\n');
    }
    String cls = outcome == null ? "stuck in progress" : classify(outcome);
    Duration virtual = Duration.between(restoredAt, outcomeAt == null ? clock.instant() : outcomeAt);
    chaos.counts().forEach((k, v) -> count("(chaos layer) " + k, v));
    checker.notes().forEach((k, v) -> count("(checker) " + k, v));
    return new FlowResult(sc.seed, sc.claimOn, cls, polls.size(), faults, repeats, leaseExpiries, seenRecorded, blocked,
        virtual, List.copyOf(violations), sc.toString(), trace.toString(), checker.repeats());
  }

  // ------------------------------------------------------------------ broker processes

  /** One broker replica: its engine, flow and RDS client, rebuilt from nothing after a crash. */
  private final class BrokerProcess {
    /** One incarnation of the process; its client refuses every call once it has died. */
    final class Life {
      boolean dead;
    }

    private final int index;
    private final Clock processClock;
    private int generation;
    Life life;
    RdsClient client;
    Flow flow;
    TagStateMachine engine;

    BrokerProcess(int index) {
      this.index = index;
      this.processClock = Clock.offset(clock, sc.clockOffsets[index]);
      start();
    }

    String label() {
      return "e" + index;
    }

    String owner() {
      return "e" + index + "-g" + generation;
    }

    void start() {
      generation++;
      life = new Life();
      RdsClient chaosClient = chaos.client(owner());
      client = (RdsClient) Proxy.newProxyInstance(RdsClient.class.getClassLoader(), new Class<?>[] {RdsClient.class},
          new Interceptor(this, life, chaosClient));
      RecordingUsersStep users = new RecordingUsersStep(owner(), passwords, waits, run -> {
        usersRuns.add(run);
        if (run.done()) {
          PollRecord current = inFlight.peek();
          journal.add("users", current, current.calls.size(), clock.instant());
          checker.stepRan("users", clock.instant(), chaos.truthNow());
        }
      }, () -> {
        DBInstance truth = chaos.truthNow();
        return truth == null || !"rebooting".equals(truth.dbInstanceStatus());
      });
      flow = ReadyFlows.restoreFromSnapshot(client)
          .settings(b -> {
            if (sc.rebootNeeded) {
              b.dbParameterGroupName("pg-custom");
            }
            b.backupRetentionPeriod(7);
          })
          .masterPassword(passwords)
          .boundUsers(users)
          .stepDeadline(Deadline.of(FlowScenario.STEP_DEADLINE))
          .flowDeadline(Deadline.of(FlowScenario.FLOW_DEADLINE))
          .build();
      List<Flow> restoreDefinitions = List.of(flow);
      if (sc.newDefinition != null && sc.newDefinition[index]) {
        restoreDefinitions = newBrokerDefinitions(flow,
            new AuditStep(() -> checker.stepRan("audit", clock.instant(), chaos.truthNow())));
        flow = restoreDefinitions.get(restoreDefinitions.size() - 1);
      }
      Flow ready = ReadyFlows.updatePlan(client, (c, q) -> q.dbInstanceClass(c.parameter("class")));
      Flow.Builder update = Flow.builder(ReadyFlows.UPDATE_PLAN)
          .stepDeadline(Deadline.of(FlowScenario.STEP_DEADLINE)).flowDeadline(Deadline.of(FlowScenario.FLOW_DEADLINE));
      for (Step step : ready.steps()) {
        update.step(step);
      }
      TagStateMachine.Builder builder = TagStateMachine.builder(new SdkRdsGateway(client));
      restoreDefinitions.forEach(builder::flow);
      engine = builder.flow(update.build()).clock(processClock)
          .tagPrefix(prefix)
          .settleTime(FlowScenario.SETTLE_TIME).clockSkew(FlowScenario.CLOCK_SKEW)
          .claimPolicy(sc.claimOn ? ClaimPolicy.lease(FlowScenario.LEASE_TIME) : ClaimPolicy.none())
          .ownerId(owner()).listener(new Listener()).build();
    }
  }

  /**
   * The restore flow definitions a newer broker version registers during a rolling deploy: the
   * same steps and one more at the end. The one place that knows how a definition is versioned.
   *
   * <p>With flow versions (design.md "A flow definition has a version", engine v2): the older
   * definition is version 1 (the default), this one version 2, and a newer broker registers both
   * (an engine keeps the definitions it still has operations for; each operation must finish on the
   * definition it was begun under). Without them (engine v1) the newer broker registers the longer
   * list under the same name, which is what a rolling deploy does to an engine without versions.
   */
  static List<Flow> newBrokerDefinitions(Flow v1, Step extra) {
    Flow.Builder b = Flow.builder(v1.name());
    for (int i = 0; i < v1.steps().size(); i++) {
      b.step(v1.steps().get(i), v1.policy(i));
    }
    b.step(extra, v1.policy(v1.steps().size() - 1));
    b.flowDeadline(v1.deadline());
    b.version(2); // a changed list of steps gets a new version; the newer broker keeps both
    return List.of(v1, b.build());
  }

  /** The newer definition's extra step: synchronous, records that it ran. */
  static final class AuditStep implements Step {
    private final Runnable recorder;

    AuditStep(Runnable recorder) {
      this.recorder = recorder;
    }

    @Override
    public String name() {
      return "audit";
    }

    @Override
    public StepResult run(StepContext context) {
      recorder.run();
      return StepResult.done();
    }
  }

  /** Listener events are text that must hold no secret either. */
  private final class Listener implements FlowListener {
    @Override
    public void stepStarted(String instanceId, String flowName, String stepName, int attempt) {
      texts.add("started " + instanceId + " " + flowName + " " + stepName + " " + attempt);
    }

    @Override
    public void stepRetried(String instanceId, String flowName, String stepName, int attempt, String reason) {
      texts.add("retried " + stepName + " " + reason);
    }

    @Override
    public void stepFailed(String instanceId, String flowName, String stepName, String reason) {
      texts.add("failed " + stepName + " " + reason);
    }

    @Override
    public void flowFailed(String instanceId, String flowName, String description) {
      texts.add("flow failed " + description);
    }
  }

  /**
   * The broker process's RDS client: the fake behind a dynamic proxy that records each call in the
   * poll making it, lets the call take some virtual time, may let another poll run in between (an
   * overlapping poll), and makes the process crash after the poll's k-th call.
   */
  private final class Interceptor implements InvocationHandler {
    private final BrokerProcess process;
    private final BrokerProcess.Life life;
    private final RdsClient target;

    Interceptor(BrokerProcess process, BrokerProcess.Life life, RdsClient target) {
      this.process = process;
      this.life = life;
      this.target = target;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      if (method.getDeclaringClass() == Object.class) {
        return switch (method.getName()) {
          case "equals" -> proxy == args[0];
          case "hashCode" -> System.identityHashCode(proxy);
          default -> "SoakBrokerClient[" + process.owner() + "]";
        };
      }
      Class<?>[] params = method.getParameterTypes();
      if (params.length == 1 && SdkRequest.class.isAssignableFrom(params[0])) {
        return call(method, (SdkRequest) args[0]);
      }
      if (method.isDefault()) {
        // Consumer<Builder> overloads build the request and come back through call().
        return InvocationHandler.invokeDefault(proxy, method, args);
      }
      return invokeOnFake(method, args);
    }

    private Object call(Method method, SdkRequest request) throws Throwable {
      PollRecord poll = inFlight.peek();
      if (poll == null) {
        return invokeOnFake(method, new Object[] {request});
      }
      if (life.dead) {
        throw new BrokerCrash(process.owner(), poll.calls.size());
      }
      int index = poll.calls.size() + 1;
      if (index >= 2 && poll.depth == 0 && !quiet && sc.overlapChance > 0 && r.nextDouble() < sc.overlapChance) {
        // Another LastOperation request arrives while this one is between two calls.
        poll(processes[r.nextInt(processes.length)], 1);
        if (life.dead) {
          throw new BrokerCrash(process.owner(), poll.calls.size());
        }
      }
      clock.advance(Duration.ofMillis(sc.latencyMinMs + r.nextInt(sc.latencyMaxMs - sc.latencyMinMs + 1)));
      Instant at = clock.instant();
      String operation = operationName(method.getName());
      boolean restoring = op.index == 1;
      Object response;
      try {
        response = invokeOnFake(method, new Object[] {request});
      } catch (SdkException e) {
        String code = e instanceof AwsServiceException a && a.awsErrorDetails() != null ? a.awsErrorDetails().errorCode()
            : e instanceof AwsServiceException a ? "HTTP " + a.statusCode() : e.getClass().getSimpleName();
        String message = String.valueOf(e.getMessage());
        boolean injected = code.equals("Throttling") || message.contains("Injected by the fake RDS")
            || message.contains(ChaosRds.MARKER);
        if (chaos.lastApplied()) {
          // The write took effect; only its answer was lost.
          switch (operation) {
            case "ModifyDBInstance" -> {
              if (restoring) {
                journal.add("settings", poll, index, at);
              }
            }
            case "RebootDBInstance" -> {
              if (restoring) {
                journal.add("reboot", poll, index, at);
              }
            }
            case "AddTagsToResource" -> engineTagWrites.add(Map.entry(at,
                ((AddTagsToResourceRequest) request).tags().stream().map(Tag::key).toList()));
            default -> { }
          }
        }
        poll.calls.add(new PollRecord.Call(index, operation, at, false, code, injected, false));
        texts.add(e.getMessage());
        crashIfDue(poll, index);
        throw e;
      }
      boolean stale = false;
      switch (operation) {
        case "DescribeDBInstances" -> {
          boolean tags = isStale((DescribeDbInstancesResponse) response);
          stale = tags || chaos.lastStale();
          if (tags) {
            staleTagsAt.add(at);
          } else if (stale) {
            staleAttributesAt.add(at);
          }
        }
        case "ModifyDBInstance" -> {
          if (restoring) {
            journal.add("settings", poll, index, at);
          }
        }
        case "RebootDBInstance" -> {
          if (restoring) {
            journal.add("reboot", poll, index, at);
          }
        }
        case "AddTagsToResource" -> engineTagWrites.add(Map.entry(at,
            ((AddTagsToResourceRequest) request).tags().stream().map(Tag::key).toList()));
        case "RemoveTagsFromResource" -> {
          if (finishedAt == null) {
            finishedAt = at;
            finishedStale = describedStale(poll);
          }
        }
        default -> { }
      }
      poll.calls.add(new PollRecord.Call(index, operation, at, true, null, false, stale));
      crashIfDue(poll, index);
      return response;
    }

    private void crashIfDue(PollRecord poll, int index) {
      if (poll.crashAfterCall == index) {
        life.dead = true;
        throw new BrokerCrash(process.owner(), index);
      }
    }

    private Object invokeOnFake(Method method, Object[] args) throws Throwable {
      try {
        return method.invoke(target, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    }

    /** A describe that shows other tags than the instance has: RDS's eventual consistency at work. */
    private boolean isStale(DescribeDbInstancesResponse response) {
      if (response.dbInstances().isEmpty()) {
        return false;
      }
      Map<String, String> seen = new LinkedHashMap<>();
      for (Tag t : response.dbInstances().get(0).tagList()) {
        seen.put(t.key(), t.value());
      }
      return !seen.equals(liveTags());
    }
  }

  /** The chaos layer's policy for the soak: the scenario's faults as they fall due. */
  private ChaosRds.Action decide(ChaosRds.CallInfo call) {
    if (quiet) {
      return ChaosRds.Action.PASS;
    }
    String operation = call.operation();
    if (throttleNext > 0) {
      throttleNext--;
      return new ChaosRds.Action.Fail("Throttling", 400);
    }
    if (throttleShare > 0 && throttleRandom.nextDouble() < throttleShare) {
      return new ChaosRds.Action.Fail("Throttling", 400);
    }
    java.util.ArrayDeque<String[]> errors = failNext.get(operation);
    if (errors != null && !errors.isEmpty()) {
      String[] e = errors.poll();
      return new ChaosRds.Action.Fail(e[0], Integer.parseInt(e[1]));
    }
    if (call.isWrite()) {
      int lost = lostNext.getOrDefault(operation, 0);
      if (lost > 0) {
        lostNext.put(operation, lost - 1);
        lostAt.add(call.at());
        beginWriteFaulted |= inFlight.isEmpty();
        return new ChaosRds.Action.Lost(throttleRandom.nextBoolean());
      }
      java.util.ArrayDeque<Integer> late = lateNext.get(operation);
      if (late != null && !late.isEmpty()) {
        int delay = late.poll();
        beginWriteFaulted |= inFlight.isEmpty();
        String label = delay == 0 && op.index <= sc.updates ? "after-begin"
            : "at " + call.at().plusSeconds(delay == 0 ? 60 : delay);
        return new ChaosRds.Action.Late(label);
      }
    }
    if (operation.equals("DescribeDBInstances")) {
      Instant now = call.at();
      Instant attrs = now.minus(bothLag.compareTo(attrLag) > 0 ? bothLag : attrLag);
      Instant tags = now.minus(bothLag.compareTo(tagLag) > 0 ? bothLag : tagLag);
      if (beginLagUntil != null && now.isBefore(beginLagUntil) && beginLagTagsAsOf.isBefore(tags)) {
        tags = beginLagTagsAsOf;
      }
      if (attrs.equals(now) && tags.equals(now)) {
        return ChaosRds.Action.PASS;
      }
      // Attribute or tag lag alone shows an older instance, never one that did not exist yet (that is describe lag's).
      Instant born = chaos.snapshots().size() > 1 ? chaos.snapshots().get(1).at() : now;
      Instant floor = now.minus(bothLag);
      if (attrs.isBefore(born) && attrs.isBefore(floor)) {
        attrs = born.isBefore(floor) ? born : floor;
      }
      return new ChaosRds.Action.StaleAsOf(attrs, tags);
    }
    return ChaosRds.Action.PASS;
  }

  private static String operationName(String method) {
    return Character.toUpperCase(method.charAt(0)) + method.substring(1);
  }
}
