package io.rdstagflow.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.rdstagflow.core.OperationStatus;
import io.rdstagflow.testkit.junit.FakeRdsExtension;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.Tag;

// The README's "Testing your broker" section is copied from this file: keep them in step.
class TestingYourBrokerExampleTest {

  @RegisterExtension
  final FakeRdsExtension rds = FakeRdsExtension.builder()
      .timings(LifecycleTimings.defaults().withCreating(Duration.ofMinutes(10)))
      .seed(42)
      .build();

  /** Stands in for a broker's LastOperation handler: it only sees an RdsClient. */
  static Supplier<OperationStatus> lastOperation(RdsClient client, String instanceId) {
    return () -> {
      DBInstance db = client.describeDBInstances(r -> r.dbInstanceIdentifier(instanceId))
          .dbInstances().get(0);
      return switch (db.dbInstanceStatus()) {
        case "available" -> OperationStatus.succeeded("instance available");
        case "failed", "incompatible-restore" -> OperationStatus.failed(db.dbInstanceStatus());
        default -> OperationStatus.inProgress(db.dbInstanceStatus());
      };
    };
  }

  @Test
  void restoreIsPolledToSuccessWithOneDescribePerPoll(FakeRds fake, VirtualClock clock) {
    fake.givenSnapshot(s -> s.dbSnapshotIdentifier("nightly").engine("postgres").allocatedStorage(20));
    RdsClient client = fake; // what the broker's own wiring receives

    client.restoreDBInstanceFromDBSnapshot(r -> r.dbInstanceIdentifier("svc-1234")
        .dbSnapshotIdentifier("nightly")
        .tags(Tag.builder().key("tagflow:flow").value("name=restore v=1").build()));
    fake.faults().throttleNext(1); // the first poll is throttled, as RDS may do

    PollHistory history = PollDriver.on(clock).recordingCallsOf(fake).build()
        .run(() -> {
          try {
            return lastOperation(client, "svc-1234").get();
          } catch (software.amazon.awssdk.services.rds.model.RdsException e) {
            if (e.isThrottlingException()) {
              return OperationStatus.inProgress("throttled", Duration.ofMinutes(2));
            }
            throw e;
          }
        });

    assertThat(history.succeeded()).isTrue();
    assertThat(history.elapsed()).isEqualTo(Duration.ofMinutes(10));
    assertThat(history.polls()).allSatisfy(poll -> {
      assertThat(poll.count("DescribeDBInstances")).isEqualTo(1);
      assertThat(poll.wrote()).isFalse();
    });
    assertThat(fake.history("svc-1234").orElseThrow().statusSequence())
        .containsExactly("creating", "available");
  }

  @Test
  void aRestoreThatGoesIncompatibleIsReportedFailed(FakeRds fake, VirtualClock clock) {
    fake.givenSnapshot(s -> s.dbSnapshotIdentifier("nightly"));
    fake.restoreDBInstanceFromDBSnapshot(r -> r.dbInstanceIdentifier("svc-1").dbSnapshotIdentifier("nightly"));
    fake.faults().failInstanceAfter("svc-1", "incompatible-restore", Duration.ofMinutes(5));

    PollHistory history = PollDriver.on(clock).build().run(lastOperation(fake, "svc-1"));

    assertThat(history.stopReason()).isEqualTo(PollDriver.StopReason.FAILED);
    assertThat(history.finalStatus().description()).isEqualTo("incompatible-restore");
    assertThat(history.polls()).hasSize(5);
  }
}
