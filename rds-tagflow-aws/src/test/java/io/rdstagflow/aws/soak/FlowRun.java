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
import io.rdstagflow.core.internal.TagCodec;
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
 * <p>Interleaving is deterministic: a second poll overlaps a first by running, nested, between two
 * of the first's RDS calls (so both read and write the same instance in an order the seed
 * chose), and a process crashes by throwing {@link BrokerCrash} after the k-th call of a poll.
 */
final class FlowRun {

  static final String INSTANCE = "soak-db";
  /** The password seed: the soak proves it, and every password derived from it, reach nowhere. */
  static final String PASSWORD_SEED = "soak-password-seed-never-in-a-tag-0123456789";
  private static final String PREFIX = TagStateMachine.DEFAULT_TAG_PREFIX;
  private static final String FLOW_KEY = PREFIX + "flow";
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
  private OperationStatus outcome;
  private PollRecord outcomePoll;
  private Instant outcomeAt;
  private Edit edit;
  private Instant failureAt;
  /** When an engine first removed the flow's tags (finished it), whether or not its answer arrived. */
  private Instant finishedAt;
  /** Whether the poll that finished the flow acted on a describe that lagged behind RDS. */
  private boolean finishedStale;

  /** A hand edit that was applied: what, when, to which keys. */
  private record Edit(FlowScenario.EditKind kind, Instant at, List<String> keys, String value) {}

