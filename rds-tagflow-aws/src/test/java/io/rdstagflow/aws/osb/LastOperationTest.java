package io.rdstagflow.aws.osb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rdstagflow.aws.DerivedPasswordSource;
import io.rdstagflow.aws.RdsTagflow;
import io.rdstagflow.aws.ReadyFlows;
import io.rdstagflow.core.InvalidOperationTokenException;
import io.rdstagflow.core.OperationToken;
import io.rdstagflow.core.RdsCallException;
import io.rdstagflow.testkit.FakeRds;
import io.rdstagflow.testkit.LifecycleTimings;
import io.rdstagflow.testkit.VirtualClock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** OSB's last_operation answer on the fake RDS: status codes, Retry-After, instance_usable and update_repeatable. */
class LastOperationTest {

  private static final String ID = "svc-1";

  private final VirtualClock clock = VirtualClock.create();
  private final FakeRds rds = FakeRds.builder().clock(clock).timings(LifecycleTimings.defaults()).build();
  private final DerivedPasswordSource passwords = DerivedPasswordSource.fromSeed("osb-answer-test-seed-0123456789");
  private final RdsTagflow tagflow = RdsTagflow.builder(rds)
      .flow(ready -> ready.restoreFromSnapshot().settings(b -> b.backupRetentionPeriod(7)).masterPassword(passwords)
          .build())
      .flow(ready -> ready.updatePlan().settings((ctx, b) -> b.dbInstanceClass(ctx.parameter("instance-class")))
          .build())
      .engine(b -> b.clock(clock).sleeper(clock::advance).settleTime(Duration.ofSeconds(30)).clockSkew(Duration.ZERO))
      .build();
  private final LastOperation lastOperation = LastOperation.of(tagflow.engine());

  @Test
  void anOperationInProgressIs200WithTheEnginesHintAsRetryAfterInWholeSecondsRoundedUp() {
    RdsTagflow engineWithHint = RdsTagflow.builder(rds)
        .flow(ready -> ready.updatePlan().settings((ctx, b) -> b.dbInstanceClass(ctx.parameter("instance-class")))
            .build())
        .engine(b -> b.clock(clock).transientRetryAfter(Duration.ofMillis(2500)))
        .build();
    rds.givenInstance(r -> r.dbInstanceIdentifier(ID).engine("postgres").dbInstanceClass("db.t3.micro")
        .allocatedStorage(20).masterUsername("postgres").masterUserPassword("not-used-by-the-test-1"));
    String token = update("db.t3.large").encode();

    LastOperationAnswer started = LastOperation.of(engineWithHint.engine()).answer(ID, token);
    rds.faults().throttleNext(10);
    LastOperationAnswer throttled = LastOperation.of(engineWithHint.engine()).answer(ID, token);

    assertThat(started.httpStatus()).isEqualTo(200);
    assertThat(started.state()).isEqualTo("in progress");
    assertThat(started.description()).isEqualTo("step settings started");
    assertThat(started.body()).containsOnlyKeys("state", "description");
    assertThat(throttled.httpStatus()).isEqualTo(200);
    assertThat(throttled.state()).isEqualTo("in progress");
    assertThat(throttled.retryAfterSeconds()).hasValue(3); // 2.5 s, rounded up
    assertThat(throttled.instanceUsable()).isEmpty();
  }

  @Test
  void everyInProgressAnswerCarriesTheEnginesRetryAfter() {
    rds.givenInstance(r -> r.dbInstanceIdentifier(ID).engine("postgres").dbInstanceClass("db.t3.micro")
        .allocatedStorage(20).masterUsername("postgres").masterUserPassword("not-used-by-the-test-1"));
    rds.deleteDBInstance(r -> r.dbInstanceIdentifier(ID).skipFinalSnapshot(true));
    String deletion = tagflow.engine().deletionToken().encode();

    LastOperationAnswer answer = lastOperation.answer(ID, deletion);

    assertThat(answer.state()).isEqualTo("in progress");
    assertThat(answer.retryAfterSeconds()).hasValue(30); // how long "deleting" typically lasts
  }

