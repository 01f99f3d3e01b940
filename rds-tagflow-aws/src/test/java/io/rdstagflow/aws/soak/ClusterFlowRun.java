package io.rdstagflow.aws.soak;

import io.rdstagflow.aws.ClusterMembers;
import io.rdstagflow.aws.ClusterStarter;
import io.rdstagflow.aws.DerivedPasswordSource;
import io.rdstagflow.aws.ReadyClusterFlows;
import io.rdstagflow.aws.SdkClusterGateway;
import io.rdstagflow.core.Flow;
import io.rdstagflow.core.OperationStatus;
import io.rdstagflow.core.OperationToken;
import io.rdstagflow.core.RdsCallException;
import io.rdstagflow.core.TagStateMachine;
import io.rdstagflow.testkit.FakeRds;
import io.rdstagflow.testkit.InstanceHistory;
import io.rdstagflow.testkit.LifecycleTimings;
import io.rdstagflow.testkit.RecordedCall;
import io.rdstagflow.testkit.VirtualClock;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DbClusterNotFoundException;
import software.amazon.awssdk.services.rds.model.Tag;

/**
 * One soak flow of an Aurora cluster, start to finish, on one thread: a fresh fake RDS on a virtual
 * clock, the ready cluster restore (writer, the plan's 0 to 2 readers, one ModifyDBCluster with the
 * cluster parameter group, backups and master password, the reboot of the members it leaves
 * {@code pending-reboot}), sometimes a plan update of the members' class, then the deletion flow;
 * polled by one to three broker processes (sometimes two in a row at the same boundary), with
 * throttling, 5xx and state faults, describe lag, broker crashes after any call of a poll (the
 * process restarts with a new engine) and a cluster or a member failing. Then the engine v2
 * invariants, judged against the fake's own truth:
 *
 * <ul>
 *   <li>every operation gets a final answer, and a final answer does not change when polled again;
 *   <li>{@code succeeded} only when the truth at that moment shows the work: the cluster
 *       available with the settings and nothing pending, exactly the plan's members, all available
 *       and in sync (after an update: on the new class; the deletion: the cluster and every member
 *       gone); {@code failed} only after an injected failure;
 *   <li>no member beyond the plan's is ever created, and RDS never refuses a call the flow should
 *       not have made ({@code InvalidDBClusterStateFault} only as often as it was injected);
 *   <li>a plan update changes one member at a time, the writer last;
 *   <li>no password or seed in an answer, a tag, a log line or the call log.
 * </ul>
 */
final class ClusterFlowRun {

  static final String CLUSTER = "soak-cluster";
  static final String SEED_TEXT = "cluster-soak-seed-never-in-a-tag-0123456789";
  private static final int MAX_POLLS = 400;
  private static final String BIGGER = "db.r6g.xlarge";

  /** What one flow came to. */
  record Result(long seed, String outcome, List<String> violations, String scenario, String trace,
      Map<String, Integer> faults) {
    boolean ok() {
      return violations.isEmpty();
    }
  }

  private final long seed;
  private final Random r;
  private final VirtualClock clock = VirtualClock.create();
  private final FakeRds rds;
  private final DerivedPasswordSource passwords = DerivedPasswordSource.fromSeed(SEED_TEXT);
  private final List<String> violations = new ArrayList<>();
  private final List<String> texts = new ArrayList<>();
  private final StringBuilder trace = new StringBuilder();
  private final Map<String, Integer> faults = new TreeMap<>();
  private final Process[] processes;

  // the scenario
  private final int readers;
  private final double throttleShare;
  private final Duration lag;
  private final double crashChance;
  private final double failNextChance;
  private final double overlapChance;
  private final int failure; // 0 none, 1 the cluster, 2 a member
  private final Duration failureAfter;
  private final boolean update;

  private Instant restoredAt;
  private Instant failedAt;
  private int injectedClusterState;

