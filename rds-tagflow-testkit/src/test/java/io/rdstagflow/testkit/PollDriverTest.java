package io.rdstagflow.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.rdstagflow.core.OperationStatus;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class PollDriverTest {

  private final VirtualClock clock = VirtualClock.create();

  private static Supplier<OperationStatus> answers(OperationStatus... statuses) {
    Deque<OperationStatus> queue = new ArrayDeque<>(List.of(statuses));
    return () -> queue.size() > 1 ? queue.poll() : queue.peek();
  }

  @Test
  void pollsEverySixtySecondsUntilSucceeded() {
    PollHistory h = PollDriver.on(clock).build().run(answers(
        OperationStatus.inProgress("creating"), OperationStatus.inProgress("creating"),
        OperationStatus.succeeded("done")));

    assertThat(h.stopReason()).isEqualTo(PollDriver.StopReason.SUCCEEDED);
    assertThat(h.succeeded()).isTrue();
    assertThat(h.polls()).extracting(p -> Duration.between(h.startedAt(), p.at()))
        .containsExactly(Duration.ofSeconds(60), Duration.ofSeconds(120), Duration.ofSeconds(180));
    assertThat(h.elapsed()).isEqualTo(Duration.ofMinutes(3));
    assertThat(h.render()).contains("#3 +PT3M succeeded \"done\"").contains("stopped: SUCCEEDED");
  }

  @Test
  void stopsOnFailed() {
    PollHistory h = PollDriver.on(clock).build().run(answers(OperationStatus.failed("broken")));
    assertThat(h.stopReason()).isEqualTo(PollDriver.StopReason.FAILED);
    assertThat(h.finalStatus().description()).isEqualTo("broken");
  }

  @Test
  void aLongerRetryAfterLengthensTheWaitAndAShorterOneIsIgnored() {
    PollHistory h = PollDriver.on(clock).build().run(answers(
        OperationStatus.inProgress("backoff", Duration.ofMinutes(5)),
        OperationStatus.inProgress("soon", Duration.ofSeconds(5)),
        OperationStatus.succeeded("done")));
    assertThat(h.polls()).extracting(p -> Duration.between(h.startedAt(), p.at()))
        .containsExactly(Duration.ofMinutes(1), Duration.ofMinutes(6), Duration.ofMinutes(7));
  }

  @Test
  void stopsAtThePollLimit() {
    PollHistory h = PollDriver.on(clock).maxPolls(3).build().run(answers(OperationStatus.inProgress("x")));
    assertThat(h.stopReason()).isEqualTo(PollDriver.StopReason.POLL_LIMIT);
    assertThat(h.polls()).hasSize(3);
  }

  @Test
  void stopsWhenTheNextPollWouldPassTheTimeLimit() {
    PollHistory h = PollDriver.on(clock).interval(Duration.ofMinutes(10)).timeLimit(Duration.ofMinutes(25))
        .build().run(answers(OperationStatus.inProgress("x")));
    assertThat(h.stopReason()).isEqualTo(PollDriver.StopReason.TIME_LIMIT);
    assertThat(h.polls()).hasSize(2);
  }

  @Test
  void firstPollCanComeAtOnce() {
    PollHistory h = PollDriver.on(clock).firstPollAfter(Duration.ZERO).build()
        .run(answers(OperationStatus.succeeded("done")));
    assertThat(h.last().at()).isEqualTo(h.startedAt());
  }

  @Test
  void eachPollCarriesTheFakesCallsMadeDuringIt() {
    FakeRds rds = FakeRds.builder().clock(clock).build();
    rds.createDBInstance(r -> r.dbInstanceIdentifier("db1").dbInstanceClass("db.t3.micro").engine("postgres"));
    Supplier<OperationStatus> poll = () -> {
      String status = rds.describeDBInstances(r -> r.dbInstanceIdentifier("db1")).dbInstances().get(0)
          .dbInstanceStatus();
      return status.equals("available")
          ? OperationStatus.succeeded("available") : OperationStatus.inProgress(status);
    };

    PollHistory h = PollDriver.on(clock).recordingCallsOf(rds).build().run(poll);

    assertThat(h.polls()).hasSize(10);
    assertThat(h.polls()).allSatisfy(p -> {
      assertThat(p.count("DescribeDBInstances")).isEqualTo(1);
      assertThat(p.wrote()).isFalse();
    });
    assertThat(h.calls()).hasSize(10);
  }
}
