package io.rdstagflow.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.rdstagflow.core.OperationStatus;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
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

  /** A broker's own LastOperation answer, not the library's type. */
  record BrokerAnswer(String state, String description) {}

  private static OperationStatus fromBroker(BrokerAnswer a) {
    return switch (a.state()) {
      case "succeeded" -> OperationStatus.succeeded(a.description());
      case "failed" -> OperationStatus.failed(a.description());
      default -> OperationStatus.inProgress(a.description());
    };
  }

  @Test
  void drivesAHandlerWithItsOwnResponseTypeAndKeepsEachResponse() {
    Deque<BrokerAnswer> answers = new ArrayDeque<>(List.of(new BrokerAnswer("in progress", "restoring"),
        new BrokerAnswer("failed", "snapshot gone")));

    PollHistory h = PollDriver.on(clock).build().run(answers::poll, PollDriverTest::fromBroker);

    assertThat(h.stopReason()).isEqualTo(PollDriver.StopReason.FAILED);
    assertThat(h.polls()).extracting(p -> p.answer(BrokerAnswer.class).description())
        .containsExactly("restoring", "snapshot gone");
    assertThat(h.finalStatus().description()).isEqualTo("snapshot gone");
  }

  @Test
  void theStatusOverloadRecordsTheStatusAsTheAnswer() {
    PollHistory h = PollDriver.on(clock).build().run(answers(OperationStatus.succeeded("done")));
    assertThat(h.last().answer()).isSameAs(h.last().status());
  }

  @Test
  void hooksRunBeforeAndAfterEachPollInOrderAtThePollsTime() {
    List<String> events = new ArrayList<>();
    Deque<OperationStatus> answers = new ArrayDeque<>(List.of(OperationStatus.inProgress("a"),
        OperationStatus.succeeded("b")));
    PollDriver driver = PollDriver.on(clock)
        .beforeEachPoll(n -> events.add("before " + n + " at +" + Duration.between(VirtualClock.DEFAULT_START,
            clock.instant())))
        .afterEachPoll(p -> events.add("after " + p.number() + " " + p.status().description()))
        .build();

    driver.run(() -> {
      events.add("poll");
      return answers.poll();
    });

    assertThat(events).containsExactly("before 1 at +PT1M", "poll", "after 1 a",
        "before 2 at +PT2M", "poll", "after 2 b");
  }

  @Test
  void callsMadeByTheBeforeHookAreNotCountedAsThePollsCalls() {
    FakeRds rds = FakeRds.builder().clock(clock).timings(LifecycleTimings.instant()).build();
    rds.givenInstance(r -> r.dbInstanceIdentifier("db1").dbInstanceClass("db.t3.micro").engine("postgres"));
    PollHistory h = PollDriver.on(clock).recordingCallsOf(rds)
        // A fault injected between polls, with a write of its own (a "restarted broker" re-tagging).
        .beforeEachPoll(n -> rds.addTagsToResource(r -> r.resourceName(rds.instanceArn("db1"))
            .tags(software.amazon.awssdk.services.rds.model.Tag.builder().key("poll").value("" + n).build())))
        .maxPolls(2).build()
        .run(() -> {
          rds.describeDBInstances(r -> r.dbInstanceIdentifier("db1"));
          return OperationStatus.inProgress("x");
        });

    assertThat(h.polls()).hasSize(2).allSatisfy(p -> {
      assertThat(p.calls()).extracting(RecordedCall::operation).containsExactly("DescribeDBInstances");
      assertThat(p.wrote()).isFalse();
    });
    assertThat(rds.calls().count("AddTagsToResource")).isEqualTo(2);
  }

  @Test
  void anExceptionFromAHookPropagates() {
    PollDriver driver = PollDriver.on(clock).afterEachPoll(p -> {
      throw new IllegalStateException("stop at " + p.number());
    }).build();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> driver.run(answers(OperationStatus.inProgress("x"))))
        .isInstanceOf(IllegalStateException.class).hasMessage("stop at 1");
  }
}
