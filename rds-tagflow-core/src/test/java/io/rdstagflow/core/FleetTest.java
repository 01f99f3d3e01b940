package io.rdstagflow.core;

import static io.rdstagflow.core.EngineFixture.ID;
import static org.assertj.core.api.Assertions.assertThat;

import io.rdstagflow.core.OperationStatus.State;
import io.rdstagflow.core.spi.ErrorClassification;
import io.rdstagflow.core.spi.RdsGateway;
import io.rdstagflow.core.testing.InMemoryRdsGateway;
import io.rdstagflow.core.testing.InMemoryRdsGateway.Call;
import io.rdstagflow.core.testing.InMemoryRdsGateway.TransientFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The fleet promises, through the public API: coalesced describes (a batch of N polls costs
 * ceil(N/100) describes; no poll decides on a describe sent before it began), the API budget (an
 * exhausted budget answers in progress with a Retry-After and makes no call; throttling lowers the
 * rate; the write that records an accepted action goes first), a Retry-After on every in-progress
 * answer, and a start that advances at once.
 */
class FleetTest {

  private final EngineFixture f = new EngineFixture();
  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  @Test
  void aBatchOfNConcurrentPollsCostsCeilingOfNOverAHundredDescribes() throws Exception {
    BatchCountingGateway rds = new BatchCountingGateway(f.rds);
    int polls = 250;
    for (int i = 0; i < polls; i++) {
      f.rds.putAvailable("db-" + i, Map.of());
    }
    TagStateMachine engine = TagStateMachine.builder(rds).flow(f.flow).clock(f.clock)
        .coalesceDescribes(Duration.ofSeconds(2)).build();

    List<OperationStatus> answers = concurrently(polls, i -> engine.poll("db-" + i));

    assertThat(answers).allSatisfy(a -> assertThat(a.state()).isEqualTo(State.SUCCEEDED));
    assertThat(answers).extracting(OperationStatus::description).containsOnly("instance is available");
    assertThat(rds.batches.get()).isEqualTo(3); // 100 + 100 + 50
    assertThat(rds.largestBatch.get()).isEqualTo(100);
    assertThat(f.rds.count(Call.DESCRIBE)).isEqualTo(polls); // the in-memory gateway lists each one
  }

  @Test
  void aPollThatArrivesWhileABatchIsInFlightWaitsForAFreshDescribe() throws Exception {
    f.rds.putAvailable("db-1", Map.of());
    CountDownLatch firstSent = new CountDownLatch(1);
    CountDownLatch releaseFirst = new CountDownLatch(1);
    BatchCountingGateway rds = new BatchCountingGateway(f.rds) {
      @Override
      public List<RdsInstance> describeAll(Collection<String> ids) {
        if (batches.get() == 0) {
          List<RdsInstance> before = super.describeAll(ids); // the view before the change
          firstSent.countDown();
          await(releaseFirst);
          return before;
        }
        return super.describeAll(ids);
      }
    };
    TagStateMachine engine = TagStateMachine.builder(rds).flow(f.flow).clock(f.clock)
        .coalesceDescribes(Duration.ofMillis(1)).build();

    Future<OperationStatus> early = pool.submit(() -> engine.poll("db-1"));
    await(firstSent);
    f.rds.setStatus("db-1", "failed"); // changes after the first describe was sent
    Future<OperationStatus> late = pool.submit(() -> engine.poll("db-1"));
    OperationStatus lateAnswer = late.get(10, TimeUnit.SECONDS);
    releaseFirst.countDown();

    assertThat(lateAnswer).isEqualTo(OperationStatus.failed("instance status failed"));
    assertThat(early.get(10, TimeUnit.SECONDS).description()).isEqualTo("instance is available");
    assertThat(rds.batches.get()).isEqualTo(2);
  }

  @Test
  void anInstanceMissingFromABatchIsNotFoundWithTheSameGraceAsASingleDescribe() throws Exception {
    TagStateMachine single = f.engine();
    OperationToken token = f.restore();
    f.rds.remove(ID);
    TagStateMachine batched = TagStateMachine.builder(f.rds).flow(f.flow).clock(f.clock)
        .coalesceDescribes(Duration.ofMillis(1)).build();

    assertThat(batched.poll(ID, token)).isEqualTo(single.poll(ID, token));
    f.advance(Duration.ofMinutes(6));
    assertThat(batched.poll(ID, token)).isEqualTo(OperationStatus.failed("instance db-1 not found"));
  }

