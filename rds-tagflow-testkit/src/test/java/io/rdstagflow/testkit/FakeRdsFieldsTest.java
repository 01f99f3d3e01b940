package io.rdstagflow.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.rds.model.CreateDbInstanceRequest;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DomainMembership;
import software.amazon.awssdk.services.rds.model.ModifyDbInstanceRequest;
import software.amazon.awssdk.services.rds.model.OptionGroupMembership;
import software.amazon.awssdk.services.rds.model.PendingModifiedValues;
import software.amazon.awssdk.services.rds.model.RdsException;
import software.amazon.awssdk.services.rds.model.Tag;

/** The request fields the fake simulates, refuses, or lets a test opt into. */
class FakeRdsFieldsTest {

  private VirtualClock clock;
  private FakeRds rds;

  @BeforeEach
  void setUp() {
    clock = VirtualClock.create();
    rds = FakeRds.builder().clock(clock).build();
  }

  private DBInstance describe(String id) {
    return rds.describeDBInstances(r -> r.dbInstanceIdentifier(id)).dbInstances().get(0);
  }

  private void given(String id) {
    rds.givenInstance(r -> r.dbInstanceIdentifier(id).dbInstanceClass("db.t3.micro").engine("postgres"));
  }

  // ---------------------------------------------------------------- refusal and opt-in

  @Test
  void aFieldTheFakeDoesNotSimulateIsRefusedNamingTheOperationTheFieldAndTheOptIn() {
    given("db1");
    UnsupportedByFakeRdsException e = catchThrowableOfType(UnsupportedByFakeRdsException.class,
        () -> rds.modifyDBInstance(r -> r.dbInstanceIdentifier("db1").domain("d-123").applyImmediately(true)));

    assertThat(e).isInstanceOf(RuntimeException.class);
    assertThat(e.operation()).isEqualTo("ModifyDBInstance");
    assertThat(e.field()).contains("Domain");
    assertThat(e).hasMessageContaining("ModifyDBInstance with Domain")
        .hasMessageContaining("ignoring(\"ModifyDBInstance\", \"Domain\")")
        .hasMessageContaining("handling(\"ModifyDBInstance\", \"Domain\"");
    assertThat(rds.calls().all()).last().satisfies(c -> {
      assertThat(c.operation()).isEqualTo("ModifyDBInstance");
      assertThat(c.errorCode()).contains("UnsupportedByFake");
    });
    // Refused before anything happened.
    assertThat(describe("db1").dbInstanceStatus()).isEqualTo("available");
  }

  @Test
  void everyRefusedFieldIsNamedAndTheFirstIsTheExceptionsField() {
    UnsupportedByFakeRdsException e = catchThrowableOfType(UnsupportedByFakeRdsException.class,
        () -> rds.createDBInstance(r -> r.dbInstanceIdentifier("db1").dbInstanceClass("db.t3.micro")
            .engine("postgres").licenseModel("postgresql-license").timezone("UTC")));
    assertThat(e.field()).contains("LicenseModel");
    assertThat(e).hasMessageContaining("LicenseModel, Timezone");
    assertThat(rds.describeDBInstances().dbInstances()).isEmpty();
  }

  @Test
  void fieldsOfTheOtherOperationsAreRefusedToo() {
    given("db1");
    assertThatThrownBy(() -> rds.describeDBSnapshots(r -> r.dbiResourceId("db-x")))
        .isInstanceOf(UnsupportedByFakeRdsException.class).hasMessageContaining("DbiResourceId");
    assertThatThrownBy(() -> rds.describeDBParameterGroups(r -> r.filters(f -> f.name("x").values("y"))))
        .isInstanceOf(UnsupportedByFakeRdsException.class).hasMessageContaining("Filters");
  }

  @Test
  void anIgnoredFieldIsRecordedAndOtherwiseIgnored() {
    FakeRds lenient = FakeRds.builder().clock(clock).timings(LifecycleTimings.instant())
        .ignoring("ModifyDBInstance", "Domain").build();
    lenient.givenInstance(r -> r.dbInstanceIdentifier("db1").dbInstanceClass("db.t3.micro").engine("postgres"));

    lenient.modifyDBInstance(r -> r.dbInstanceIdentifier("db1").domain("d-123").multiAZ(true).applyImmediately(true));

    RecordedCall call = lenient.calls().all().get(0);
    assertThat(call.threw()).isFalse();
    assertThat(call.ignoredFields()).containsExactly("Domain");
    assertThat(call.toString()).contains("-> ok ignoring [Domain]");
    DBInstance d = lenient.describeDBInstances(r -> r.dbInstanceIdentifier("db1")).dbInstances().get(0);
    assertThat(d.multiAZ()).isTrue();
    assertThat(d.domainMemberships()).isEmpty();
  }