  ClusterFlowRun(long seed) {
    this.seed = seed;
    this.r = new Random(seed);
    this.rds = FakeRds.builder().clock(clock).timings(LifecycleTimings.defaults()).seed(seed).build();
    readers = r.nextInt(3);
    processes = new Process[1 + r.nextInt(3)];
    throttleShare = r.nextInt(3) == 0 ? 0.05 + r.nextDouble() * 0.25 : 0;
    lag = r.nextInt(3) == 0 ? Duration.ofSeconds(10 + r.nextInt(41)) : Duration.ZERO;
    crashChance = r.nextInt(2) == 0 ? 0.15 : 0;
    failNextChance = r.nextInt(2) == 0 ? 0.15 : 0;
    overlapChance = processes.length > 1 ? 0.3 : 0;
    int f = r.nextInt(10);
    failure = f == 0 ? 1 : f == 1 ? 2 : 0;
    failureAfter = Duration.ofMinutes(failure == 1 ? 1 + r.nextInt(9) : 12 + r.nextInt(9));
    update = readers >= 1 && r.nextBoolean();
    for (int i = 0; i < processes.length; i++) {
      processes[i] = new Process(i);
    }
  }

  String scenario() {
    return "readers=" + readers + " processes=" + processes.length + " throttleShare=" + String.format("%.2f",
        throttleShare) + " lag=" + lag.toSeconds() + "s crash=" + crashChance + " failNext=" + failNextChance
        + " overlap=" + overlapChance + " failure=" + (failure == 0 ? "none" : failure == 1 ? "cluster after "
        + failureAfter.toMinutes() + "m" : "member after " + failureAfter.toMinutes() + "m") + " update=" + update;
  }

  // ------------------------------------------------------------------ the run

  Result run() {
    rds.givenClusterSnapshot(s -> s.dbClusterSnapshotIdentifier("nightly").engine("aurora-postgresql")
        .engineVersion("16.4").masterUsername("master"));
    rds.givenClusterParameterGroup("cpg-broker", "aurora-postgresql16");
    Process first = processes[0];
    OperationToken restore = new ClusterStarter(rds, first.engine).restoreFromSnapshot(first.restore,
        Map.of("snapshot", "nightly"), q -> q.dbClusterIdentifier(CLUSTER).snapshotIdentifier("nightly")
            .engine("aurora-postgresql").tags(Tag.builder().key("team").value("payments").build()));
    restoredAt = clock.instant();
    applyStandingFaults();
    if (failure == 1) {
      rds.faults().failClusterAfter(CLUSTER, "incompatible-restore", failureAfter);
      failedAt = restoredAt.plus(failureAfter);
      count("cluster failure");
    }
    OperationStatus restored = pollUntilFinal("restore", restore, this::restoreShown);
    String outcome = "restore " + (restored == null ? "none" : restored.state());
    if (restored != null && restored.state() == OperationStatus.State.SUCCEEDED && update && failedAt == null) {
      OperationToken token = begin(() -> pick().engine.begin(CLUSTER, ReadyClusterFlows.UPDATE_PLAN,
          Map.of("class", BIGGER, "readers", Integer.toString(readers))));
      OperationStatus updated = token == null ? null : pollUntilFinal("update", token, this::updateShown);
      outcome += ", update " + (updated == null ? "none" : updated.state());
      if (updated != null && updated.state() != OperationStatus.State.SUCCEEDED) {
        violations.add("the plan update ended " + updated + " with no failure injected");
      }
      checkOneMemberAtATime();
    }
    if (restored != null) {
      OperationToken deletion = begin(() -> {
        Process p = pick();
        return new ClusterStarter(p.client, p.engine).delete(CLUSTER, ReadyClusterFlows.DELETE, Map.of());
      });
      OperationStatus deleted = deletion == null ? null : pollUntilFinal("delete", deletion, this::goneShown);
      outcome += ", delete " + (deleted == null ? "none" : deleted.state());
      if (deleted != null && !deleted.equals(OperationStatus.succeeded("instance " + CLUSTER + " is gone"))) {
        violations.add("the deletion ended " + deleted);
      }
    }
    rds.faults().clear();
    checkCalls();
    checkSecrets();
    return new Result(seed, outcome, List.copyOf(violations), scenario(), trace.toString(), faults);
  }

