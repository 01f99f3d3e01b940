package io.rdstagflow.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.rdstagflow.core.OperationStatus.State;
import io.rdstagflow.core.testing.InMemoryRdsGateway;
import io.rdstagflow.core.testing.InMemoryRdsGateway.Call;
import io.rdstagflow.core.testing.MutableClock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * New work is paid for ahead: a poll that is about to run a step (or to record what it learned
 * without acting) first takes tokens for those calls, so that a coalesced describe, which admits
 * up to 100 polls with one token, cannot release a burst of their work past the budget. Work comes
 * before waiting polls' describes; the write that records work done goes first; what a poll paid
 * for and did not spend goes back.
 */
class WorkBudgetTest {

  private static final Duration SETTLE = Duration.ofSeconds(30);

  private final MutableClock clock = new MutableClock();
  private final InMemoryRdsGateway rds = new InMemoryRdsGateway();
  private final ExecutorService pool = Executors.newCachedThreadPool();
  /** The budget the step charges its own calls to, as the SDK interceptor would. */
  private ApiBudget budget;
  /** How many calls each run of the step makes through the "client". */
  private int callsPerRun = 1;
  private final AtomicInteger runs = new AtomicInteger();
  private final AtomicInteger clientCalls = new AtomicInteger();

  private final Step modify = new Step() {
    @Override
    public String name() {
      return "modify";
    }

    @Override
    public StepResult run(StepContext context) {
      runs.incrementAndGet();
      for (int i = 0; i < callsPerRun; i++) {
        budget.chargeClientCall(); // what ApiBudgetInterceptor does before each call of the broker's client
        clientCalls.incrementAndGet();
      }
      return StepResult.started();
    }
  };
  private final Flow flow = Flow.builder("update").step(modify).build();

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  @Test
  void aBatchOfPollsThatAllActStartsOnlyTheWorkTheBudgetPaysFor() throws Exception {
    int polls = 50;
    Map<Integer, OperationToken> tokens = begun(polls);
    budget = ApiBudget.perSecond(1, 6, clock);
    TagStateMachine engine = engine(Duration.ofMillis(500));
    rds.resetCounts();

    List<OperationStatus> answers = concurrently(polls, i -> engine.poll("db-" + i, tokens.get(i)));

    // One token for the batch's describe leaves 5; work may go one burst (6) below zero: 11 tokens,
    // 5 steps of 2 calls each (the modify and the write that records it).
    assertThat(answers).filteredOn(a -> a.description().equals("step modify started")).hasSize(5);
    assertThat(answers).filteredOn(a -> a.description().equals("waiting for the engine's RDS API budget to run step modify"))
        .hasSize(45)
        .allSatisfy(a -> {
          assertThat(a.state()).isEqualTo(State.IN_PROGRESS);
          assertThat(a.retryAfter()).hasValue(Duration.ofSeconds(1));
        });
    assertThat(runs.get()).isEqualTo(5);
    assertThat(rds.count(Call.ADD_TAGS)).isEqualTo(5);
    assertThat(1 + clientCalls.get() + rds.writes()).isEqualTo(11); // no more than burst + one burst of work
    assertThat(budget.tryAcquire()).isEqualTo(Duration.ofSeconds(6)); // the debt (5) and one token, at 1 a second
  }

  @Test
  void theOnesThatWaitedGetTheirTurnAndNoRoundSpendsMoreThanTheBudgetAllows() throws Exception {
    int polls = 20;
    Map<Integer, OperationToken> tokens = begun(polls);
    budget = ApiBudget.perSecond(1, 6, clock);
    TagStateMachine engine = engine(Duration.ofMillis(500));
    rds.resetCounts();

    int rounds = 0;
    List<OperationStatus> answers;
    do {
      int callsBefore = clientCalls.get() + rds.writes();
      answers = concurrently(polls, i -> engine.poll("db-" + i, tokens.get(i)));
      rounds++;
      // Each round: one describe, then at most the 5 tokens left and one burst (6) below zero of work.
      assertThat(clientCalls.get() + rds.writes() - callsBefore).isLessThanOrEqualTo(11);
      clock.advance(Duration.ofSeconds(60)); // the platform's next round of polls
    } while (rounds < 20 && !answers.stream().allMatch(a -> a.state() == State.SUCCEEDED));

    assertThat(answers).allSatisfy(a -> assertThat(a.state()).isEqualTo(State.SUCCEEDED));
    assertThat(runs.get()).isEqualTo(polls); // each step ran once
    assertThat(rounds).isBetween(5, 10); // 40 calls of work and 20 records at 11 a round
  }

  @Test
  void aPollsWorkComesBeforeOtherPollsDescribes() {
    Map<Integer, OperationToken> tokens = begun(2);
    rds.putAvailable("db-waiting", Map.of());
    budget = ApiBudget.perSecond(1, 1, clock);
    TagStateMachine engine = engine(Duration.ZERO);

    OperationStatus acted = engine.poll("db-0", tokens.get(0)); // its describe takes the only token
    OperationStatus waiting = engine.poll("db-waiting");

    assertThat(acted.description()).isEqualTo("step modify started");
    assertThat(waiting.description()).isEqualTo("waiting for the engine's RDS API budget");
    assertThat(waiting.retryAfter()).hasValue(Duration.ofSeconds(3)); // the work's 2 calls are paid back first
  }

