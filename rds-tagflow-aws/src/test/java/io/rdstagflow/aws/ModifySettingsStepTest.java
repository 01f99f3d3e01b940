package io.rdstagflow.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.rdstagflow.core.Completion;
import io.rdstagflow.core.RdsInstance;
import io.rdstagflow.core.StepContext;
import io.rdstagflow.core.StepResult;
import io.rdstagflow.testkit.FakeRds;
import io.rdstagflow.testkit.LifecycleTimings;
import io.rdstagflow.testkit.RecordedCall;
import io.rdstagflow.testkit.VirtualClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.rds.model.ModifyDbInstanceRequest;

/**
 * The built-in steps on the fake RDS: only what differs is sent, and nothing when nothing differs;
 * a started step is complete only once the describe shows what it sent.
 */
class ModifySettingsStepTest {

  @RegisterExtension
  final LogCapture logs = new LogCapture();

  private final VirtualClock clock = VirtualClock.create();
  private final FakeRds rds = FakeRds.builder().clock(clock).timings(LifecycleTimings.instant()).build();
  private final SdkRdsGateway gateway = new SdkRdsGateway(rds);

  @BeforeEach
  void instance() {
    rds.createDBParameterGroup(r -> r.dbParameterGroupName("pg-a").dbParameterGroupFamily("postgres15").description("a"));
    rds.givenInstance(r -> r.dbInstanceIdentifier("db-1").engine("postgres").engineVersion("15.4")
        .dbInstanceClass("db.t3.micro").allocatedStorage(20).masterUsername("master").masterUserPassword("initial-pw-1")
        .multiAZ(true).backupRetentionPeriod(7).dbParameterGroupName("pg-a"));
  }

  private StepContext context() {
    RdsInstance instance = gateway.describe("db-1").orElseThrow();
    return new StepContext(instance, "f", "settings", Map.of("plan", "large"), 1, clock.instant(), clock);
  }

  private List<ModifyDbInstanceRequest> modifies() {
    return rds.calls().all().stream().filter(c -> c.operation().equals("ModifyDBInstance"))
        .map(RecordedCall::request).map(ModifyDbInstanceRequest.class::cast).toList();
  }

  @Test
  void settingsTheInstanceAlreadyHasMakeNoCall() {
    ModifySettingsStep step = ModifySettingsStep.builder(rds)
        .settings(b -> b.dbParameterGroupName("pg-a").backupRetentionPeriod(7).multiAZ(true).dbInstanceClass("db.t3.micro"))
        .build();

    assertThat(step.run(context())).isEqualTo(StepResult.done());
    assertThat(modifies()).isEmpty();
  }

  @Test
  void onlyTheFieldsThatDifferAreSentAndMultiAzIsNeverResetByOmission() {
    ModifySettingsStep step = ModifySettingsStep.builder(rds)
        .settings((ctx, b) -> b.dbParameterGroupName("pg-a").backupRetentionPeriod(14)
            .dbInstanceClass(ctx.parameter("plan").equals("large") ? "db.m5.large" : "db.t3.micro"))
        .build();

    assertThat(step.run(context())).isEqualTo(StepResult.started());

    ModifyDbInstanceRequest sent = modifies().get(0);
    assertThat(sent.backupRetentionPeriod()).isEqualTo(14);
    assertThat(sent.dbInstanceClass()).isEqualTo("db.m5.large");
    assertThat(sent.dbParameterGroupName()).as("unchanged parameter group re-sent").isNull();
    assertThat(sent.multiAZ()).isNull();
    assertThat(sent.applyImmediately()).isTrue();
    clock.advance(Duration.ofSeconds(1));
    assertThat(rds.describeDBInstances(r -> r.dbInstanceIdentifier("db-1")).dbInstances().get(0).multiAZ()).isTrue();
  }

  @Test
  void runningAgainAfterTheChangeLandedMakesNoSecondCall() {
    ModifySettingsStep step = ModifySettingsStep.builder(rds).settings(b -> b.backupRetentionPeriod(14)).build();
    step.run(context());
    clock.advance(Duration.ofSeconds(1));

    assertThat(step.run(context())).isEqualTo(StepResult.done());
    assertThat(modifies()).hasSize(1);
  }