  /** Begins an operation, again after a crash (a repeated begin returns the same operation). */
  private OperationToken begin(Supplier<OperationToken> begin) {
    for (int i = 0; i < 20; i++) {
      try {
        return begin.get();
      } catch (BrokerCrash e) {
        crashed();
      } catch (RdsCallException e) {
        count("begin met " + e.classification().code()); // transient: the platform asks again
      } catch (io.rdstagflow.core.ConcurrentOperationException e) {
        // A describe lagging behind the write that ended the last operation: the platform hears 422
        // and asks again. Refused for ten minutes would be a violation.
        count("begin refused (422)");
      }
      clock.advance(Duration.ofSeconds(30));
    }
    violations.add("no begin went through in 20 tries, 30 s apart");
    return null;
  }

  private Process pick() {
    Process p = processes[r.nextInt(processes.length)];
    p.crashAfter = -1;
    return p;
  }

  private void applyStandingFaults() {
    if (throttleShare > 0) {
      rds.faults().throttleShare(throttleShare);
    }
    if (!lag.isZero()) {
      rds.faults().describeLag(lag);
    }
  }

  /**
   * Polls as a platform does (60 s apart, give or take 20) until a final answer; then once more,
   * which must give the same answer. Each final answer is judged against the truth right then.
   */
  private OperationStatus pollUntilFinal(String what, OperationToken token, Supplier<List<String>> shown) {
    for (int i = 0; i < MAX_POLLS; i++) {
      clock.advance(Duration.ofSeconds(40 + r.nextInt(41)));
      injectFaults();
      OperationStatus answer = poll(what, token);
      if (answer != null && !answer.isFinal() && r.nextDouble() < overlapChance) {
        count("overlapping poll");
        OperationStatus second = poll(what, token);
        answer = second != null && second.isFinal() ? second : answer;
      }
      if (answer != null && answer.isFinal()) {
        judge(what, answer, shown);
        OperationStatus again = poll(what, token);
        if (again != null && again.isFinal() && !again.equals(answer)) { // a throttled describe: in progress
          violations.add(what + ": answered " + answer + ", then " + again);
        }
        return answer;
      }
    }
    violations.add(what + ": no final answer after " + MAX_POLLS + " polls");
    return null;
  }

  private void injectFaults() {
    if (failure == 2 && failedAt == null && !clock.instant().isBefore(restoredAt.plus(failureAfter))
        && rds.history(CLUSTER + "-1").isPresent()) {
      try {
        rds.faults().failInstance(CLUSTER + "-1", "failed");
        failedAt = clock.instant();
        count("member failure");
      } catch (IllegalArgumentException e) {
        // the member is gone already: nothing to fail
      }
    }
    if (r.nextDouble() < failNextChance) {
      String[][] choices = {{"DescribeDBClusters", "InternalFailure", "500"},
          {"DescribeDBInstances", "InternalFailure", "500"}, {"CreateDBInstance", "InvalidDBClusterStateFault", "400"},
          {"ModifyDBCluster", "InvalidDBClusterStateFault", "400"}, {"RebootDBInstance", "InvalidDBInstanceState", "400"},
          {"ModifyDBInstance", "InternalFailure", "500"}, {"DeleteDBInstance", "InvalidDBInstanceState", "400"},
          {"DeleteDBCluster", "InvalidDBClusterStateFault", "400"}, {"AddTagsToResource", "InternalFailure", "500"}};
      String[] c = choices[r.nextInt(choices.length)];
      rds.faults().failNext(c[0], c[1], Integer.parseInt(c[2]));
      if (c[1].equals("InvalidDBClusterStateFault")) {
        injectedClusterState++;
      }
      count("failNext " + c[0] + " " + c[1]);
    }
  }

  /** One poll by a random process, which may crash after any of its calls. */
  private OperationStatus poll(String what, OperationToken token) {
    Process p = processes[r.nextInt(processes.length)];
    p.crashAfter = r.nextDouble() < crashChance ? 1 + r.nextInt(5) : -1;
    p.calls = 0;
    var mark = rds.calls().mark();
    OperationStatus answer = null;
    try {
      answer = p.engine.poll(CLUSTER, token);
      texts.add(answer.toString());
    } catch (BrokerCrash e) {
      crashed();
      p.start();
    } catch (RdsCallException e) {
      violations.add(what + ": an RDS call was refused for good: " + e.classification().code());
    }
    trace.append(String.format("%6ds %-6s p%d %-60s %s%n", Duration.between(restoredAt, clock.instant()).toSeconds(),
        what, p.index, String.join(",", rds.calls().since(mark).stream().map(c -> c.operation()
            + (c.threw() ? "!" : "")).toList()), answer == null ? "(crashed)" : answer.state() + " " + answer.description()));
    return answer;
  }

