package io.rdstagflow.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.rdstagflow.core.Completion;
import io.rdstagflow.core.StepContext;
import io.rdstagflow.core.StepResult;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DBParameterGroupStatus;
import software.amazon.awssdk.services.rds.model.Endpoint;
import software.amazon.awssdk.services.rds.model.MasterUserSecret;
import software.amazon.awssdk.services.rds.model.ModifyDbInstanceRequest;
import software.amazon.awssdk.services.rds.model.ModifyDbInstanceResponse;
import software.amazon.awssdk.services.rds.model.OptionGroupMembership;
import software.amazon.awssdk.services.rds.model.PendingModifiedValues;
import software.amazon.awssdk.services.rds.model.VpcSecurityGroupMembership;

/**
 * The settings step's completion check on hand-built describes: what a settled {@code available}
 * describe must show before the step counts as complete, and what the reason says when it does not.
 */
class ModifySettingsCompletionTest {

  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);
  private static final String PASSWORD = "Never-shown-pw-7f3a9c";

  private final List<ModifyDbInstanceRequest> sent = new ArrayList<>();
  private final RdsClient rds = new RdsClient() {
    @Override
    public ModifyDbInstanceResponse modifyDBInstance(ModifyDbInstanceRequest request) {
      sent.add(request);
      return ModifyDbInstanceResponse.builder().build();
    }

    @Override
    public String serviceName() {
      return "rds";
    }

    @Override
    public void close() {}
  };

  /** A settled instance as RDS describes it, changed by {@code change}. */
  private static DBInstance db(Consumer<DBInstance.Builder> change) {
    DBInstance.Builder b = DBInstance.builder().dbInstanceIdentifier("db-1")
        .dbInstanceArn("arn:aws:rds:us-east-1:123456789012:db:db-1").dbInstanceStatus("available")
        .engine("postgres").engineVersion("15.4").masterUsername("master").dbInstanceClass("db.t3.small")
        .allocatedStorage(20).backupRetentionPeriod(7).multiAZ(false).storageType("gp3")
        .iamDatabaseAuthenticationEnabled(false).performanceInsightsEnabled(false).deletionProtection(false)
        .endpoint(Endpoint.builder().address("db-1.example").port(5432).build())
        .dbParameterGroups(DBParameterGroupStatus.builder().dbParameterGroupName("my-group").parameterApplyStatus("in-sync").build())
        .optionGroupMemberships(OptionGroupMembership.builder().optionGroupName("default:postgres-15").status("in-sync").build())
        .vpcSecurityGroups(VpcSecurityGroupMembership.builder().vpcSecurityGroupId("sg-1").status("active").build())
        .pendingModifiedValues(PendingModifiedValues.builder().build());
    change.accept(b);
    return b.build();
  }

  private static StepContext context(DBInstance db) {
    return new StepContext(SdkRdsGateway.toInstance(db), "f", "settings", Map.of(), 1, CLOCK.instant(), CLOCK);
  }

  private ModifySettingsStep step(Consumer<ModifyDbInstanceRequest.Builder> settings) {
    return ModifySettingsStep.builder(rds).settings(settings).build();
  }

  @Test
  void aLaggingDescribeThatStillShowsTheOldClassIsNotYetAndSaysWhy() {
    Completion c = step(b -> b.dbInstanceClass("db.t3.large")).completion(context(db(b -> { })));

    assertThat(c.isComplete()).isFalse();
    assertThat(c.waitingFor()).contains("DBInstanceClass still db.t3.small, sent db.t3.large");
  }

  @Test
  void aValueStillPendingIsNotYetEvenIfTheDescribeAlreadyShowsIt() {
    DBInstance db = db(b -> b.dbInstanceClass("db.t3.large")
        .pendingModifiedValues(PendingModifiedValues.builder().dbInstanceClass("db.t3.large").build()));

    Completion c = step(b -> b.dbInstanceClass("db.t3.large")).completion(context(db));

    assertThat(c.waitingFor()).contains("DBInstanceClass db.t3.large still pending");
  }

  @Test
  void everyValueShownAndNothingPendingIsComplete() {
    DBInstance db = db(b -> b.dbInstanceClass("db.t3.large").backupRetentionPeriod(14).multiAZ(true));

    Completion c = step(b -> b.dbInstanceClass("db.t3.large").backupRetentionPeriod(14).multiAZ(true))
        .completion(context(db));

    assertThat(c.isComplete()).isTrue();
  }

  @Test
  void everyMismatchIsNamedNotOnlyTheFirst() {
    Completion c = step(b -> b.dbInstanceClass("db.t3.large").backupRetentionPeriod(14).allocatedStorage(50))
        .completion(context(db(b -> { })));

    assertThat(c.waitingFor().orElseThrow()).contains("DBInstanceClass still db.t3.small, sent db.t3.large")
        .contains("BackupRetentionPeriod still 7, sent 14").contains("AllocatedStorage still 20, sent 50");
  }

  @Test
  void aParameterGroupNamedInAnotherCaseIsNotResentAndCountsAsShown() {
    ModifySettingsStep step = step(b -> b.dbParameterGroupName("My-Group"));
    DBInstance db = db(b -> { });

    assertThat(step.run(context(db))).isEqualTo(StepResult.done());
    assertThat(sent).isEmpty();
    assertThat(step.completion(context(db)).isComplete()).isTrue();
  }

  @Test
  void anotherParameterGroupIsSentAndNotShownUntilTheDescribeListsIt() {
    ModifySettingsStep step = step(b -> b.dbParameterGroupName("Tuned"));

    assertThat(step.run(context(db(b -> { })))).isEqualTo(StepResult.started());
    assertThat(sent).singleElement().extracting(ModifyDbInstanceRequest::dbParameterGroupName).isEqualTo("Tuned");
    assertThat(step.completion(context(db(b -> { }))).waitingFor())
        .contains("DBParameterGroupName still my-group, sent Tuned");
    DBInstance moved = db(b -> b.dbParameterGroups(
        DBParameterGroupStatus.builder().dbParameterGroupName("tuned").parameterApplyStatus("pending-reboot").build()));
    assertThat(step.completion(context(moved)).isComplete()).as("a reboot step deals with pending-reboot").isTrue();
  }

  @Test
  void fieldsTheDescribeNamesDifferentlyAreComparedWithTheirCounterparts() {
    ModifySettingsStep step = step(b -> b.enableIAMDatabaseAuthentication(true).dbPortNumber(6432)
        .optionGroupName("Audit").vpcSecurityGroupIds("sg-2", "sg-3").enablePerformanceInsights(true));

    Completion before = step.completion(context(db(b -> { })));
    assertThat(before.waitingFor().orElseThrow())
        .contains("EnableIAMDatabaseAuthentication still false, sent true")
        .contains("DBPortNumber still 5432, sent 6432")
        .contains("OptionGroupName still default:postgres-15, sent Audit")
        .contains("VpcSecurityGroupIds still sg-1, sent sg-2 sg-3")
        .contains("EnablePerformanceInsights still false, sent true");

    DBInstance adding = db(b -> b.iamDatabaseAuthenticationEnabled(true)
        .endpoint(Endpoint.builder().address("db-1.example").port(6432).build())
        .optionGroupMemberships(OptionGroupMembership.builder().optionGroupName("audit").status("pending-apply").build())
        .vpcSecurityGroups(sg("sg-2", "active"), sg("sg-3", "adding"))
        .performanceInsightsEnabled(true));
    assertThat(step.completion(context(adding)).waitingFor().orElseThrow())
        .isEqualTo("VpcSecurityGroupIds still sg-3 adding, sent sg-2 sg-3; OptionGroupName still audit pending-apply, sent Audit");

    DBInstance done = db(b -> b.iamDatabaseAuthenticationEnabled(true)
        .endpoint(Endpoint.builder().address("db-1.example").port(6432).build())
        .optionGroupMemberships(OptionGroupMembership.builder().optionGroupName("audit").status("in-sync").build())
        .vpcSecurityGroups(sg("sg-2", "active"), sg("sg-3", "active"))
        .performanceInsightsEnabled(true));
    assertThat(step.completion(context(done)).isComplete()).isTrue();
    DBInstance stillRemoving = done.toBuilder()
        .vpcSecurityGroups(sg("sg-2", "active"), sg("sg-3", "active"), sg("sg-1", "removing")).build();
    assertThat(step.completion(context(stillRemoving)).waitingFor())
        .contains("VpcSecurityGroupIds still sg-1 removing, sent sg-2 sg-3");
  }

  @Test
  void aFieldTheDescribeDoesNotReportIsCompleteOnceNothingOfItIsPending() {
    // moto never reports PerformanceInsightsEnabled; RDS always does.
    ModifySettingsStep step = step(b -> b.enablePerformanceInsights(true).promotionTier(2));
    DBInstance unreported = db(b -> b.performanceInsightsEnabled((Boolean) null).promotionTier(2));

    assertThat(step.completion(context(unreported)).isComplete()).isTrue();
  }

  @Test
  void aFieldWithoutDescribeCounterpartWaitsForItsPendingValue() {
    ModifySettingsStep step = step(b -> b.newDBInstanceIdentifier("db-2"));
    DBInstance renaming = db(b -> b.pendingModifiedValues(PendingModifiedValues.builder().dbInstanceIdentifier("db-2").build()));

    assertThat(step.completion(context(renaming)).waitingFor()).contains("NewDBInstanceIdentifier db-2 still pending");
    assertThat(step.completion(context(db(b -> { }))).isComplete()).isTrue();
  }

  @Test
  void theMasterPasswordIsCompleteOnlyWhenNothingOfItIsPendingAndTheReasonNeverHoldsIt() {
    ModifySettingsStep step = ModifySettingsStep.builder(rds).settings(b -> b.backupRetentionPeriod(7))
        .masterPassword((id, user) -> PASSWORD).build();
    DBInstance resetting = db(b -> b.pendingModifiedValues(PendingModifiedValues.builder().masterUserPassword("****").build()));

    Completion c = step.completion(context(resetting));

    assertThat(c.waitingFor()).contains("MasterUserPassword change still pending");
    assertThat(c.toString()).doesNotContain(PASSWORD);
    assertThat(step.completion(context(db(b -> { }))).isComplete()).isTrue();
  }

  @Test
  void masterPasswordStepFromASourceWaitsForThePendingPassword() {
    MasterPasswordStep step = MasterPasswordStep.fromSource(rds, (id, user) -> PASSWORD);
    DBInstance resetting = db(b -> b.pendingModifiedValues(PendingModifiedValues.builder().masterUserPassword("****").build()));

    assertThat(step.completion(context(resetting)).waitingFor()).contains("MasterUserPassword change still pending");
    assertThat(step.completion(context(db(b -> { }))).isComplete()).isTrue();
  }

  @Test
  void managedMasterPasswordIsCompleteWhenTheDescribeShowsASecretAndNothingPending() {
    MasterPasswordStep step = MasterPasswordStep.managedByRds(rds);
    MasterUserSecret secret = MasterUserSecret.builder().secretArn("arn:aws:secretsmanager:us-east-1:1:secret:x")
        .secretStatus("active").build();

    assertThat(step.completion(context(db(b -> { }))).waitingFor())
        .contains("ManageMasterUserPassword still no MasterUserSecret, sent true");
    assertThat(step.completion(context(db(b -> b.masterUserSecret(secret)
        .pendingModifiedValues(PendingModifiedValues.builder().masterUserPassword("****").build())))).waitingFor())
        .contains("ManageMasterUserPassword change still pending");
    assertThat(step.completion(context(db(b -> b.masterUserSecret(secret)))).isComplete()).isTrue();
    assertThat(step.run(context(db(b -> b.masterUserSecret(secret))))).isEqualTo(StepResult.done());
    assertThat(sent).isEmpty();
  }

  @Test
  void namesRdsStoresInLowerCaseAreComparedIgnoringCase() {
    ModifySettingsStep step = step(b -> b.preferredMaintenanceWindow("Sun:05:00-Sun:05:30").dbSubnetGroupName("Private")
        .storageType("GP3"));
    DBInstance db = db(b -> b.preferredMaintenanceWindow("sun:05:00-sun:05:30")
        .dbSubnetGroup(s -> s.dbSubnetGroupName("private")));

    assertThat(step.run(context(db))).isEqualTo(StepResult.done());
    assertThat(step.completion(context(db)).isComplete()).isTrue();
  }

  @Test
  void aMajorEngineVersionIsShownByItsMinorsAndStorageByAtLeastAsMuch() {
    ModifySettingsStep step = step(b -> b.engineVersion("15").allocatedStorage(20));
    DBInstance grown = db(b -> b.engineVersion("15.4").allocatedStorage(25));

    assertThat(step.run(context(grown))).isEqualTo(StepResult.done());
    assertThat(sent).isEmpty();
    assertThat(step.completion(context(grown)).isComplete()).isTrue();
    assertThat(step(b -> b.engineVersion("16")).completion(context(db(b -> b.engineVersion("15.4")))).waitingFor())
        .contains("EngineVersion still 15.4, sent 16");
    assertThat(step(b -> b.engineVersion("15.1")).completion(context(db(b -> b.engineVersion("15.10")))).isComplete())
        .as("15.10 is not a minor of 15.1").isFalse();
  }

  @Test
  void withoutTheSdkDescriptionCompletionWaitsAndSaysWhy() {
    var bare = io.rdstagflow.core.RdsInstance.builder("db-1").status("available").build();

    Completion c = step(b -> b.backupRetentionPeriod(1))
        .completion(new StepContext(bare, "f", "settings", Map.of(), 1, CLOCK.instant(), CLOCK));

    assertThat(c.waitingFor()).contains("step settings needs the SDK gateway's description of the instance");
  }

  private static VpcSecurityGroupMembership sg(String id, String status) {
    return VpcSecurityGroupMembership.builder().vpcSecurityGroupId(id).status(status).build();
  }
}