  @Test
  void masterPasswordIsAlwaysSentFromTheSourceAndNeverLogged() {
    DerivedPasswordSource passwords = DerivedPasswordSource.fromSeed("settings-test-seed-0123456789");
    String password = passwords.password("db-1", "master");
    ModifySettingsStep step = ModifySettingsStep.builder(rds).masterPassword(passwords).build();

    StepResult result = step.run(context());

    assertThat(result).isEqualTo(StepResult.started());
    assertThat(modifies().get(0).masterUserPassword()).isEqualTo(password);
    assertThat(modifies().get(0).toString()).doesNotContain(password);
    assertThat(step.toString()).doesNotContain(password);
    logs.assertNoneContains(List.of(password, "settings-test-seed-0123456789"));
    assertThat(logs.lines()).anySatisfy(l -> assertThat(l).contains("modifying [MasterUserPassword]"));
  }

  @Test
  void masterPasswordStepAloneSendsOnlyThePassword() {
    MasterPasswordStep step = MasterPasswordStep.fromSource(rds, (id, user) -> "Pw" + id.length() + user + "-x9");

    assertThat(step.name()).isEqualTo("master-password");
    assertThat(step.run(context())).isEqualTo(StepResult.started());
    ModifyDbInstanceRequest sent = modifies().get(0);
    assertThat(sent.masterUserPassword()).isEqualTo("Pw4master-x9");
    assertThat(sent.backupRetentionPeriod()).isNull();
  }

  @Test
  void rebootHappensOnlyWhenAParameterGroupIsPendingReboot() {
    RebootIfPendingStep reboot = new RebootIfPendingStep(rds);
    assertThat(reboot.run(context())).isEqualTo(StepResult.done());

    rds.createDBParameterGroup(r -> r.dbParameterGroupName("pg-b").dbParameterGroupFamily("postgres15").description("b"));
    rds.modifyDBInstance(r -> r.dbInstanceIdentifier("db-1").dbParameterGroupName("pg-b").applyImmediately(true));
    clock.advance(Duration.ofSeconds(1));
    assertThat(context().instance().isPendingReboot()).isTrue();
    assertThat(reboot.completion(context()).isComplete()).isFalse();

    assertThat(reboot.run(context())).isEqualTo(StepResult.started());
    clock.advance(Duration.ofSeconds(1));
    assertThat(reboot.completion(context()).isComplete()).isTrue();
    assertThat(rds.calls().count("RebootDBInstance")).isEqualTo(1);
  }

  // ---- completion, on a fake with the reference lifecycle (modify 3 min, password reset 2 min)

  private final FakeRds slow = FakeRds.builder().clock(clock).timings(LifecycleTimings.defaults()).build();
  private final SdkRdsGateway slowGateway = new SdkRdsGateway(slow);

  private StepContext slowContext() {
    return new StepContext(slowGateway.describe("db-2").orElseThrow(), "f", "settings", Map.of(), 1, clock.instant(), clock);
  }

  private void slowInstance() {
    slow.givenInstance(r -> r.dbInstanceIdentifier("db-2").engine("postgres").engineVersion("15.4")
        .dbInstanceClass("db.t3.small").allocatedStorage(20).masterUsername("master").masterUserPassword("initial-pw-1"));
  }

  @Test
  void aDescribeThatLagsBehindTheModifyPastTheSettleTimeIsNotYetWithTheReason() {
    slowInstance();
    slow.faults().describeLag(Duration.ofMinutes(2));
    ModifySettingsStep step = ModifySettingsStep.builder(slow).settings(b -> b.dbInstanceClass("db.t3.large")).build();
    assertThat(step.run(slowContext())).isEqualTo(StepResult.started());

    clock.advance(Duration.ofSeconds(61)); // settle time 30 s + skew 30 s
    StepContext lagging = slowContext();
    assertThat(lagging.instance().isSettled()).as("a stale available, nothing pending").isTrue();
    Completion c = step.completion(lagging);

    assertThat(c.isComplete()).isFalse();
    assertThat(c.waitingFor()).contains("DBInstanceClass still db.t3.small, sent db.t3.large");

    clock.advance(Duration.ofMinutes(1)); // the lag is over; the modify takes 3 min
    assertThat(step.completion(slowContext()).waitingFor()).contains("DBInstanceClass db.t3.large still pending");

    clock.advance(Duration.ofMinutes(3));
    assertThat(step.completion(slowContext()).isComplete()).isTrue();
  }