  private void crashed() {
    count("crash");
  }

  // ------------------------------------------------------------------ the truth

  private void judge(String what, OperationStatus answer, Supplier<List<String>> shown) {
    if (answer.state() == OperationStatus.State.SUCCEEDED) {
      rds.faults().clear();
      List<String> missing = shown.get();
      applyStandingFaults();
      if (!missing.isEmpty()) {
        violations.add(what + " answered succeeded while the truth shows " + missing);
      }
    } else if (failedAt == null) {
      violations.add(what + " ended " + answer + " with no failure injected");
    }
  }

  private List<DBInstance> truthMembers() {
    return rds.describeDBInstances(q -> q.filters(f -> f.name("db-cluster-id").values(CLUSTER))).dbInstances();
  }

  private Set<String> planned() {
    Set<String> ids = new LinkedHashSet<>();
    for (int i = 1; i <= readers + 1; i++) {
      ids.add(CLUSTER + "-" + i);
    }
    return ids;
  }

  /** What the restore's success needs the truth to show; empty when it does. */
  private List<String> restoreShown() {
    List<String> missing = new ArrayList<>();
    DBCluster c = rds.describeDBClusters(q -> q.dbClusterIdentifier(CLUSTER)).dbClusters().get(0);
    if (!"available".equals(c.status()) || c.pendingModifiedValues() != null) {
      missing.add("cluster " + c.status() + " pending " + c.pendingModifiedValues());
    }
    if (!"cpg-broker".equals(c.dbClusterParameterGroup()) || c.backupRetentionPeriod() != 7) {
      missing.add("settings " + c.dbClusterParameterGroup() + " " + c.backupRetentionPeriod());
    }
    if (c.tagList().stream().noneMatch(t -> t.key().equals("tagflow:flow") && t.value().contains("state=succeeded"))) {
      missing.add("no terminal record");
    }
    c.dbClusterMembers().stream().filter(m -> !"in-sync".equals(m.dbClusterParameterGroupStatus()))
        .forEach(m -> missing.add("member " + m.dbInstanceIdentifier() + " group " + m.dbClusterParameterGroupStatus()));
    missing.addAll(membersShown("db.r6g.large"));
    return missing;
  }

  private List<String> updateShown() {
    List<String> missing = membersShown(BIGGER);
    truthMembers().stream().filter(m -> m.pendingModifiedValues() != null && m.pendingModifiedValues().dbInstanceClass()
        != null).forEach(m -> missing.add("member " + m.dbInstanceIdentifier() + " class pending"));
    return missing;
  }

  private List<String> membersShown(String instanceClass) {
    List<String> missing = new ArrayList<>();
    List<DBInstance> members = truthMembers();
    Set<String> ids = new LinkedHashSet<>(members.stream().map(DBInstance::dbInstanceIdentifier).toList());
    if (!ids.equals(planned())) {
      missing.add("members " + ids + ", planned " + planned());
    }
    for (DBInstance m : members) {
      if (!"available".equals(m.dbInstanceStatus()) || !instanceClass.equals(m.dbInstanceClass())) {
        missing.add("member " + m.dbInstanceIdentifier() + " " + m.dbInstanceStatus() + " " + m.dbInstanceClass());
      }
    }
    return missing;
  }

  private List<String> goneShown() {
    try {
      rds.describeDBClusters(q -> q.dbClusterIdentifier(CLUSTER));
      return List.of("the cluster still exists");
    } catch (DbClusterNotFoundException e) {
      return truthMembers().isEmpty() ? List.of() : List.of("members still exist");
    }
  }

