package io.rdstagflow.benchmarks;

import io.rdstagflow.core.Flow;
import io.rdstagflow.core.OperationStatus;
import io.rdstagflow.core.OperationToken;
import io.rdstagflow.core.RdsInstance;
import io.rdstagflow.core.StepResult;
import io.rdstagflow.core.TagStateMachine;
import io.rdstagflow.core.testing.InMemoryRdsGateway;
import io.rdstagflow.core.testing.MutableClock;
import io.rdstagflow.core.testing.ScriptedStep;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The engine's own cost per poll, RDS taken out: an in-memory gateway, an instance with 20 tags
 * (the flow's 5 among 15 of the broker's), the ready-restore flow's three steps.
 *
 * <ul>
 *   <li>{@code waitingPoll}: the instance is {@code modifying}; the poll describes, decodes and
 *       answers in progress without a write. Most polls of a flow are these.
 *   <li>{@code advancingPoll}: the settings step started long ago and the instance has settled;
 *       the poll completes it, runs the no-op reboot and the users step, and writes the terminal
 *       record. The instance is put back before each call (a map put, included).
 * </ul>
 *
 * Run: {@code java -jar benchmarks/target/benchmarks.jar -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PollBenchmark {

  private static final String ID = "db-bench";

  private InMemoryRdsGateway rds;
  private TagStateMachine engine;
  private OperationToken token;
  private RdsInstance waiting;
  private RdsInstance advancing;

  /** Builds the two instances once. */
  @Setup(Level.Trial)
  public void setUp() {
    MutableClock clock = new MutableClock();
    rds = new InMemoryRdsGateway();
    Flow flow = Flow.builder("restore-from-snapshot")
        .step(ScriptedStep.started("settings"))
        .step(new ScriptedStep("reboot", StepResult.done()))
        .step(ScriptedStep.done("users"))
        .build();
    engine = TagStateMachine.builder(rds).flow(flow).clock(clock).build();
    Map<String, String> tags = new LinkedHashMap<>();
    for (int i = 0; i < 15; i++) {
      tags.put("broker:tag-" + i, "value-" + i);
    }
    var start = engine.startTags(ID, "restore-from-snapshot", Map.of("snapshot", "snap-2026-11-24"));
    token = start.token();
    tags.putAll(start.tags());
    tags.put("tagflow:step:settings", "op=" + token.operationId().orElseThrow()
        + " seq=1 state=started since=2026-11-24T10:00:00Z tries=1");
    waiting = RdsInstance.builder(ID).status("modifying").pendingModifications(java.util.Set.of("DBInstanceClass"))
        .tags(tags).allocatedStorageGib(100).build();
    advancing = waiting.toBuilder().status("available").pendingModifications(java.util.Set.of()).build();
    clock.advance(Duration.ofMinutes(10));
    rds.put(waiting);
  }

  /** A poll while the instance is busy: one describe, no write. */
  @Benchmark
  public OperationStatus waitingPoll() {
    return engine.poll(ID, token);
  }

  /** A poll that completes a started step, chains two more and ends the flow. */
  @Benchmark
  public OperationStatus advancingPoll() {
    rds.put(advancing);
    return engine.poll(ID, token);
  }
}