  FlowRun(FlowScenario scenario) {
    this.sc = scenario;
    this.r = new Random(scenario.seed ^ 0x5DEECE66DL);
    this.rds = FakeRds.builder().clock(clock).timings(scenario.timings).seed(scenario.seed).build();
    this.waits = new RecordingUsersStep.WaitBudget(scenario.usersWaits);
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
      rds.faults().describeLag(Duration.ofSeconds(sc.lagAtRestoreSeconds));
      count("describe lag", 1);
    }
    // The restore is the broker's provision request, made before the platform's first poll.
    token = new RdsStarter(rds, processes[0].engine).restoreFromSnapshot(ReadyFlows.RESTORE_FROM_SNAPSHOT,
        Map.of("snapshot", "nightly"),
        q -> q.dbInstanceIdentifier(INSTANCE).dbSnapshotIdentifier("nightly").dbInstanceClass("db.t3.micro")
            .tags(Tag.builder().key("team").value("payments").build()));
    restoredAt = clock.instant();
    if (sc.throttleShare > 0) {
      rds.faults().throttleShare(sc.throttleShare);
    }
    if (sc.instanceFailure != null) {
      rds.faults().failInstanceAfter(INSTANCE, sc.instanceFailure.status(), sc.instanceFailure.after());
      failureAt = restoredAt.plus(sc.instanceFailure.after());
    }
    int nextFault = 0;
    Instant next = restoredAt.plus(sc.firstPoll);
    while (outcome == null) {
      advanceTo(next);
      while (nextFault < sc.faults.size() && !restoredAt.plus(sc.faults.get(nextFault).at()).isAfter(clock.instant())) {
        apply(sc.faults.get(nextFault++));
      }
      Instant roundAt = clock.instant();
      BrokerProcess p = processes[r.nextInt(processes.length)];
      PollRecord top = poll(p, 0);
      Instant jittered = clock.instant().plus(sc.pollInterval).plusMillis(r.nextInt(3000));
      next = roundAt.plus(sc.pollInterval).isAfter(jittered) ? roundAt.plus(sc.pollInterval) : jittered;
      if (top.crashed || top.hitInjectedFault()) {
        blocked = blocked.plus(Duration.between(roundAt, next));
      }
      if (outcome == null && (clock.instant().isAfter(bound()) || polls.size() > MAX_POLLS)) {
        violate("stuck", "stuck in progress at " + clock.instant() + " after " + polls.size() + " polls; bound "
            + bound() + " (deadline plus " + blocked + " blocked by faults)");
        break;
      }
    }
    check();
    return result();
  }

  private void advanceTo(Instant t) {
    Duration d = Duration.between(clock.instant(), t);
    if (!d.isNegative()) {
      clock.advance(d);
    }
  }

  /**
   * The latest a final answer may come: the flow deadline (allowing for clock skew and the
   * processes' offsets) plus the time faults blocked every poll, plus two poll intervals and a
   * minute for the poll that notices. A flow whose tags were all removed has no deadline left; the
   * instance status alone answers once the restore is over.
   */
  private Instant bound() {
    Duration slack = sc.pollInterval.multipliedBy(2).plusMinutes(1).plus(FlowScenario.CLOCK_SKEW).plus(MAX_CLOCK_OFFSET);
    Instant deadline = restoredAt.plus(FlowScenario.FLOW_DEADLINE);
    if (edit != null && edit.kind() == FlowScenario.EditKind.DELETE_ALL) {
      Instant restored = restoredAt.plus(sc.timings.creating()).plus(Duration.ofMinutes(15));
      deadline = restored.isAfter(deadline) ? restored : deadline;
    }
    return deadline.plus(slack).plus(blocked);
  }

  /** One LastOperation request served by process {@code p}; {@code depth} 1 when it overlaps another. */
  private PollRecord poll(BrokerProcess p, int depth) {
    if (p.life.dead) {
      p.start(); // a new broker process, rebuilt from nothing
    }
    BrokerProcess.Life life = p.life;
    int crashAfter = sc.crashChance > 0 && r.nextDouble() < sc.crashChance ? 1 + r.nextInt(4) : 0;
    PollRecord rec = new PollRecord(polls.size() + 1, p.label(), p.owner(), depth, clock.instant(), crashAfter);
    polls.add(rec);
    inFlight.push(rec);
    try {
      OperationStatus answer = p.engine.poll(INSTANCE, token);
      texts.add(answer.toString());
      if (life.dead) {
        rec.crashed = true; // its process died under it (an overlapping poll crashed it): no answer
      } else {
        rec.answer = answer;
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
    if (rec.answer != null && rec.answer.isFinal() && outcome == null) {
      outcome = rec.answer;
      outcomePoll = rec;
      outcomeAt = rec.endedAt;
    }
    return rec;
  }

  // ------------------------------------------------------------------ faults and hand edits

  private void apply(FlowScenario.Fault f) {
    switch (f.kind()) {
      case THROTTLE_BURST -> rds.faults().throttleNext(f.count());
      case SERVER_ERROR, INVALID_STATE -> {
        for (int i = 0; i < f.count(); i++) {
          rds.faults().failNext(f.operation(), f.code(), f.status());
        }
      }
      case DESCRIBE_LAG -> {
        rds.faults().describeLag(Duration.ofSeconds(f.count()));
        if (f.count() > 0) {
          count("describe lag", 1);
        }
      }
      case TAG_EDIT -> editByHand(f);
    }
  }

  /** An operator edits the tags in the console, retrying while RDS throttles the console too. */
  private void editByHand(FlowScenario.Fault f) {
    if (edit != null) {
      return;
    }
    Map<String, String> live = liveTags();
    List<String> flowKeys = new ArrayList<>();
    List<String> stepKeys = new ArrayList<>();
    for (String k : live.keySet()) {
      if (k.startsWith(PREFIX)) {
        flowKeys.add(k);
        if (k.startsWith(PREFIX + "step:")) {
          stepKeys.add(k);
        }
      }
    }
    if (!live.containsKey(FLOW_KEY)) {
      count("hand edit skipped (flow over)", 1);
      return;
    }
    String arn = rds.instanceArn(INSTANCE);
    switch (f.edit()) {
      case DELETE_ALL -> {
        retrying(() -> rds.removeTagsFromResource(q -> q.resourceName(arn).tagKeys(flowKeys)));
        edit = new Edit(f.edit(), clock.instant(), flowKeys, null);
      }
      case DELETE_ONE -> {
        List<String> candidates = new ArrayList<>();
        candidates.add(FLOW_KEY);
        candidates.addAll(stepKeys);
        String key = candidates.get(f.pick() % candidates.size());
        retrying(() -> rds.removeTagsFromResource(q -> q.resourceName(arn).tagKeys(key)));
        edit = new Edit(f.edit(), clock.instant(), List.of(key), null);
      }
      case CORRUPT_STEP -> {
        String key = stepKeys.get(f.pick() % stepKeys.size());
        int seq = Integer.parseInt(live.get(key).substring(4, 5));
        String[] bad = {"seq=" + seq + " state=paused", "seq=" + (seq + 3) + " state=pending",
            "seq=" + seq + " state=done colour=blue", "done really"};
        String value = bad[(f.pick() / 7) % bad.length];
        retrying(() -> rds.addTagsToResource(q -> q.resourceName(arn).tags(Tag.builder().key(key).value(value).build())));
        edit = new Edit(f.edit(), clock.instant(), List.of(key), value);
      }
      case DELETE_HARMLESS -> {
        String key = live.containsKey(PREFIX + "lease") && f.pick() % 2 == 0 ? PREFIX + "lease" : PREFIX + "param:snapshot";
        retrying(() -> rds.removeTagsFromResource(q -> q.resourceName(arn).tagKeys(key)));
        edit = new Edit(f.edit(), clock.instant(), List.of(key), null);
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
      if (!outcomeClass.equals("failed: not found")) {
        checkTagsAfter(outcomeClass); // not found writes nothing; the outcome is already a violation
      }
    }
    checkOrder(outcomeClass);
    for (ExecutionJournal.Repeat rep : journal.repeats(sc.claimOn)) {
      if (rep.cause() == ExecutionJournal.Cause.UNEXPLAINED) {
        violate("unexplained repeat", "step " + rep.execution().step() + " ran again in poll #" + rep.execution().poll().id
            + " (after poll #" + rep.previous().poll().id + ") with no crash, failed record, concurrent poller"
            + " or stale read to explain it");
      }
    }
    checkSecrets();
  }

  /** The outcome's reason class; a failure must name the step, the tag, or the flow and why. */
  static String classify(OperationStatus s) {
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
    if (d.contains("tag " + PREFIX) || d.contains("tags [" + PREFIX)) {
      return "failed: tag";
    }
    if (d.startsWith("instance ") && d.endsWith(" not found")) {
      return "failed: not found";
    }
    return "failed: other";
  }

  private void checkOutcome(String cls) {
    String d = outcome.description();
    boolean aborted = edit != null && edit.kind() == FlowScenario.EditKind.DELETE_ALL;
    boolean strictEdit = edit != null && edit.kind() != FlowScenario.EditKind.DELETE_HARMLESS;
    boolean rewritten = strictEdit && writtenOver(edit);
    boolean failureSeen = failureAt != null && !outcomeAt.isBefore(failureAt);
    // A describe that lagged behind the hand edit did not show it: acting on it is RDS's eventual
    // consistency, not the engine ignoring a tag.
    boolean editUnseen = edit != null && (describedStale(outcomePoll)
        || (finishedAt != null && !finishedAt.isBefore(edit.at()) && finishedStale));
    Instant earliest = restoredAt.minus(MAX_CLOCK_OFFSET).minus(FlowScenario.CLOCK_SKEW);
    if (outcomeAt.isAfter(bound())) {
      violate("answered past the bound", "final answer at " + outcomeAt + ", past its bound " + bound());
    }
    switch (cls) {
      case "succeeded", "succeeded, instance status alone" -> {
        if (strictEdit && !aborted && !rewritten && !editUnseen) {
          violate("succeeded on edited tags", "succeeded although tag " + edit.keys() + " was edited by hand at " + edit.at()
              + " and never written over: '" + d + "'");
        }
        if (aborted && !rewritten && !editUnseen && !d.equals("instance is available")) {
          violate("abort not honoured", "all flow tags were removed by hand, yet the answer was not the instance status alone: '" + d + "'");
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
        } else if (aborted && !rewritten) {
          violate("abort not honoured", "all flow tags were removed by hand (an abort), yet it failed on tags: '" + d + "'");
        }
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
      case "failed: not found" -> violate("failed as not found, instance exists",
          "answered '" + d + "' at " + outcomeAt + " although the restore had created the instance at " + restoredAt);
      default -> violate("unexplained failure", "failed for a reason no injected fault explains (class " + cls + "): '" + d + "'");
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

  /** On success no flow tag is left; on failure the tags say why. */
  private void checkTagsAfter(String cls) {
    Map<String, String> live = liveTags();
    Map<String, String> flowTags = new LinkedHashMap<>();
    live.forEach((k, v) -> {
      if (k.startsWith(PREFIX)) {
        flowTags.put(k, v);
      }
    });
    if (outcome.state() == OperationStatus.State.SUCCEEDED) {
      if (!flowTags.isEmpty()) {
        // Tags have no compare-and-set: a slow poll's write can land after the finishing poll removed the
        // flow's tags. The operation's next poll must still answer succeeded, and remove what was put back.
        count("late write after success", 1);
        rds.faults().clear();
        BrokerProcess p = processes[0];
        if (p.life.dead) {
          p.start();
        }
        OperationStatus again = p.engine.poll(INSTANCE, token);
        texts.add(again.toString());
        Map<String, String> left = new LinkedHashMap<>();
        liveTags().forEach((k, v) -> {
          if (k.startsWith(PREFIX)) {
            left.put(k, v);
          }
        });
        // After an abort the instance status alone answers, and the late write may have been a step's
        // action (a lagging describe hid the abort from it): then the status is that action's.
        boolean aborted = edit != null && edit.kind() == FlowScenario.EditKind.DELETE_ALL;
        boolean answered = aborted ? again.state() != OperationStatus.State.FAILED
            : again.state() == OperationStatus.State.SUCCEEDED;
        if (!answered || !left.isEmpty()) {
          violate("flow tags left after success", "succeeded, yet flow tags were left on the instance: " + flowTags
              + "; the next poll answered '" + again.description() + "' and left " + left);
        }
      }
      return;
    }
    TagCodec.Decoded decoded = new TagCodec(PREFIX).decode(live, null,
        new io.rdstagflow.core.internal.FlowRegistry(java.util.List.of(processes[0].flow)));
    switch (cls) {
      case "failed: tag" -> {
        // A hand edit that a poll reported can be written over, or removed, afterwards by a poll whose
        // lagging describe never showed it: the answer was true to the tag it saw; the tags moved on.
        boolean overtaken = edit != null
            && (writtenOver(edit) || (finishedAt != null && !finishedAt.isBefore(edit.at())));
        if (overtaken && !(decoded instanceof TagCodec.Decoded.Problem)) {
          count("reported hand edit overtaken by a lagging poll", 1);
        } else if (!(decoded instanceof TagCodec.Decoded.Problem)) {
          violate("failure not in the tags", "failed on a tag problem, but the tags left read as " + decoded + ": " + flowTags);
        }
      }
      case "failed: instance status, no flow" -> {
        if (!flowTags.isEmpty()) {
          violate("failure not in the tags", "answered from the instance status alone, but flow tags are there: " + flowTags);
        }
      }
      default -> {
        String recorded = decoded instanceof TagCodec.Decoded.Found found
            && !found.operation().isRunning() ? found.operation().failureDescription() : null;
        if (!outcome.description().equals(recorded)) {
          violate("failure not in the tags", "failed with '" + outcome.description() + "', but the tags say "
              + (recorded == null ? "nothing of it" : "'" + recorded + "'") + ": " + flowTags);
        }
      }
    }
  }

  /** Steps ran in order, none skipped, and the last one only on a settled instance. */
  private void checkOrder(String cls) {
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
      repeats.merge(rep.cause().label, 1, Integer::sum);
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
    return new FlowResult(sc.seed, sc.claimOn, cls, polls.size(), faults, repeats, leaseExpiries, seenRecorded, blocked,
        virtual, List.copyOf(violations), sc.toString(), trace.toString());
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
      client = (RdsClient) Proxy.newProxyInstance(RdsClient.class.getClassLoader(), new Class<?>[] {RdsClient.class},
          new Interceptor(this, life));
      RecordingUsersStep users = new RecordingUsersStep(owner(), passwords, waits, run -> {
        usersRuns.add(run);
        if (run.done()) {
          PollRecord current = inFlight.peek();
          journal.add("users", current, current.calls.size(), clock.instant());
        }
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
      engine = TagStateMachine.builder(new SdkRdsGateway(client)).flow(flow).clock(processClock)
          .settleTime(FlowScenario.SETTLE_TIME).clockSkew(FlowScenario.CLOCK_SKEW)
          .claimPolicy(sc.claimOn ? ClaimPolicy.lease(FlowScenario.LEASE_TIME) : ClaimPolicy.none())
          .ownerId(owner()).listener(new Listener()).build();
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

    Interceptor(BrokerProcess process, BrokerProcess.Life life) {
      this.process = process;
      this.life = life;
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
      if (index >= 2 && poll.depth == 0 && sc.overlapChance > 0 && r.nextDouble() < sc.overlapChance) {
        // Another LastOperation request arrives while this one is between two calls.
        poll(processes[r.nextInt(processes.length)], 1);
        if (life.dead) {
          throw new BrokerCrash(process.owner(), poll.calls.size());
        }
      }
      clock.advance(Duration.ofMillis(sc.latencyMinMs + r.nextInt(sc.latencyMaxMs - sc.latencyMinMs + 1)));
      Instant at = clock.instant();
      String operation = operationName(method.getName());
      Object response;
      try {
        response = invokeOnFake(method, new Object[] {request});
      } catch (AwsServiceException e) {
        String code = e.awsErrorDetails() != null ? e.awsErrorDetails().errorCode() : "HTTP " + e.statusCode();
        boolean injected = code.equals("Throttling") || String.valueOf(e.getMessage()).contains("Injected by the fake RDS");
        poll.calls.add(new PollRecord.Call(index, operation, at, false, code, injected, false));
        texts.add(e.getMessage());
        crashIfDue(poll, index);
        throw e;
      }
      boolean stale = false;
      switch (operation) {
        case "DescribeDBInstances" -> stale = isStale((DescribeDbInstancesResponse) response);
        case "ModifyDBInstance" -> journal.add("settings", poll, index, at);
        case "RebootDBInstance" -> journal.add("reboot", poll, index, at);
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
        return method.invoke(rds, args);
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

  private static String operationName(String method) {
    return Character.toUpperCase(method.charAt(0)) + method.substring(1);
  }
}
