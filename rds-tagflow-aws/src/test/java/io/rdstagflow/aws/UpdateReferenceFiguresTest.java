package io.rdstagflow.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.rdstagflow.core.Begun;
import io.rdstagflow.core.Flow;
import io.rdstagflow.core.OperationToken;
import io.rdstagflow.core.TagStateMachine;
import io.rdstagflow.testkit.FakeRds;
import io.rdstagflow.testkit.LifecycleTimings;
import io.rdstagflow.testkit.PollDriver;
import io.rdstagflow.testkit.PollHistory;
import io.rdstagflow.testkit.RecordedCall;
import io.rdstagflow.testkit.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The reference figures of a plan update (the ready update flow changing the instance class), on
 * the fake with the reference lifecycle (modify 3 min), polled every 60 s: with
 * {@code beginAndPoll} the modify is sent in the request that asked for the update, so the
 * platform's first poll already finds the instance modifying; with {@code begin} alone it waits
 * for that poll. docs/performance.md carries these figures.
 */
class UpdateReferenceFiguresTest {

  private static final String ID = "svc-1";

  private final VirtualClock clock = VirtualClock.create();
  private final FakeRds rds = FakeRds.builder().clock(clock).timings(LifecycleTimings.defaults()).seed(7).build();
  private final Flow update = ReadyFlows.updatePlan(rds)
      .settings((ctx, b) -> b.dbInstanceClass(ctx.parameter("instance-class"))).build();
  private final TagStateMachine engine = TagStateMachine.builder(new SdkRdsGateway(rds)).flow(update).clock(clock)
      .settleTime(Duration.ofSeconds(30)).build();

  UpdateReferenceFiguresTest() {
    rds.givenInstance(r -> r.dbInstanceIdentifier(ID).engine("postgres").dbInstanceClass("db.t3.micro")
        .allocatedStorage(20).masterUsername("master").masterUserPassword("not-used-by-the-test-1"));
  }

  @Test
  void beginAndPollSendsTheModifyInTheUpdateRequest() {
    long mark = rds.calls().all().size();
    Instant requested = clock.instant();

    Begun begun = engine.beginAndPoll(ID, update, Map.of("instance-class", "db.t3.large"));

    assertThat(names(rds.calls().all().subList((int) mark, rds.calls().all().size()))).isEqualTo(
        "DescribeDBInstances,AddTagsToResource,DescribeDBInstances,ModifyDBInstance,AddTagsToResource");
    assertThat(begun.status().description()).isEqualTo("step settings started");
    PollHistory polls = platformPolls(begun.token());
    assertThat(polls.succeeded()).isTrue();
    assertThat(polls.polls()).hasSize(3); // modifying, modifying, succeeded
    assertThat(moving(polls)).containsExactly("DescribeDBInstances,AddTagsToResource");
    assertThat(Duration.between(requested, polls.last().at())).isEqualTo(Duration.ofMinutes(3));
    assertThat(classNow()).isEqualTo("db.t3.large");
  }

  @Test
  void beginAloneLeavesTheModifyToThePlatformsFirstPoll() {
    Instant requested = clock.instant();
    OperationToken token = engine.begin(ID, update, Map.of("instance-class", "db.t3.large"));

    PollHistory polls = platformPolls(token);

    assertThat(polls.succeeded()).isTrue();
    assertThat(polls.polls()).hasSize(4); // settings started, modifying, modifying, succeeded
    assertThat(moving(polls)).containsExactly("DescribeDBInstances,ModifyDBInstance,AddTagsToResource",
        "DescribeDBInstances,AddTagsToResource");
    assertThat(Duration.between(requested, polls.last().at())).isEqualTo(Duration.ofMinutes(4));
  }

  /** The platform polls every 60 s, its first poll 60 s after the update request. */
  private PollHistory platformPolls(OperationToken token) {
    return PollDriver.on(clock).recordingCallsOf(rds).maxPolls(50).build().run(() -> engine.poll(ID, token));
  }

  private static List<String> moving(PollHistory history) {
    return history.polls().stream().filter(p -> p.calls().size() > 1).map(p -> names(p.calls())).toList();
  }

  private static String names(List<RecordedCall> calls) {
    return calls.stream().map(RecordedCall::operation).collect(Collectors.joining(","));
  }

  private String classNow() {
    return rds.describeDBInstances(r -> r.dbInstanceIdentifier(ID)).dbInstances().get(0).dbInstanceClass();
  }
}