  @Test
  void aParameterGroupNamedInAnotherCaseThanRdsStoresIsNotResentAndCountsAsShown() {
    slow.createDBParameterGroup(r -> r.dbParameterGroupName("My-Group").dbParameterGroupFamily("postgres15").description("m"));
    slow.givenInstance(r -> r.dbInstanceIdentifier("db-2").engine("postgres").engineVersion("15.4")
        .dbInstanceClass("db.t3.small").allocatedStorage(20).masterUsername("master").masterUserPassword("initial-pw-1")
        .dbParameterGroupName("My-Group"));
    assertThat(slowContext().instance().parameterGroups()).extracting(RdsInstance.ParameterGroup::name)
        .containsExactly("my-group");
    ModifySettingsStep step = ModifySettingsStep.builder(slow).settings(b -> b.dbParameterGroupName("My-Group")).build();

    assertThat(step.run(slowContext())).isEqualTo(StepResult.done());
    assertThat(slow.calls().count("ModifyDBInstance")).isZero();
    assertThat(step.completion(slowContext()).isComplete()).isTrue();
  }

  @Test
  void theMasterPasswordIsNotCompleteWhileItsResetIsPending() {
    slowInstance();
    DerivedPasswordSource passwords = DerivedPasswordSource.fromSeed("settings-test-seed-0123456789");
    MasterPasswordStep step = MasterPasswordStep.fromSource(slow, passwords);
    assertThat(step.run(slowContext())).isEqualTo(StepResult.started());

    clock.advance(Duration.ofSeconds(61));
    Completion c = step.completion(slowContext());

    assertThat(c.waitingFor()).contains("MasterUserPassword change still pending");
    assertThat(c.toString()).doesNotContain(passwords.password("db-2", "master"));
    clock.advance(Duration.ofMinutes(2));
    assertThat(step.completion(slowContext()).isComplete()).isTrue();
  }

  @Test
  void aRebootIsNotCompleteWhileALaggingDescribeStillShowsAGroupPendingReboot() {
    slow.createDBParameterGroup(r -> r.dbParameterGroupName("pg-b").dbParameterGroupFamily("postgres15").description("b"));
    slowInstance();
    slow.modifyDBInstance(r -> r.dbInstanceIdentifier("db-2").dbParameterGroupName("pg-b").applyImmediately(true));
    clock.advance(Duration.ofMinutes(7));
    assertThat(slowContext().instance().isPendingReboot()).isTrue();
    RebootIfPendingStep reboot = new RebootIfPendingStep(slow);
    slow.faults().describeLag(Duration.ofMinutes(3));

    assertThat(reboot.run(slowContext())).isEqualTo(StepResult.started());
    clock.advance(Duration.ofSeconds(61));
    StepContext lagging = slowContext();
    assertThat(lagging.instance().isSettled()).isTrue();
    assertThat(reboot.completion(lagging).waitingFor()).contains("a parameter group is still pending-reboot");

    clock.advance(Duration.ofMinutes(3)); // lag over, reboot (2 min) done
    assertThat(reboot.completion(slowContext()).isComplete()).isTrue();
    assertThat(slow.calls().count("RebootDBInstance")).isEqualTo(1);
  }

  @Test
  void withoutTheSdkDescriptionTheStepFailsClearly() {
    ModifySettingsStep step = ModifySettingsStep.builder(rds).settings(b -> b.backupRetentionPeriod(1)).build();
    RdsInstance bare = RdsInstance.builder("db-1").status("available").build();

    StepResult result = step.run(new StepContext(bare, "f", "settings", Map.of(), 1, clock.instant(), clock));

    assertThat(result).isEqualTo(StepResult.failed("step settings needs the SDK gateway's description of the instance"));
  }
}