  @Test
  void stepsThatActGetTheBatchsViewOfTheirOwnInstance() throws Exception {
    OperationToken token = f.restore();
    f.status("available");
    f.rds.putAvailable("db-other", Map.of());
    TagStateMachine engine = TagStateMachine.builder(f.rds).flow(f.flow).clock(f.clock).settleTime(EngineFixture.SETTLE)
        .coalesceDescribes(Duration.ofMillis(200)).build();

    List<OperationStatus> answers = concurrently(2, i -> i == 0 ? engine.poll(ID, token) : engine.poll("db-other"));

    assertThat(answers.get(0).description()).isEqualTo("step settings started");
    assertThat(f.settings.contexts()).singleElement().satisfies(c -> assertThat(c.instance().id()).isEqualTo(ID));
  }

  @Test
  void anExhaustedBudgetAnswersInProgressWithARetryAfterAndMakesNoCall() {
    f.rds.putAvailable("db-1", Map.of());
    TagStateMachine engine = TagStateMachine.builder(f.rds).flow(f.flow).clock(f.clock).apiBudget(0.5, 1).build();
    assertThat(engine.poll("db-1").state()).isEqualTo(State.SUCCEEDED);
    f.rds.resetCounts();

    OperationStatus refused = engine.poll("db-1");

    assertThat(refused.state()).isEqualTo(State.IN_PROGRESS);
    assertThat(refused.description()).isEqualTo("waiting for the engine's RDS API budget");
    assertThat(refused.retryAfter()).hasValue(Duration.ofSeconds(2)); // one token at half a call a second
    assertThat(f.rds.totalCalls()).isZero();
    f.advance(Duration.ofSeconds(2));
    assertThat(engine.poll("db-1").state()).isEqualTo(State.SUCCEEDED);
    assertThat(f.rds.count(Call.DESCRIBE)).isEqualTo(1);
  }

  @Test
  void throttlingHalvesTheRateOnceASecondAndSuccessfulCallsBringItBack() {
    f.rds.putAvailable("db-1", Map.of());
    List<Double> heard = new ArrayList<>();
    ApiBudget budget = ApiBudget.perSecond(8, 40, f.clock);
    budget.onRateChange((before, after) -> heard.add(after));
    TagStateMachine engine = TagStateMachine.builder(f.rds).flow(f.flow).clock(f.clock).apiBudget(budget).build();

    f.rds.failNext(Call.DESCRIBE, new TransientFailure("Throttling"));
    f.rds.failNext(Call.DESCRIBE, new TransientFailure("Throttling"));
    OperationStatus first = engine.poll("db-1");
    OperationStatus second = engine.poll("db-1"); // the same second: one signal

    assertThat(first.state()).isEqualTo(State.IN_PROGRESS);
    assertThat(second.state()).isEqualTo(State.IN_PROGRESS);
    assertThat(budget.rate()).isEqualTo(4.0);
    assertThat(budget.throttles()).isEqualTo(2);
    assertThat(heard).containsExactly(4.0);

    f.advance(Duration.ofSeconds(1));
    f.rds.failNext(Call.DESCRIBE, new TransientFailure("Throttling"));
    engine.poll("db-1");
    assertThat(budget.rate()).isEqualTo(2.0);

    for (int i = 0; i < 400; i++) {
      f.advance(Duration.ofSeconds(1));
      assertThat(engine.poll("db-1").state()).isEqualTo(State.SUCCEEDED);
    }
    assertThat(budget.rate()).isEqualTo(8.0);
    assertThat(heard).endsWith(8.0);
  }

  @Test
  void theWriteThatRecordsAnAcceptedActionGoesFirstWhenTheBudgetIsSpent() {
    OperationToken token = f.restore();
    f.status("available");
    ApiBudget budget = ApiBudget.perSecond(0.1, 1, f.clock);
    TagStateMachine engine = TagStateMachine.builder(f.rds).flow(f.flow).clock(f.clock).apiBudget(budget).build();

    OperationStatus answer = engine.poll(ID, token); // takes the one token for its describe

    assertThat(answer.description()).isEqualTo("step settings started");
    assertThat(f.tag("step:settings")).contains("state=started");
    assertThat(budget.tryAcquire()).isGreaterThan(Duration.ofSeconds(10)); // the write drew on the next tokens
  }

