package io.rdstagflow.aws.readme;

import static org.assertj.core.api.Assertions.assertThat;

import io.rdstagflow.aws.RdsTagflow;
import io.rdstagflow.core.Completion;
import io.rdstagflow.core.Deadline;
import io.rdstagflow.core.Flow;
import io.rdstagflow.core.OperationToken;
import io.rdstagflow.core.RdsInstance;
import io.rdstagflow.core.RetryPolicy;
import io.rdstagflow.core.StepContext;
import io.rdstagflow.core.StepResult;
import io.rdstagflow.core.TagStateMachine;
import io.rdstagflow.testkit.FakeRds;
import io.rdstagflow.testkit.LifecycleTimings;
import io.rdstagflow.testkit.PollDriver;
import io.rdstagflow.testkit.PollHistory;
import io.rdstagflow.testkit.VirtualClock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;

/** The README's "Your own steps and flows" samples, run on the test kit's fake RDS. */
class CustomStepOnFakeRdsTest {

  private final VirtualClock clock = VirtualClock.create();
  private final FakeRds fake = FakeRds.builder().clock(clock).timings(LifecycleTimings.defaults()).seed(5).build();

  @Test
  void theCustomStepTurnsOnIamAuthenticationAndIsDoneOnlyWhenTheDescribeShowsIt() {
    fake.givenInstance(r -> r.dbInstanceIdentifier("db-1").engine("postgres").engineVersion("16.3")
        .dbInstanceClass("db.t3.micro").allocatedStorage(20).masterUsername("master").masterUserPassword("initial-pw-1"));
    RdsClient rds = fake; // in production: your own RdsClient

    // README: "Your own steps and flows", the flow
    Flow iam = Flow.builder("iam-auth")
        .step(new EnableIamAuthentication(rds))
        .retryPolicy(RetryPolicy.maxAttempts(3))
        .stepDeadline(Deadline.of(Duration.ofMinutes(30)))
        .flowDeadline(Deadline.of(Duration.ofHours(2)))
        .build();

    RdsTagflow tagflow = RdsTagflow.builder(rds)
        .flow(iam)
        .engine(engine -> engine.clock(clock)) // in production: leave the system clock
        .build();
    TagStateMachine engine = tagflow.engine();

    OperationToken token = engine.begin("db-1", iam, Map.of()); // OSB: return token.encode() as "operation"
    // end of sample

    PollHistory history = PollDriver.on(clock).recordingCallsOf(fake).build().run(() -> engine.poll("db-1", token));

    assertThat(history.succeeded()).isTrue();
    DBInstance db = fake.describeDBInstances(r -> r.dbInstanceIdentifier("db-1")).dbInstances().get(0);
    assertThat(db.iamDatabaseAuthenticationEnabled()).isTrue();
    assertThat(fake.calls().count("ModifyDBInstance")).isEqualTo(1);
    assertThat(history.polls()).extracting(p -> p.status().description())
        .noneMatch(d -> d.contains("failed"));
  }

  @Test
  void aSettledDescribeThatDoesNotShowIamOnYetKeepsTheStepWaitingSayingWhy() {
    DBInstance lagging = DBInstance.builder().dbInstanceIdentifier("db-2").dbInstanceStatus("available")
        .iamDatabaseAuthenticationEnabled(false).build();
    DBInstance shown = lagging.toBuilder().iamDatabaseAuthenticationEnabled(true).build();
    EnableIamAuthentication step = new EnableIamAuthentication(fake);

    assertThat(step.completion(context(lagging))).isEqualTo(Completion.notYet("IAMDatabaseAuthenticationEnabled still false"));
    assertThat(step.completion(context(shown)).isComplete()).isTrue();
    assertThat(step.run(context(shown))).isEqualTo(StepResult.done());
    assertThat(fake.calls().all()).as("done without a call when already on").isEmpty();
  }

  private StepContext context(DBInstance db) {
    RdsInstance instance = RdsInstance.builder(db.dbInstanceIdentifier()).status(db.dbInstanceStatus()).detail(db)
        .build();
    return new StepContext(instance, "iam-auth", "iam-auth", Map.of(), 1, clock.instant(), clock);
  }
}