  @Test
  void aHandlerGivesTheFieldTheTestsOwnBehaviourVisibleInTheResponseAndInDescribe() {
    FakeRds custom = FakeRds.builder().clock(clock)
        .handling("ModifyDBInstance", "Domain", (request, instance) -> {
          String domain = request.getValueForField("Domain", String.class).orElseThrow();
          assertThat(instance.status()).isEqualTo("available");
          instance.show(d -> d.domainMemberships(DomainMembership.builder().domain(domain).status("joined").build()));
        })
        .build();
    custom.givenInstance(r -> r.dbInstanceIdentifier("db1").dbInstanceClass("db.t3.micro").engine("postgres"));

    DBInstance response = custom.modifyDBInstance(r -> r.dbInstanceIdentifier("db1").domain("d-123")
        .applyImmediately(true)).dbInstance();

    assertThat(response.domainMemberships()).extracting(DomainMembership::domain).containsExactly("d-123");
    assertThat(custom.describeDBInstances(r -> r.dbInstanceIdentifier("db1")).dbInstances().get(0)
        .domainMemberships()).extracting(DomainMembership::status).containsExactly("joined");
    assertThat(custom.calls().all().get(0).ignoredFields()).isEmpty();
  }

  @Test
  void aHandlerOnCreateSeesTheNewInstance() {
    FakeRds custom = FakeRds.builder().clock(clock)
        .handling("CreateDBInstance", "Timezone", (request, instance) -> instance.show(d -> d
            .timezone(request.getValueForField("Timezone", String.class).orElseThrow())))
        .build();
    DBInstance created = custom.createDBInstance(r -> r.dbInstanceIdentifier("db1").dbInstanceClass("db.t3.micro")
        .engine("postgres").timezone("Europe/Paris")).dbInstance();
    assertThat(created.timezone()).isEqualTo("Europe/Paris");
    assertThat(created.dbInstanceStatus()).isEqualTo("creating");
    clock.advance(Duration.ofMinutes(10));
    assertThat(custom.describeDBInstances().dbInstances().get(0).timezone()).isEqualTo("Europe/Paris");
  }

  @Test
  void aHandlerSeesTheInstanceAsTheFakeHasItAfterTheCall() {
    List<DBInstance> seen = new java.util.ArrayList<>();
    FakeRds custom = FakeRds.builder().clock(clock)
        .handling("ModifyDBInstance", "LicenseModel", (request, instance) -> seen.add(instance.describe()))
        .build();
    custom.givenInstance(r -> r.dbInstanceIdentifier("db1").dbInstanceClass("db.t3.micro").engine("postgres"));
    custom.modifyDBInstance(r -> r.dbInstanceIdentifier("db1").licenseModel("postgresql-license").multiAZ(true)
        .applyImmediately(true));
    assertThat(seen).singleElement().satisfies(d -> {
      assertThat(d.dbInstanceStatus()).isEqualTo("modifying");
      assertThat(d.pendingModifiedValues().multiAZ()).isTrue();
    });
  }

  @Test
  void anExceptionFromAHandlerReachesTheCallerAndTheCallIsRecordedWithItsCode() {
    FakeRds failing = FakeRds.builder().clock(clock)
        .handling("ModifyDBInstance", "Domain", (request, instance) -> {
          throw software.amazon.awssdk.services.rds.model.DomainNotFoundException.builder()
              .awsErrorDetails(software.amazon.awssdk.awscore.exception.AwsErrorDetails.builder()
                  .errorCode("DomainNotFoundFault").build()).build();
        })
        .build();
    failing.givenInstance(r -> r.dbInstanceIdentifier("db1").dbInstanceClass("db.t3.micro").engine("postgres"));
    assertThatThrownBy(() -> failing.modifyDBInstance(r -> r.dbInstanceIdentifier("db1").domain("d-1")))
        .isInstanceOf(software.amazon.awssdk.services.rds.model.DomainNotFoundException.class);
    assertThat(failing.calls().all()).last().satisfies(c -> assertThat(c.errorCode()).contains("DomainNotFoundFault"));
  }

