package io.rdstagflow.core;

import io.rdstagflow.core.testing.InMemoryRdsGateway;
import io.rdstagflow.core.testing.MutableClock;
import io.rdstagflow.core.testing.ScriptedStep;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The ready-restore flow of poll-scenarios.md on the in-memory gateway: {@code settings} (starts an
 * asynchronous modify), {@code reboot} (starts a reboot only when a parameter group is
 * {@code pending-reboot}), {@code users} (synchronous). Settle time 30 s, no clock skew, so the
 * scenarios read as the table does.
 */
final class EngineFixture {

  static final String ID = "db-1";
  static final String FLOW = "restore-from-snapshot";
  static final Duration SETTLE = Duration.ofSeconds(30);

  final MutableClock clock = new MutableClock();
  final InMemoryRdsGateway rds = new InMemoryRdsGateway();
  final ScriptedStep settings = ScriptedStep.started("settings");
  final AtomicInteger reboots = new AtomicInteger();
  final Step reboot = new Step() {
    @Override
    public String name() {
      return "reboot";
    }

    @Override
    public StepResult run(StepContext context) {
      if (!context.instance().isPendingReboot()) {
        return StepResult.done();
      }
      reboots.incrementAndGet();
      return StepResult.started();
    }
  };
  final ScriptedStep users = ScriptedStep.done("users");
  final Flow flow = Flow.builder(FLOW).step(settings).step(reboot).step(users).build();
  final RecordingListener events = new RecordingListener();

  TagStateMachine engine() {
    return engine(ClaimPolicy.none(), "owner-a");
  }

  TagStateMachine engine(ClaimPolicy claim, String owner) {
    return TagStateMachine.builder(rds).flow(flow).clock(clock).settleTime(SETTLE).clockSkew(Duration.ZERO)
        .claimPolicy(claim).ownerId(owner).listener(events).build();
  }

  /** Creates the instance as a restore request carrying the flow's tags would: status creating. */
  OperationToken restore() {
    FlowStart start = engine().startTags(ID, FLOW, Map.of("snapshot", "snap-1"));
    Map<String, String> tags = new LinkedHashMap<>(Map.of("team", "payments"));
    tags.putAll(start.tags());
    rds.put(RdsInstance.builder(ID).status("creating").tags(tags).build());
    engine().startAccepted(ID, start);
    return start.token();
  }

  /**
   * Restores, lets the instance come up, starts {@code settings}, then (a parameter group now
   * {@code pending-reboot}, the settle time passed) completes it and starts {@code reboot}.
   */
  OperationToken upToRebootStarted(TagStateMachine engine) {
    OperationToken token = restore();
    status("available");
    engine.poll(ID, token);
    pendingReboot();
    advance(SETTLE.plusSeconds(1));
    engine.poll(ID, token);
    return token;
  }

  void status(String status) {
    rds.setStatus(ID, status);
  }

  void pendingReboot() {
    rds.setParameterGroups(ID, List.of(new RdsInstance.ParameterGroup("pg-custom", RdsInstance.PENDING_REBOOT)));
  }

  void inSync() {
    rds.setParameterGroups(ID, List.of(new RdsInstance.ParameterGroup("pg-custom", "in-sync")));
  }

  /** A library tag's value without its {@code op=<id>} stamp, or {@code null}. */
  String tag(String key) {
    return unstamped(rds.tags(ID).get("tagflow:" + key));
  }

  /** The library's tags, their values without the {@code op=<id>} stamp. */
  Map<String, String> flowTags() {
    Map<String, String> mine = new LinkedHashMap<>();
    rds.tags(ID).forEach((k, v) -> {
      if (k.startsWith("tagflow:")) {
        mine.put(k, unstamped(v));
      }
    });
    return mine;
  }

  /** The operation id the flow tag is stamped with. */
  String opId() {
    return rds.tags(ID).get("tagflow:flow").replaceFirst("^op=(\\S+) .*", "$1");
  }

  /** Sets a library tag as a poll of the current operation would write it (stamped with its id). */
  void setOwnTag(String key, String value) {
    rds.setTag(ID, "tagflow:" + key, "op=" + opId() + " " + value);
  }

  static String unstamped(String value) {
    return value == null ? null : value.replaceFirst("^op=\\S+ ", "");
  }

  void advance(Duration d) {
    clock.advance(d);
  }
}