  @Test
  void theWriteThatRecordsWorkDoneGoesFirstEvenPastWhatThePollPaidFor() {
    Map<Integer, OperationToken> tokens = begun(1);
    budget = ApiBudget.perSecond(0.1, 3, clock);
    callsPerRun = 3; // one more than the poll paid ahead for
    TagStateMachine engine = engine(Duration.ZERO);

    OperationStatus answer = engine.poll("db-0", tokens.get(0));

    assertThat(answer.description()).isEqualTo("step modify started");
    assertThat(rds.tags("db-0").get("tagflow:step:modify")).contains("state=started");
    // 3 - 1 (describe) - 2 (paid ahead) - 1 (the third client call) - 1 (the record) = -2
    assertThat(budget.tryAcquire()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void whatAPollPaidForAndDidNotSpendGoesBack() {
    Map<Integer, OperationToken> tokens = begun(1);
    rds.putAvailable("db-waiting", Map.of());
    budget = ApiBudget.perSecond(0.1, 3, clock);
    callsPerRun = 0; // a step whose work is not an RDS call (a JDBC password reset)
    TagStateMachine engine = engine(Duration.ZERO);

    assertThat(engine.poll("db-0", tokens.get(0)).description()).isEqualTo("step modify started");

    assertThat(budget.paidAhead()).isZero();
    assertThat(engine.poll("db-waiting").state()).isEqualTo(State.SUCCEEDED); // the unspent token paid for it
    assertThat(budget.tryAcquire()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void aPollThatSeesTheEndButCannotPayToRecordItDoesNotAnswerSucceeded() throws Exception {
    int polls = 10;
    Map<Integer, OperationToken> tokens = begun(polls);
    budget = ApiBudget.perSecond(10, 100, clock);
    TagStateMachine engine = engine(Duration.ofMillis(500));
    concurrently(polls, i -> engine.poll("db-" + i, tokens.get(i))); // every modify starts
    clock.advance(SETTLE.plusSeconds(1));
    budget = ApiBudget.perSecond(1, 2, clock);
    TagStateMachine tight = engine(Duration.ofMillis(500));
    rds.resetCounts();

    List<OperationStatus> answers = concurrently(polls, i -> tight.poll("db-" + i, tokens.get(i)));

    // The describe leaves 1 token, recording may go 2 below zero: 3 ends are recorded.
    assertThat(answers).filteredOn(a -> a.state() == State.SUCCEEDED).hasSize(3);
    assertThat(answers).filteredOn(a -> a.state() != State.SUCCEEDED).hasSize(7).allSatisfy(a -> {
      assertThat(a.state()).isEqualTo(State.IN_PROGRESS);
      assertThat(a.description()).isEqualTo("waiting for the engine's RDS API budget to record the operation's end");
    });
    assertThat(rds.count(Call.ADD_TAGS)).isEqualTo(3);
    int recorded = 0;
    for (int i = 0; i < polls; i++) {
      recorded += rds.tags("db-" + i).get("tagflow:flow").contains("state=succeeded") ? 1 : 0;
    }
    assertThat(recorded).isEqualTo(3);

    clock.advance(Duration.ofSeconds(60));
    assertThat(concurrently(polls, i -> tight.poll("db-" + i, tokens.get(i))))
        .filteredOn(a -> a.state() == State.SUCCEEDED).hasSize(6); // the 3 recorded and 3 more
  }

  @Test
  void aStepDoneBeforeTheBudgetRanOutIsRecordedAndTheNextWaits() {
    Step check = new Step() {
      @Override
      public String name() {
        return "check";
      }

      @Override
      public StepResult run(StepContext context) {
        budget.chargeClientCall(); // one call of the broker's client, then done at once
        return StepResult.done();
      }
    };
    rds.putAvailable("db-0", Map.of());
    Flow twoSteps = Flow.builder("two").step(check).step(modify).build();
    OperationToken token = TagStateMachine.builder(rds).flow(twoSteps).clock(clock)
        .apiBudget(ApiBudget.unlimited()).build().begin("db-0", "two", Map.of());
    clock.advance(SETTLE.plusSeconds(1));
    budget = ApiBudget.perSecond(0.01, 1, clock);
    TagStateMachine engine = TagStateMachine.builder(rds).flow(twoSteps).clock(clock).settleTime(SETTLE)
        .clockSkew(Duration.ZERO).apiBudget(budget).build();
    rds.resetCounts();

    OperationStatus answer = engine.poll("db-0", token);

    assertThat(answer.state()).isEqualTo(State.IN_PROGRESS);
    assertThat(answer.description()).isEqualTo("waiting for the engine's RDS API budget to run step modify");
    assertThat(rds.tags("db-0").get("tagflow:step:check")).contains("state=done"); // recorded: that write goes first
    assertThat(rds.tags("db-0").get("tagflow:step:modify")).doesNotContain("state=started");
    assertThat(runs.get()).isZero();
    assertThat(rds.count(Call.ADD_TAGS)).isEqualTo(1);
  }

  /** {@code n} available instances, each with the flow begun by an engine with no budget. */
  private Map<Integer, OperationToken> begun(int n) {
    TagStateMachine unlimited = TagStateMachine.builder(rds).flow(flow).clock(clock).apiBudget(ApiBudget.unlimited())
        .build();
    Map<Integer, OperationToken> tokens = new HashMap<>();
    for (int i = 0; i < n; i++) {
      rds.putAvailable("db-" + i, Map.of());
      tokens.put(i, unlimited.begin("db-" + i, "update", Map.of()));
    }
    clock.advance(SETTLE.plusSeconds(1)); // the start's own settle time has passed
    return tokens;
  }

  private TagStateMachine engine(Duration window) {
    TagStateMachine.Builder b = TagStateMachine.builder(rds).flow(flow).clock(clock).settleTime(SETTLE)
        .clockSkew(Duration.ZERO).apiBudget(budget);
    return (window.isZero() ? b : b.coalesceDescribes(window)).build();
  }

  private List<OperationStatus> concurrently(int n, IntFunction<OperationStatus> poll) throws Exception {
    return Concurrently.poll(pool, n, poll);
  }

}
