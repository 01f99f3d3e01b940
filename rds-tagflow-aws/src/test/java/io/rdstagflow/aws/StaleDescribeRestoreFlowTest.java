package io.rdstagflow.aws;

import static io.rdstagflow.aws.RestoreFixture.ID;
import static org.assertj.core.api.Assertions.assertThat;

import io.rdstagflow.core.Flow;
import io.rdstagflow.core.OperationStatus;
import io.rdstagflow.core.OperationToken;
import io.rdstagflow.core.RdsInstance;
import io.rdstagflow.core.TagStateMachine;
import io.rdstagflow.core.spi.ErrorClassification;
import io.rdstagflow.core.spi.RdsGateway;
import io.rdstagflow.testkit.FakeRds;
import io.rdstagflow.testkit.PollHistory;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.rds.model.DBInstance;

/**
 * The issue "a stale {@code available} completes the settings step": DescribeDBInstances' attributes
 * lag behind an accepted modify by more than the settle time and the clock-skew allowance, while the
 * tags read back current. The describe then shows an {@code available} instance with the old
 * settings and nothing pending, after the settle time. Version 1 chained settings, reboot and users
 * on it and answered {@code succeeded} while RDS was still {@code modifying}; the flow must not
 * answer {@code succeeded} until the describe shows what the settings step sent.
 */
class StaleDescribeRestoreFlowTest {

  @RegisterExtension
  final LogCapture logs = new LogCapture();

  private final RestoreFixture f = new RestoreFixture();

  @Test
  void attributesLaggingBehindTheModifyNeverLetTheFlowSucceedBeforeTheNewClassIsShown() {
    Flow flow = ReadyFlows.restoreFromSnapshot(f.rds)
        .settings(b -> b.dbInstanceClass("db.t3.large").backupRetentionPeriod(7))
        .masterPassword(f.passwords)
        .build();
    StaleAttributes gateway = new StaleAttributes(f.rds, Duration.ofMinutes(4));
    TagStateMachine engine = TagStateMachine.builder(gateway).flow(flow).clock(f.clock)
        .settleTime(Duration.ofSeconds(30)).build();
    OperationToken token = new RdsStarter(f.rds, engine).restoreFromSnapshot(ReadyFlows.RESTORE_FROM_SNAPSHOT,
        Map.of(), r -> r.dbInstanceIdentifier(ID).dbSnapshotIdentifier("nightly").dbInstanceClass("db.t3.micro"));

    PollHistory history = f.pollUntilDone(() -> engine.poll(ID, token));

    assertThat(gateway.staleDescribes).as("the scenario happened: settled-looking stale describes").isPositive();
    assertThat(history.succeeded()).as(history.render()).isTrue();
    // The clock stands at the succeeding poll: what RDS really had then, without the lag.
    DBInstance atSuccess = f.rds.describeDBInstances(r -> r.dbInstanceIdentifier(ID)).dbInstances().get(0);
    assertThat(atSuccess.dbInstanceStatus()).as("RDS's status when the flow answered succeeded\n" + history.render())
        .isEqualTo("available");
    assertThat(atSuccess.dbInstanceClass()).isEqualTo("db.t3.large");
    assertThat(SdkRdsGateway.pendingNames(atSuccess.pendingModifiedValues())).isEmpty();
    assertThat(history.polls().stream().map(PollHistory.Poll::status)
        .filter(s -> s.state() == OperationStatus.State.SUCCEEDED)).hasSize(1);
    logs.assertNoneContains(List.of(f.password(), RestoreFixture.SEED));
  }

  /**
   * The SDK gateway, except that for {@code lag} after each ModifyDBInstance its describes show the
   * instance's attributes as the last describe before the modify saw them (status, class, pending
   * values), with the tags as they are now: an attribute read that lags, a tag read that does not.
   */
  private static final class StaleAttributes implements RdsGateway {
    private final FakeRds rds;
    private final SdkRdsGateway real;
    private final Duration lag;
    private DBInstance lastSeen;
    private DBInstance frozen;
    private Instant frozenUntil = Instant.MIN;
    private long modifies;
    int staleDescribes;

    StaleAttributes(FakeRds rds, Duration lag) {
      this.rds = rds;
      this.real = new SdkRdsGateway(rds);
      this.lag = lag;
    }

    @Override
    public Optional<RdsInstance> describe(String instanceId) {
      Instant now = rds.clock().instant();
      long seen = rds.calls().count("ModifyDBInstance");
      if (seen > modifies) {
        modifies = seen;
        frozen = lastSeen;
        frozenUntil = now.plus(lag);
      }
      Optional<DBInstance> current = rds.describeDBInstances(r -> r.dbInstanceIdentifier(instanceId)).dbInstances()
          .stream().findFirst();
      if (current.isEmpty()) {
        return Optional.empty();
      }
      if (frozen != null && now.isBefore(frozenUntil)) {
        staleDescribes++;
        return Optional.of(SdkRdsGateway.toInstance(frozen.toBuilder().tagList(current.get().tagList()).build()));
      }
      lastSeen = current.get();
      return Optional.of(SdkRdsGateway.toInstance(lastSeen));
    }

    @Override
    public void addTags(RdsInstance instance, Map<String, String> tags) {
      real.addTags(instance, tags);
    }

    @Override
    public void removeTags(RdsInstance instance, Collection<String> keys) {
      real.removeTags(instance, keys);
    }

    @Override
    public ErrorClassification classify(Throwable error) {
      return real.classify(error);
    }
  }
}