  /** From the fake's histories: the members' class changes never overlap, the writer's comes last. */
  private void checkOneMemberAtATime() {
    List<Instant[]> spans = new ArrayList<>();
    Instant writerStart = null;
    for (String id : planned()) {
      List<InstanceHistory.StatusChange> changes = rds.history(id).orElseThrow().statuses();
      for (int i = 0; i < changes.size(); i++) {
        if (changes.get(i).status().equals("modifying")) {
          Instant end = i + 1 < changes.size() ? changes.get(i + 1).at() : Instant.MAX;
          spans.add(new Instant[] {changes.get(i).at(), end});
          if (id.equals(CLUSTER + "-1")) {
            writerStart = changes.get(i).at();
          }
        }
      }
    }
    spans.sort(Comparator.comparing(s -> s[0]));
    for (int i = 1; i < spans.size(); i++) {
      if (spans.get(i)[0].isBefore(spans.get(i - 1)[1])) {
        violations.add("two members were modifying at once: from " + spans.get(i)[0]);
      }
    }
    if (!spans.isEmpty() && writerStart != null && !writerStart.equals(spans.get(spans.size() - 1)[0])) {
      violations.add("the writer's class was not changed last");
    }
  }

  private void checkCalls() {
    Set<String> planned = planned();
    long refusedState = 0;
    for (RecordedCall c : rds.calls().all()) {
      if (c.operation().equals("CreateDBInstance") && !c.threw() && !planned.contains(c.instanceId().orElse(""))) {
        violations.add("a member beyond the plan was created: " + c.instanceId().orElse("?"));
      }
      if (c.errorCode().filter("InvalidDBClusterStateFault"::equals).isPresent()) {
        refusedState++;
      }
    }
    if (refusedState > injectedClusterState) {
      violations.add("RDS refused " + refusedState + " calls with InvalidDBClusterStateFault, " + injectedClusterState
          + " injected: the flow made a call the cluster's state did not allow");
    }
  }

  private void checkSecrets() {
    List<String> secrets = List.of(passwords.password(CLUSTER, "master"), SEED_TEXT);
    List<String> where = new ArrayList<>(texts);
    where.addAll(SoakLogs.drain());
    where.add(rds.calls().render());
    where.add(trace.toString());
    rds.clusterHistories().forEach(h -> where.add(h.render()));
    for (String text : where) {
      for (String secret : secrets) {
        if (text.contains(secret)) {
          violations.add("a secret appeared in: " + text.substring(0, Math.min(120, text.length())));
          return;
        }
      }
    }
  }

  private void count(String fault) {
    faults.merge(fault, 1, Integer::sum);
  }

  // ------------------------------------------------------------------ broker processes

  /** A broker process: its client counts a poll's calls and dies after the chosen one. */
  private final class Process {
    final int index;
    int generation;
    int crashAfter = -1;
    int calls;
    RdsClient client;
    TagStateMachine engine;
    Flow restore;

    Process(int index) {
      this.index = index;
      start();
    }

    void start() {
      generation++;
      client = (RdsClient) Proxy.newProxyInstance(RdsClient.class.getClassLoader(), new Class<?>[] {RdsClient.class},
          (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class || method.getName().equals("serviceName")
                || method.getName().equals("close") || method.getName().equals("serviceClientConfiguration")) {
              return method.invoke(rds, args);
            }
            Object answer;
            try {
              answer = method.invoke(rds, args);
            } catch (InvocationTargetException e) {
              calls++;
              throw e.getCause();
            }
            if (++calls == crashAfter) {
              throw new BrokerCrash("p" + index, calls);
            }
            return answer;
          });
      ClusterMembers members = ClusterMembers.builder()
          .instance((ctx, b) -> b.dbInstanceClass(ctx.parameters().getOrDefault("class", "db.r6g.large")))
          .readers(ctx -> Integer.parseInt(ctx.parameters().getOrDefault("readers", Integer.toString(readers))))
          .build();
      restore = ReadyClusterFlows.restoreFromSnapshot(client).members(members)
          .settings(b -> b.dbClusterParameterGroupName("cpg-broker").backupRetentionPeriod(7))
          .masterPassword(passwords)
          .build();
      Flow update = ReadyClusterFlows.updatePlan(client).instanceClass(ctx -> ctx.parameter("class")).members(members)
          .build();
      Flow delete = ReadyClusterFlows.delete(client).skipFinalSnapshot().build();
      engine = TagStateMachine.builder(new SdkClusterGateway(client)).flow(restore).flow(update).flow(delete)
          .clock(clock).sleeper(clock::advance).settleTime(Duration.ofSeconds(30))
          .ownerId("p" + index + "-g" + generation).build();
    }
  }
}