  @Test
  void optInsThatCannotWorkAreRefusedWhenTheFakeIsBuilt() {
    assertThatThrownBy(() -> FakeRds.builder().ignoring("DescribeEvents", "Duration"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not support DescribeEvents");
    assertThatThrownBy(() -> FakeRds.builder().ignoring("ModifyDBInstance", "Domian"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Domian is not a field of ModifyDBInstance");
    assertThatThrownBy(() -> FakeRds.builder().ignoring("ModifyDBInstance", "MultiAZ"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is simulated");
    assertThatThrownBy(() -> FakeRds.builder().handling("DescribeDBSnapshots", "DbiResourceId", (r, i) -> { }))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("names none");
  }

  // ---------------------------------------------------------------- create

  @Test
  void createShowsEverySimulatedSetting() {
    rds.givenInstance(r -> r.dbInstanceIdentifier("db1").dbInstanceClass("db.m5.large").engine("postgres")
        .engineVersion("16.4").enableIAMDatabaseAuthentication(true).deletionProtection(true).multiAZ(true)
        .storageType("io1").iops(3000).allocatedStorage(100).maxAllocatedStorage(500).publiclyAccessible(false)
        .caCertificateIdentifier("rds-ca-ecc384-g1").monitoringInterval(30)
        .monitoringRoleArn("arn:aws:iam::123456789012:role/em").enablePerformanceInsights(true)
        .performanceInsightsKMSKeyId("pi-key").performanceInsightsRetentionPeriod(93)
        .optionGroupName("og-custom").dbSubnetGroupName("private").preferredBackupWindow("01:00-01:30")
        .preferredMaintenanceWindow("mon:04:00-mon:04:30").backupRetentionPeriod(14)
        .autoMinorVersionUpgrade(false).copyTagsToSnapshot(true).port(6543).storageEncrypted(true)
        .availabilityZone("us-east-1c"));

    DBInstance d = describe("db1");
    assertThat(d.iamDatabaseAuthenticationEnabled()).isTrue();
    assertThat(d.deletionProtection()).isTrue();
    assertThat(d.multiAZ()).isTrue();
    assertThat(d.storageType()).isEqualTo("io1");
    assertThat(d.iops()).isEqualTo(3000);
    assertThat(d.allocatedStorage()).isEqualTo(100);
    assertThat(d.maxAllocatedStorage()).isEqualTo(500);
    assertThat(d.publiclyAccessible()).isFalse();
    assertThat(d.caCertificateIdentifier()).isEqualTo("rds-ca-ecc384-g1");
    assertThat(d.monitoringInterval()).isEqualTo(30);
    assertThat(d.monitoringRoleArn()).isEqualTo("arn:aws:iam::123456789012:role/em");
    assertThat(d.performanceInsightsEnabled()).isTrue();
    assertThat(d.performanceInsightsKMSKeyId()).isEqualTo("pi-key");
    assertThat(d.performanceInsightsRetentionPeriod()).isEqualTo(93);
    assertThat(d.optionGroupMemberships()).containsExactly(
        OptionGroupMembership.builder().optionGroupName("og-custom").status("in-sync").build());
    assertThat(d.dbSubnetGroup().dbSubnetGroupName()).isEqualTo("private");
    assertThat(d.preferredBackupWindow()).isEqualTo("01:00-01:30");
    assertThat(d.preferredMaintenanceWindow()).isEqualTo("mon:04:00-mon:04:30");
    assertThat(d.backupRetentionPeriod()).isEqualTo(14);
    assertThat(d.autoMinorVersionUpgrade()).isFalse();
    assertThat(d.copyTagsToSnapshot()).isTrue();
    assertThat(d.engineVersion()).isEqualTo("16.4");
    assertThat(d.endpoint().port()).isEqualTo(6543);
    assertThat(d.storageEncrypted()).isTrue();
    assertThat(d.kmsKeyId()).startsWith("arn:aws:kms:us-east-1:123456789012:key/");
    assertThat(d.availabilityZone()).isEqualTo("us-east-1c");
    assertThat(d.pendingModifiedValues()).isEqualTo(PendingModifiedValues.builder().build());
  }

  @Test
  void createWithoutTheSettingsShowsRdssDefaults() {
    given("db1");
    DBInstance d = describe("db1");
    assertThat(d.iamDatabaseAuthenticationEnabled()).isFalse();
    assertThat(d.deletionProtection()).isFalse();
    assertThat(d.storageType()).isEqualTo("gp3");
    assertThat(d.iops()).isNull();
    assertThat(d.publiclyAccessible()).isTrue();
    assertThat(d.caCertificateIdentifier()).isEqualTo("rds-ca-rsa2048-g1");
    assertThat(d.monitoringInterval()).isZero();
    assertThat(d.performanceInsightsEnabled()).isFalse();
    assertThat(d.performanceInsightsKMSKeyId()).isNull();
    assertThat(d.optionGroupMemberships()).extracting(OptionGroupMembership::optionGroupName)
        .containsExactly("default:postgres-16");
    assertThat(d.dbSubnetGroup().dbSubnetGroupName()).isEqualTo("default");
    assertThat(d.autoMinorVersionUpgrade()).isTrue();
    assertThat(d.storageEncrypted()).isFalse();
  }

  @Test
  void performanceInsightsOnWithoutKeyOrRetentionGetsTheDefaultKeyAndSevenDays() {
    rds.givenInstance(r -> r.dbInstanceIdentifier("db1").dbInstanceClass("db.t3.micro").engine("postgres")
        .enablePerformanceInsights(true));
    assertThat(describe("db1").performanceInsightsRetentionPeriod()).isEqualTo(7);
    assertThat(describe("db1").performanceInsightsKMSKeyId()).startsWith("arn:aws:kms:us-east-1:123456789012:key/");
  }

  @Test
  void restoresReadTheSameSettings() {
    rds.givenSnapshot(s -> s.dbSnapshotIdentifier("snap").storageType("io1").iops(2000));
    rds.restoreDBInstanceFromDBSnapshot(r -> r.dbInstanceIdentifier("copy").dbSnapshotIdentifier("snap")
        .enableIAMDatabaseAuthentication(true).deletionProtection(true).publiclyAccessible(false)
        .caCertificateIdentifier("rds-ca-ecc384-g1").optionGroupName("og"));
    given("src");
    rds.restoreDBInstanceToPointInTime(r -> r.sourceDBInstanceIdentifier("src").targetDBInstanceIdentifier("pitr")
        .useLatestRestorableTime(true).enableIAMDatabaseAuthentication(true).maxAllocatedStorage(300));
    clock.advance(Duration.ofMinutes(10));

    DBInstance copy = describe("copy");
    assertThat(copy.iamDatabaseAuthenticationEnabled()).isTrue();
    assertThat(copy.deletionProtection()).isTrue();
    assertThat(copy.publiclyAccessible()).isFalse();
    assertThat(copy.caCertificateIdentifier()).isEqualTo("rds-ca-ecc384-g1");
    assertThat(copy.storageType()).isEqualTo("io1");
    assertThat(copy.iops()).isEqualTo(2000);
    assertThat(copy.optionGroupMemberships()).extracting(OptionGroupMembership::optionGroupName).containsExactly("og");
    DBInstance pitr = describe("pitr");
    assertThat(pitr.iamDatabaseAuthenticationEnabled()).isTrue();
    assertThat(pitr.maxAllocatedStorage()).isEqualTo(300);
  }

  // ---------------------------------------------------------------- modify

  /** A setting changed by ModifyDBInstance, how to read it back, and where it is pending. */
  record Change(String name, Consumer<ModifyDbInstanceRequest.Builder> request,
      Function<DBInstance, Object> shown, Function<PendingModifiedValues, Object> pending, Object expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** Settings RDS defers to the maintenance window unless ApplyImmediately. */
  static Stream<Arguments> deferrable() {
    return Stream.of(
        new Change("MultiAZ", r -> r.multiAZ(true), DBInstance::multiAZ, PendingModifiedValues::multiAZ, true),
        new Change("StorageType", r -> r.storageType("io2").iops(4000), DBInstance::storageType,
            PendingModifiedValues::storageType, "io2"),
        new Change("Iops", r -> r.iops(4000), DBInstance::iops, PendingModifiedValues::iops, 4000),
        new Change("CACertificateIdentifier", r -> r.caCertificateIdentifier("rds-ca-ecc384-g1"),
            DBInstance::caCertificateIdentifier, PendingModifiedValues::caCertificateIdentifier, "rds-ca-ecc384-g1"),
        new Change("EngineVersion", r -> r.engineVersion("16.4"), DBInstance::engineVersion,
            PendingModifiedValues::engineVersion, "16.4"),
        new Change("DBSubnetGroupName", r -> r.dbSubnetGroupName("private"), d -> d.dbSubnetGroup().dbSubnetGroupName(),
            PendingModifiedValues::dbSubnetGroupName, "private"),
        new Change("BackupRetentionPeriod from 1 to 0", r -> r.backupRetentionPeriod(0),
            DBInstance::backupRetentionPeriod, PendingModifiedValues::backupRetentionPeriod, 0),
        new Change("AllocatedStorage", r -> r.allocatedStorage(50), DBInstance::allocatedStorage,
            PendingModifiedValues::allocatedStorage, 50))
        .map(Arguments::of);
  }

  /** Settings RDS applies while modifying whatever ApplyImmediately says. */
  static Stream<Arguments> appliedWhileModifying() {
    return Stream.of(
        new Change("EnableIAMDatabaseAuthentication", r -> r.enableIAMDatabaseAuthentication(true),
            DBInstance::iamDatabaseAuthenticationEnabled, PendingModifiedValues::iamDatabaseAuthenticationEnabled, true),
        new Change("PubliclyAccessible", r -> r.publiclyAccessible(false), DBInstance::publiclyAccessible,
            p -> null, false),
        new Change("MonitoringInterval", r -> r.monitoringInterval(15).monitoringRoleArn("arn:aws:iam::123456789012:role/em"),
            DBInstance::monitoringInterval, p -> null, 15),
        new Change("EnablePerformanceInsights", r -> r.enablePerformanceInsights(true).performanceInsightsRetentionPeriod(31),
            DBInstance::performanceInsightsRetentionPeriod, p -> null, 31),
        new Change("DBPortNumber", r -> r.dbPortNumber(6000), d -> d.endpoint().port(), PendingModifiedValues::port, 6000),
        new Change("BackupRetentionPeriod from 1 to 9", r -> r.backupRetentionPeriod(9),
            DBInstance::backupRetentionPeriod, PendingModifiedValues::backupRetentionPeriod, 9))
        .map(Arguments::of);
  }

  /** Settings RDS applies as soon as possible without an outage. */
  static Stream<Arguments> appliedAtOnce() {
    return Stream.of(
        new Change("DeletionProtection", r -> r.deletionProtection(true), DBInstance::deletionProtection, p -> null, true),
        new Change("PreferredBackupWindow", r -> r.preferredBackupWindow("05:00-05:30"),
            DBInstance::preferredBackupWindow, p -> null, "05:00-05:30"),
        new Change("PreferredMaintenanceWindow", r -> r.preferredMaintenanceWindow("sat:01:00-sat:01:30"),
            DBInstance::preferredMaintenanceWindow, p -> null, "sat:01:00-sat:01:30"),
        new Change("AutoMinorVersionUpgrade", r -> r.autoMinorVersionUpgrade(false),
            DBInstance::autoMinorVersionUpgrade, p -> null, false),
        new Change("CopyTagsToSnapshot", r -> r.copyTagsToSnapshot(true), DBInstance::copyTagsToSnapshot, p -> null, true),
        new Change("MaxAllocatedStorage", r -> r.maxAllocatedStorage(1000), DBInstance::maxAllocatedStorage, p -> null, 1000))
        .map(Arguments::of);
  }

  private void modify(Change c, boolean immediately) {
    rds.modifyDBInstance(ModifyDbInstanceRequest.builder().applyMutation(c.request())
        .dbInstanceIdentifier("db1").applyImmediately(immediately).build());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("deferrable")
  void withApplyImmediatelyADeferrableChangeIsModifyingThenApplied(Change c) {
    given("db1");
    modify(c, true);
    DBInstance during = describe("db1");
    // RDS shows a new engine version as "upgrading", for the upgrade's time.
    boolean upgrade = c.name().equals("EngineVersion");
    assertThat(during.dbInstanceStatus()).isEqualTo(upgrade ? "upgrading" : "modifying");
    assertThat(c.pending().apply(during.pendingModifiedValues())).isEqualTo(c.expected());

    clock.advance(upgrade ? rds.timings().upgrading() : Duration.ofMinutes(3));
    DBInstance after = describe("db1");
    assertThat(after.dbInstanceStatus()).isEqualTo("available");
    assertThat(c.shown().apply(after)).isEqualTo(c.expected());
    assertThat(after.pendingModifiedValues()).isEqualTo(PendingModifiedValues.builder().build());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("deferrable")
  void withoutApplyImmediatelyADeferrableChangeIsPendingUntilTheMaintenanceWindow(Change c) {
    given("db1");
    Object before = c.shown().apply(describe("db1"));
    modify(c, false);
    clock.advance(Duration.ofDays(3));
    DBInstance pending = describe("db1");
    assertThat(pending.dbInstanceStatus()).isEqualTo("available");
    assertThat(c.shown().apply(pending)).isEqualTo(before).isNotEqualTo(c.expected());
    assertThat(c.pending().apply(pending.pendingModifiedValues())).isEqualTo(c.expected());

    rds.runMaintenance("db1");
    clock.advance(Duration.ofMinutes(3));
    assertThat(c.shown().apply(describe("db1"))).isEqualTo(c.expected());
    assertThat(describe("db1").pendingModifiedValues()).isEqualTo(PendingModifiedValues.builder().build());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("appliedWhileModifying")
  void aChangeAppliedWhileModifyingIgnoresApplyImmediately(Change c) {
    given("db1");
    modify(c, false);
    DBInstance during = describe("db1");
    assertThat(during.dbInstanceStatus()).isEqualTo("modifying");
    Object pending = c.pending().apply(during.pendingModifiedValues());
    if (pending != null) {
      assertThat(pending).isEqualTo(c.expected());
    }
    clock.advance(Duration.ofMinutes(3));
    DBInstance after = describe("db1");
    assertThat(after.dbInstanceStatus()).isEqualTo("available");
    assertThat(c.shown().apply(after)).isEqualTo(c.expected());
    assertThat(after.pendingModifiedValues()).isEqualTo(PendingModifiedValues.builder().build());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("appliedAtOnce")
  void aChangeAppliedAtOnceIsVisibleInTheResponseWithoutAStatusChange(Change c) {
    given("db1");
    DBInstance response = rds.modifyDBInstance(ModifyDbInstanceRequest.builder().applyMutation(c.request())
        .dbInstanceIdentifier("db1").applyImmediately(false).build()).dbInstance();
    assertThat(c.shown().apply(response)).isEqualTo(c.expected());
    assertThat(describe("db1").dbInstanceStatus()).isEqualTo("available");
    assertThat(c.shown().apply(describe("db1"))).isEqualTo(c.expected());
  }

  @Test
  void theIssuesCaseIamAuthenticationIsVisibleOnceTheModifyHasSettled() {
    given("db1");
    rds.modifyDBInstance(r -> r.dbInstanceIdentifier("db1").enableIAMDatabaseAuthentication(true).applyImmediately(true));
    clock.advance(rds.timings().modifying());
    assertThat(describe("db1").iamDatabaseAuthenticationEnabled()).isTrue();
  }

  @Test
  void aDeferredOptionGroupChangeShowsBothMembershipsPendingUntilTheWindow() {
    given("db1");
    rds.modifyDBInstance(r -> r.dbInstanceIdentifier("db1").optionGroupName("og-new").applyImmediately(false));
    assertThat(describe("db1").optionGroupMemberships()).containsExactly(
        OptionGroupMembership.builder().optionGroupName("og-new").status("pending-maintenance-apply").build(),
        OptionGroupMembership.builder().optionGroupName("default:postgres-16").status("pending-maintenance-removal").build());

    rds.modifyDBInstance(r -> r.dbInstanceIdentifier("db1").applyImmediately(true).multiAZ(true));
    assertThat(describe("db1").optionGroupMemberships()).extracting(OptionGroupMembership::status)
        .containsExactly("applying", "removing");
    clock.advance(Duration.ofMinutes(3));
    assertThat(describe("db1").optionGroupMemberships()).containsExactly(
        OptionGroupMembership.builder().optionGroupName("og-new").status("in-sync").build());
  }

  @Test
  void turningPerformanceInsightsOffHidesItsKeyAndRetention() {
    rds.givenInstance(r -> r.dbInstanceIdentifier("db1").dbInstanceClass("db.t3.micro").engine("postgres")
        .enablePerformanceInsights(true));
    rds.modifyDBInstance(r -> r.dbInstanceIdentifier("db1").enablePerformanceInsights(false));
    clock.advance(Duration.ofMinutes(3));
    DBInstance d = describe("db1");
    assertThat(d.performanceInsightsEnabled()).isFalse();
    assertThat(d.performanceInsightsRetentionPeriod()).isNull();
  }

  @Test
  void deletionProtectionSetByModifyBlocksDeleteAtOnce() {
    given("db1");
    rds.modifyDBInstance(r -> r.dbInstanceIdentifier("db1").deletionProtection(true));
    RdsException e = catchThrowableOfType(RdsException.class,
        () -> rds.deleteDBInstance(r -> r.dbInstanceIdentifier("db1").skipFinalSnapshot(true)));
    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterCombination");
  }

  // ---------------------------------------------------------------- CloudWatch log exports

  @Test
  void logExportsAreSetOnCreateAndChangedByModifyWhileModifyingWhateverApplyImmediatelySays() {
    rds.givenInstance(r -> r.dbInstanceIdentifier("db1").dbInstanceClass("db.t3.micro").engine("postgres")
        .enableCloudwatchLogsExports("postgresql"));
    assertThat(describe("db1").enabledCloudwatchLogsExports()).containsExactly("postgresql");

    rds.modifyDBInstance(r -> r.dbInstanceIdentifier("db1").applyImmediately(false)
        .cloudwatchLogsExportConfiguration(c -> c.enableLogTypes("upgrade").disableLogTypes("postgresql")));
    DBInstance during = describe("db1");
    assertThat(during.dbInstanceStatus()).isEqualTo("modifying");
    assertThat(during.enabledCloudwatchLogsExports()).containsExactly("postgresql");
    assertThat(during.pendingModifiedValues().pendingCloudwatchLogsExports().logTypesToEnable()).containsExactly("upgrade");
    assertThat(during.pendingModifiedValues().pendingCloudwatchLogsExports().logTypesToDisable())
        .containsExactly("postgresql");

    clock.advance(Duration.ofMinutes(3));
    assertThat(describe("db1").enabledCloudwatchLogsExports()).containsExactly("upgrade");
    assertThat(describe("db1").pendingModifiedValues()).isEqualTo(PendingModifiedValues.builder().build());
  }

  @Test
  void aLogTypeTheEngineDoesNotExportIsRefused() {
    RdsException e = catchThrowableOfType(RdsException.class, () -> rds.createDBInstance(r -> r
        .dbInstanceIdentifier("db1").dbInstanceClass("db.t3.micro").engine("postgres")
        .enableCloudwatchLogsExports("slowquery")));
    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterCombination");
  }

  @Test
  void disablingATypeThatIsNotExportedChangesNothing() {
    given("db1");
    rds.modifyDBInstance(r -> r.dbInstanceIdentifier("db1")
        .cloudwatchLogsExportConfiguration(c -> c.disableLogTypes("postgresql")));
    assertThat(describe("db1").dbInstanceStatus()).isEqualTo("available");
  }

  // ---------------------------------------------------------------- managed master password

  @Test
  void aCreateWithAManagedMasterPasswordShowsTheSecretNeverAPassword() {
    rds.givenInstance(r -> r.dbInstanceIdentifier("db1").dbInstanceClass("db.t3.micro").engine("postgres")
        .manageMasterUserPassword(true));
    rds.givenInstance(r -> r.dbInstanceIdentifier("db2").dbInstanceClass("db.t3.micro").engine("postgres")
        .manageMasterUserPassword(true).masterUserSecretKmsKeyId("my-key"));

    assertThat(describe("db1").masterUserSecret()).satisfies(secret -> {
      assertThat(secret.secretArn()).startsWith("arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-");
      assertThat(secret.secretStatus()).isEqualTo("active");
      assertThat(secret.kmsKeyId()).startsWith("arn:aws:kms:us-east-1:123456789012:key/");
    });
    assertThat(describe("db2").masterUserSecret().kmsKeyId()).isEqualTo("my-key");
    given("db3");
    assertThat(describe("db3").masterUserSecret()).isNull();
  }

  @Test
  void aManagedPasswordAndAPasswordTogetherAreRefused() {
    RdsException e = catchThrowableOfType(RdsException.class, () -> rds.createDBInstance(r -> r
        .dbInstanceIdentifier("db1").dbInstanceClass("db.t3.micro").engine("postgres")
        .manageMasterUserPassword(true).masterUserPassword("Passw0rdPassw0rd")));
    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterCombination");
    assertThat(e.getMessage()).doesNotContain("Passw0rdPassw0rd");
  }

  @Test
  void turningManagementOnIsModifyingWithTheSecretCreatingThenActive() {
    given("db1");
    rds.modifyDBInstance(r -> r.dbInstanceIdentifier("db1").manageMasterUserPassword(true));
    DBInstance during = describe("db1");
    assertThat(during.dbInstanceStatus()).isEqualTo("modifying");
    assertThat(during.masterUserSecret().secretStatus()).isEqualTo("creating");
    clock.advance(Duration.ofMinutes(3));
    assertThat(describe("db1").masterUserSecret().secretStatus()).isEqualTo("active");

    RdsException withPassword = catchThrowableOfType(RdsException.class, () -> rds.modifyDBInstance(r -> r
        .dbInstanceIdentifier("db1").masterUserPassword("An0therPassw0rd")));
    assertThat(withPassword.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterCombination");
    RdsException offWithoutPassword = catchThrowableOfType(RdsException.class, () -> rds.modifyDBInstance(r -> r
        .dbInstanceIdentifier("db1").manageMasterUserPassword(false)));
    assertThat(offWithoutPassword.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterCombination");
  }

  @Test
  void turningManagementOffTakesAPasswordAndDeletesTheSecret() {
    rds.givenInstance(r -> r.dbInstanceIdentifier("db1").dbInstanceClass("db.t3.micro").engine("postgres")
        .manageMasterUserPassword(true));
    rds.modifyDBInstance(r -> r.dbInstanceIdentifier("db1").manageMasterUserPassword(false)
        .masterUserPassword("An0therPassw0rd").applyImmediately(true));
    assertThat(describe("db1").masterUserSecret().secretStatus()).isEqualTo("deleting");
    clock.advance(Duration.ofMinutes(3));
    assertThat(describe("db1").dbInstanceStatus()).isEqualTo("resetting-master-credentials");
    clock.advance(Duration.ofMinutes(2));
    assertThat(describe("db1").masterUserSecret()).isNull();
    assertThat(describe("db1").dbInstanceStatus()).isEqualTo("available");
  }

  // ---------------------------------------------------------------- rules between settings

  static Stream<Arguments> refusedCombinations() {
    return Stream.of(
        Arguments.of("interval without role", (Consumer<ModifyDbInstanceRequest.Builder>) r -> r.monitoringInterval(60),
            "InvalidParameterCombination"),
        Arguments.of("interval not allowed", (Consumer<ModifyDbInstanceRequest.Builder>) r -> r.monitoringInterval(7)
            .monitoringRoleArn("arn:aws:iam::123456789012:role/em"), "InvalidParameterValue"),
        Arguments.of("role without interval", (Consumer<ModifyDbInstanceRequest.Builder>) r -> r
            .monitoringRoleArn("arn:aws:iam::123456789012:role/em"), "InvalidParameterCombination"),
        Arguments.of("retention not allowed", (Consumer<ModifyDbInstanceRequest.Builder>) r -> r
            .enablePerformanceInsights(true).performanceInsightsRetentionPeriod(94), "InvalidParameterValue"),
        Arguments.of("io1 without iops", (Consumer<ModifyDbInstanceRequest.Builder>) r -> r.storageType("io1"),
            "InvalidParameterCombination"),
        Arguments.of("unknown storage type", (Consumer<ModifyDbInstanceRequest.Builder>) r -> r.storageType("ssd"),
            "InvalidParameterValue"),
        Arguments.of("major version without the flag", (Consumer<ModifyDbInstanceRequest.Builder>) r -> r
            .engineVersion("17.1"), "InvalidParameterCombination"),
        Arguments.of("backup retention over 35", (Consumer<ModifyDbInstanceRequest.Builder>) r -> r
            .backupRetentionPeriod(36), "InvalidParameterValue"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedCombinations")
  void settingsRdsRefusesAreRefusedWithItsErrorCodeAndChangeNothing(String name,
      Consumer<ModifyDbInstanceRequest.Builder> request, String code) {
    given("db1");
    DBInstance before = describe("db1");
    RdsException e = catchThrowableOfType(RdsException.class, () -> rds.modifyDBInstance(
        ModifyDbInstanceRequest.builder().applyMutation(request).dbInstanceIdentifier("db1").applyImmediately(true).build()));
    assertThat(e.awsErrorDetails().errorCode()).isEqualTo(code);
    assertThat(describe("db1")).isEqualTo(before);
  }

  @Test
  void aMajorVersionUpgradeWithTheFlagIsAccepted() {
    given("db1");
    rds.modifyDBInstance(r -> r.dbInstanceIdentifier("db1").engineVersion("17.1").allowMajorVersionUpgrade(true)
        .applyImmediately(true));
    assertThat(describe("db1").dbInstanceStatus()).isEqualTo("upgrading");
    clock.advance(rds.timings().upgrading());
    DBInstance after = describe("db1");
    assertThat(after.engineVersion()).isEqualTo("17.1");
    assertThat(after.dbParameterGroups()).singleElement().satisfies(g -> {
      assertThat(g.dbParameterGroupName()).isEqualTo("default.postgres17");
      assertThat(g.parameterApplyStatus()).isEqualTo("in-sync");
    });
    assertThat(after.optionGroupMemberships()).singleElement()
        .satisfies(o -> assertThat(o.optionGroupName()).isEqualTo("default:postgres-17"));
  }

  @Test
  void createIsValidatedByTheSameRules() {
    RdsException e = catchThrowableOfType(RdsException.class, () -> rds.createDBInstance(
        CreateDbInstanceRequest.builder().dbInstanceIdentifier("db1").dbInstanceClass("db.t3.micro")
            .engine("postgres").storageType("io2").tags(List.of(Tag.builder().key("k").value("v").build())).build()));
    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterCombination");
    assertThat(rds.describeDBInstances().dbInstances()).isEmpty();
  }

  // ---------------------------------------------------------------- given parameter group

  @Test
  void aGivenParameterGroupExistsWithoutACallInTheLog() {
    rds.givenParameterGroup("custom-pg", "postgres16");
    rds.givenParameterGroup("other-pg", "postgres16", "ours");

    assertThat(rds.calls().all()).isEmpty();
    assertThat(rds.describeDBParameterGroups(r -> r.dbParameterGroupName("custom-pg")).dbParameterGroups())
        .singleElement().satisfies(g -> assertThat(g.dbParameterGroupFamily()).isEqualTo("postgres16"));
    assertThat(rds.describeDBParameterGroups(r -> r.dbParameterGroupName("other-pg")).dbParameterGroups().get(0)
        .description()).isEqualTo("ours");
    given("db1");
    rds.modifyDBInstance(r -> r.dbInstanceIdentifier("db1").dbParameterGroupName("custom-pg").applyImmediately(true));
    assertThat(describe("db1").dbParameterGroups().get(0).dbParameterGroupName()).isEqualTo("custom-pg");
  }

  @Test
  void aGivenParameterGroupIsValidatedAsCreateWouldBe() {
    rds.givenParameterGroup("custom-pg", "postgres16");
    RdsException dup = catchThrowableOfType(RdsException.class, () -> rds.givenParameterGroup("custom-pg", "postgres16"));
    assertThat(dup.awsErrorDetails().errorCode()).isEqualTo("DBParameterGroupAlreadyExists");
    RdsException bad = catchThrowableOfType(RdsException.class, () -> rds.givenParameterGroup("1pg", "postgres16"));
    assertThat(bad.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterValue");
  }
}