  @Test
  void everyInProgressAnswerOfARestoreCarriesARetryAfterOfAtLeastASecond() {
    TagStateMachine engine = f.engine();
    OperationToken token = f.restore();
    List<OperationStatus> answers = new ArrayList<>();
    answers.add(engine.poll(ID, token)); // creating
    f.status("available");
    answers.add(engine.poll(ID, token)); // settings started
    answers.add(engine.poll(ID, token)); // settling
    f.status("modifying");
    f.advance(EngineFixture.SETTLE.plusSeconds(1));
    answers.add(engine.poll(ID, token)); // busy
    f.status("available");
    f.pendingReboot();
    answers.add(engine.poll(ID, token)); // reboot started
    f.status("rebooting");
    f.inSync();
    f.advance(EngineFixture.SETTLE.plusSeconds(1));
    answers.add(engine.poll(ID, token)); // rebooting
    f.status("available");
    OperationStatus last = engine.poll(ID, token);

    assertThat(last.state()).isEqualTo(State.SUCCEEDED);
    assertThat(answers).allSatisfy(a -> {
      assertThat(a.state()).isEqualTo(State.IN_PROGRESS);
      assertThat(a.retryAfter()).hasValueSatisfying(d -> assertThat(d).isGreaterThanOrEqualTo(Duration.ofSeconds(1)));
    });
    assertThat(answers).extracting(a -> a.retryAfter().orElseThrow().toSeconds())
        .containsExactly(60L, 30L, 30L, 30L, 30L, 15L);
  }

  @Test
  void beginAndPollRunsTheFirstDueStepInTheSameCall() {
    f.rds.putAvailable(ID, Map.of());
    TagStateMachine engine = f.engine();
    f.rds.resetCounts();

    Begun begun = engine.beginAndPoll(ID, EngineFixture.FLOW, Map.of("snapshot", "snap-1"));

    assertThat(begun.status()).isEqualTo(OperationStatus.inProgress("step settings started", EngineFixture.SETTLE));
    assertThat(f.settings.runs()).isEqualTo(1);
    assertThat(f.tag("step:settings")).contains("state=started");
    // begin: a describe and a write; the poll: a describe and the write that records the action.
    assertThat(f.rds.count(Call.DESCRIBE)).isEqualTo(2);
    assertThat(f.rds.count(Call.ADD_TAGS)).isEqualTo(2);
    assertThat(engine.poll(ID, begun.token()).description()).isEqualTo("step settings started; the instance is settling");
  }

  @Test
  void beginAndPollOnABusyInstanceBeginsAndWaits() {
    f.rds.put(RdsInstance.builder(ID).status("modifying").tags(Map.of()).build());
    Begun begun = f.engine().beginAndPoll(ID, EngineFixture.FLOW, Map.of("snapshot", "snap-1"));

    assertThat(begun.status().state()).isEqualTo(State.IN_PROGRESS);
    assertThat(begun.status().description()).startsWith("instance is modifying");
    assertThat(f.settings.runs()).isZero();
    assertThat(f.engine().runningOperation(ID)).isPresent();
  }

  private List<OperationStatus> concurrently(int n, IntFunction<OperationStatus> poll) throws Exception {
    return Concurrently.poll(pool, n, poll);
  }


  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new AssertionError("timed out");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Counts the batched describes over the in-memory gateway. */
  static class BatchCountingGateway implements RdsGateway {
    final InMemoryRdsGateway delegate;
    final AtomicInteger batches = new AtomicInteger();
    final AtomicInteger largestBatch = new AtomicInteger();

    BatchCountingGateway(InMemoryRdsGateway delegate) {
      this.delegate = delegate;
    }

    @Override
    public List<RdsInstance> describeAll(Collection<String> ids) {
      batches.incrementAndGet();
      largestBatch.accumulateAndGet(ids.size(), Math::max);
      List<RdsInstance> found = new ArrayList<>();
      for (String id : ids) {
        delegate.describe(id).ifPresent(found::add);
      }
      return found;
    }

    @Override
    public Optional<RdsInstance> describe(String instanceId) {
      throw new AssertionError("a coalescing engine describes in batches");
    }

    @Override
    public void addTags(RdsInstance instance, Map<String, String> tags) {
      delegate.addTags(instance, tags);
    }

    @Override
    public void removeTags(RdsInstance instance, Collection<String> keys) {
      delegate.removeTags(instance, keys);
    }

    @Override
    public ErrorClassification classify(Throwable error) {
      return delegate.classify(error);
    }
  }
}