  @Test
  void retryAfterIsRoundedUpAndAtLeastOneSecond() {
    assertThat(LastOperation.seconds(Duration.ofMillis(1500))).isEqualTo(2);
    assertThat(LastOperation.seconds(Duration.ofSeconds(30))).isEqualTo(30);
    assertThat(LastOperation.seconds(Duration.ZERO)).isEqualTo(1);
    assertThat(LastOperation.seconds(Duration.ofMillis(1))).isEqualTo(1);
  }

  @Test
  void aDeletionIs200WhileTheInstanceExistsAnd410GoneOnceItIsGone() {
    rds.givenInstance(r -> r.dbInstanceIdentifier(ID).engine("postgres").dbInstanceClass("db.t3.micro")
        .allocatedStorage(20).masterUsername("postgres").masterUserPassword("not-used-by-the-test-1"));
    String token = tagflow.starter().delete(ID, d -> d.skipFinalSnapshot(true)).encode();

    LastOperationAnswer deleting = lastOperation.answer(ID, token);
    clock.advance(Duration.ofHours(1));
    LastOperationAnswer gone = lastOperation.answer(ID, token);

    assertThat(deleting.httpStatus()).isEqualTo(200);
    assertThat(deleting.state()).isEqualTo("in progress");
    assertThat(gone.httpStatus()).isEqualTo(410);
    assertThat(gone.isGone()).isTrue();
    assertThat(gone.state()).isEqualTo("succeeded");
  }

  @Test
  void anInstanceThatDoesNotExistIs404WithoutATokenAndOnceTheGraceHasPassedWithOne() {
    String token = tagflow.engine().startTags(ID, ReadyFlows.RESTORE_FROM_SNAPSHOT, Map.of()).token().encode();

    assertThat(lastOperation.answer(ID, null).httpStatus()).isEqualTo(404);
    assertThat(lastOperation.answer(ID, "").httpStatus()).isEqualTo(404); // empty: a poll without a token
    LastOperationAnswer notListedYet = lastOperation.answer(ID, token);
    clock.advance(Duration.ofMinutes(6));
    LastOperationAnswer afterGrace = lastOperation.answer(ID, token);

    assertThat(notListedYet.httpStatus()).isEqualTo(200);
    assertThat(notListedYet.state()).isEqualTo("in progress");
    assertThat(afterGrace.httpStatus()).isEqualTo(404);
    assertThat(afterGrace.isNotFound()).isTrue();
    assertThat(afterGrace.state()).isEqualTo("failed");
    assertThat(afterGrace.instanceUsable()).isEmpty();
  }

  @Test
  void aTokenThatDoesNotParseIsRefusedBeforeAnyRdsCall() {
    assertThatThrownBy(() -> lastOperation.answer(ID, "not-a-token"))
        .isInstanceOf(InvalidOperationTokenException.class)
        .hasMessageContaining("not an rds-tagflow operation token");
    assertThat(rds.calls().all()).isEmpty();
  }

  @Test
  void aModifyRdsRefusedLeavesTheInstanceUsableAndTheUpdateRepeatable() {
    rds.givenInstance(r -> r.dbInstanceIdentifier(ID).engine("postgres").dbInstanceClass("db.t3.micro")
        .allocatedStorage(20).masterUsername("postgres").masterUserPassword("not-used-by-the-test-1"));
    String token = update("db.t3.large").encode();
    rds.faults().failNext("ModifyDBInstance", "InvalidParameterCombination");

    LastOperationAnswer failed = lastOperation.answer(ID, token);
    LastOperationAnswer again = lastOperation.answer(ID, token); // from the terminal record

    assertThat(failed.httpStatus()).isEqualTo(200);
    assertThat(failed.state()).isEqualTo("failed");
    assertThat(failed.description()).contains("InvalidParameterCombination");
    assertThat(failed.instanceUsable()).contains(true);
    assertThat(failed.updateRepeatable()).contains(true);
    assertThat(failed.body()).containsEntry("instance_usable", true).containsEntry("update_repeatable", true);
    assertThat(again).isEqualTo(failed);
  }

