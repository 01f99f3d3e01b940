package io.rdstagflow.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.rdstagflow.core.OperationStatus;
import io.rdstagflow.core.OperationToken;
import io.rdstagflow.core.TagStateMachine;
import io.rdstagflow.testkit.FakeRds;
import io.rdstagflow.testkit.LifecycleTimings;
import io.rdstagflow.testkit.PollDriver;
import io.rdstagflow.testkit.PollHistory;
import io.rdstagflow.testkit.VirtualClock;
import io.rdstagflow.testkit.junit.FakeRdsExtension;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.rds.RdsClient;

/**
 * The README's "Testing your broker" sample, compiled and run here: a broker's own wiring, which
 * takes an {@link RdsClient}, tested on the test kit's fake RDS. Keep the README in step with it.
 */
class TestingYourBrokerExampleTest {

  /** Stands for the broker: production code that receives an RdsClient and a clock. */
  static final class MyBroker {
    private final TagStateMachine engine;
    private final RdsStarter starter;

    MyBroker(RdsClient rds, Clock clock) {
      engine = TagStateMachine.builder(new SdkRdsGateway(rds))
          .flow(ReadyFlows.restoreFromSnapshot(rds)
              .settings(b -> b.backupRetentionPeriod(7))
              .masterPassword(DerivedPasswordSource.fromSeed("read-me-from-your-secret-store!"))
              .build())
          .clock(clock)
          .build();
      starter = new RdsStarter(rds, engine);
    }

    /** Provision from a snapshot; returns OSB's "operation". */
    String provision(String instanceId, String snapshot) {
      OperationToken token = starter.restoreFromSnapshot(ReadyFlows.RESTORE_FROM_SNAPSHOT, Map.of(),
          r -> r.dbInstanceIdentifier(instanceId).dbSnapshotIdentifier(snapshot).dbInstanceClass("db.t3.micro"));
      return token.encode();
    }

    /** GET /v2/service_instances/:id/last_operation */
    OperationStatus lastOperation(String instanceId, String operation) {
      return engine.poll(instanceId, operation);
    }
  }

  // README: "Testing your broker"
  @RegisterExtension
  final FakeRdsExtension rds = FakeRdsExtension.builder()
      .timings(LifecycleTimings.defaults()) // restore 10 min, modify 3 min, reboot 2 min: virtual time
      .seed(42)
      .build();

  @Test
  void restoreFromSnapshotSucceedsThroughThrottling(FakeRds fake, VirtualClock clock) {
    fake.givenSnapshot(s -> s.dbSnapshotIdentifier("nightly").engine("postgres").masterUsername("master"));
    MyBroker broker = new MyBroker(fake, clock); // the fake is an RdsClient

    String operation = broker.provision("svc-1", "nightly");
    fake.faults().throttleNext(2); // RDS throttles the first polls

    PollHistory history = PollDriver.on(clock).recordingCallsOf(fake).build()
        .run(() -> broker.lastOperation("svc-1", operation));

    assertThat(history.succeeded()).isTrue();
    assertThat(history.polls()).allSatisfy(poll -> assertThat(poll.calls().size()).isLessThanOrEqualTo(3));
    assertThat(fake.calls().count("ModifyDBInstance")).isEqualTo(1);
    assertThat(fake.describeDBInstances(r -> r.dbInstanceIdentifier("svc-1")).dbInstances().get(0).tagList())
        .anyMatch(tag -> tag.key().equals("tagflow:flow") && tag.value().contains("state=succeeded"));
  }
  // end of sample
}