  @Test
  void anUpdateWhoseInstanceBrokeLeavesItNeitherUsableNorRepeatable() {
    rds.givenInstance(r -> r.dbInstanceIdentifier(ID).engine("postgres").dbInstanceClass("db.t3.micro")
        .allocatedStorage(20).masterUsername("postgres").masterUserPassword("not-used-by-the-test-1"));
    String token = update("db.t3.large").encode();
    rds.faults().failInstance(ID, "incompatible-parameters");

    LastOperationAnswer failed = lastOperation.answer(ID, token);

    assertThat(failed.state()).isEqualTo("failed");
    assertThat(failed.instanceUsable()).contains(false);
    assertThat(failed.updateRepeatable()).contains(false);
  }

  @Test
  void aFailedRestoreIsAProvisionAndCarriesNeitherField() {
    rds.givenSnapshot(s -> s.dbSnapshotIdentifier("nightly").engine("postgres").allocatedStorage(20));
    String token = tagflow.starter().restoreFromSnapshot(tagflow.flow(ReadyFlows.RESTORE_FROM_SNAPSHOT), Map.of(),
        r -> r.dbInstanceIdentifier(ID).dbSnapshotIdentifier("nightly").dbInstanceClass("db.t3.micro")).encode();
    rds.faults().failInstance(ID, "incompatible-restore");

    LastOperationAnswer failed = lastOperation.answer(ID, token);

    assertThat(failed.state()).isEqualTo("failed");
    assertThat(failed.httpStatus()).isEqualTo(200);
    assertThat(failed.instanceUsable()).isEmpty();
    assertThat(failed.updateRepeatable()).isEmpty();
    assertThat(failed.body()).containsOnlyKeys("state", "description");
  }

  @Test
  void theUpdateFlowsAreTheBrokersChoice() {
    LastOperation none = LastOperation.builder(tagflow.engine()).updateFlows(java.util.List.of()).build();
    rds.givenInstance(r -> r.dbInstanceIdentifier(ID).engine("postgres").dbInstanceClass("db.t3.micro")
        .allocatedStorage(20).masterUsername("postgres").masterUserPassword("not-used-by-the-test-1"));
    String token = update("db.t3.large").encode();
    rds.faults().failNext("ModifyDBInstance", "InvalidParameterCombination");

    assertThat(none.answer(ID, token).instanceUsable()).isEqualTo(Optional.empty());
    assertThat(none.updateFlows()).isEmpty();
  }

  @Test
  void anRdsCallRefusedForGoodIsAnErrorNamingTheCallAndTheCodeOnly() {
    rds.faults().failNext("DescribeDBInstances", "AccessDenied");

    assertThatThrownBy(() -> lastOperation.answer(ID, null))
        .isInstanceOf(RdsCallException.class)
        .hasMessageContaining("AccessDenied")
        .satisfies(e -> assertThat(((RdsCallException) e).isTransient()).isFalse());
  }

  @Test
  void aTransientRdsErrorIsInProgressWithRetryAfter() {
    rds.faults().throttleNext(10);

    LastOperationAnswer answer = lastOperation.answer(ID, null);

    assertThat(answer.httpStatus()).isEqualTo(200);
    assertThat(answer.state()).isEqualTo("in progress");
    assertThat(answer.retryAfterSeconds()).isEqualTo(OptionalLong.of(30));
  }

  private OperationToken update(String instanceClass) {
    return tagflow.engine().begin(ID, tagflow.flow(ReadyFlows.UPDATE_PLAN), Map.of("instance-class", instanceClass));
  }
}
