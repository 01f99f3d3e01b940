package io.rdstagflow.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.rds.model.ApplyMethod;
import software.amazon.awssdk.services.rds.model.DBEngineVersion;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.OrderableDBInstanceOption;
import software.amazon.awssdk.services.rds.model.Parameter;
import software.amazon.awssdk.services.rds.model.RdsException;
import software.amazon.awssdk.services.rds.model.UpgradeTarget;

/** The fake's engine-version catalog, upgrades, parameters and database model. */
class FakeRdsUpgradeTest {

  private VirtualClock clock;
  private FakeRds rds;

  @BeforeEach
  void setUp() {
    clock = VirtualClock.create();
    rds = FakeRds.builder().clock(clock).build();
  }

  private void instance(String id, String version, String group, String instanceClass) {
    rds.givenInstance(r -> r.dbInstanceIdentifier(id).engine("postgres").engineVersion(version)
        .dbInstanceClass(instanceClass).dbParameterGroupName(group).masterUsername("master"));
  }

  private DBInstance describe(String id) {
    return rds.describeDBInstances(r -> r.dbInstanceIdentifier(id)).dbInstances().get(0);
  }

  private String code(Runnable call) {
    return catchThrowableOfType(RdsException.class, call::run).awsErrorDetails().errorCode();
  }

  @Test
  void engineVersionsListFamiliesAndValidUpgradeTargetsSoThirteenReachesSeventeenOnlyInHops() {
    DBEngineVersion v13 = rds.describeDBEngineVersions(r -> r.engine("postgres").engineVersion("13.15"))
        .dbEngineVersions().get(0);

    assertThat(v13.dbParameterGroupFamily()).isEqualTo("postgres13");
    assertThat(v13.validUpgradeTarget()).extracting(UpgradeTarget::engineVersion).containsExactly("13.16", "14.12");
    assertThat(v13.validUpgradeTarget()).extracting(UpgradeTarget::isMajorVersionUpgrade).containsExactly(false, true);
    List<String> all = new ArrayList<>();
    rds.describeDBEngineVersionsPaginator(r -> r.engine("postgres").maxRecords(20))
        .forEach(page -> page.dbEngineVersions().forEach(v -> all.add(v.engineVersion())));
    assertThat(all).startsWith("12.22", "13.15", "13.16", "14.12").endsWith("17.1", "17.2");
    assertThat(rds.describeDBEngineVersions(r -> r.engine("postgres").engineVersion("17.9")).dbEngineVersions())
        .isEmpty();
  }

  @Test
  void previousGenerationClassesAreOrderableOnlyUpToPostgresThirteen() {
    List<OrderableDBInstanceOption> on13 = rds.describeOrderableDBInstanceOptions(r -> r.engine("postgres")
        .engineVersion("13.15").dbInstanceClass("db.m4.large")).orderableDBInstanceOptions();
    List<OrderableDBInstanceOption> on14 = rds.describeOrderableDBInstanceOptions(r -> r.engine("postgres")
        .engineVersion("14.12").dbInstanceClass("db.m4.large")).orderableDBInstanceOptions();

    assertThat(on13).singleElement().satisfies(o -> assertThat(o.licenseModel()).isEqualTo("postgresql-license"));
    assertThat(on14).isEmpty();
    assertThat(rds.describeOrderableDBInstanceOptions(r -> r.engine("postgres").engineVersion("14.12"))
        .orderableDBInstanceOptions()).extracting(OrderableDBInstanceOption::dbInstanceClass)
        .contains("db.t3.micro").doesNotContain("db.m4.large");
  }

  @Test
  void aMajorUpgradeGoesUpgradingAndEndsOnTheNewVersionWithItsGroupInSync() {
    rds.givenParameterGroup("broker-postgres13", "postgres13");
    rds.givenParameterGroup("broker-postgres14", "postgres14");
    instance("db1", "13.15", "broker-postgres13", "db.t3.micro");

    rds.modifyDBInstance(r -> r.dbInstanceIdentifier("db1").engineVersion("14.12").allowMajorVersionUpgrade(true)
        .dbParameterGroupName("broker-postgres14").applyImmediately(true));
    DBInstance during = describe("db1");
    clock.advance(rds.timings().upgrading());
    DBInstance after = describe("db1");

    assertThat(during.dbInstanceStatus()).isEqualTo("upgrading");
    assertThat(during.pendingModifiedValues().engineVersion()).isEqualTo("14.12");
    assertThat(after.dbInstanceStatus()).isEqualTo("available");
    assertThat(after.engineVersion()).isEqualTo("14.12");
    assertThat(after.dbParameterGroups()).singleElement().satisfies(g -> {
      assertThat(g.dbParameterGroupName()).isEqualTo("broker-postgres14");
      assertThat(g.parameterApplyStatus()).isEqualTo("in-sync");
    });
    assertThat(rds.history("db1").orElseThrow().statusSequence()).containsSubsequence("upgrading", "available");
  }

  @Test
  void upgradesRdsRefusesAreRefusedWithItsErrorCodeAndChangeNothing() {
    rds.givenParameterGroup("broker-postgres13", "postgres13");
    rds.givenParameterGroup("broker-postgres14", "postgres14");
    instance("db1", "13.15", "broker-postgres13", "db.t3.micro");
    instance("old", "13.15", "broker-postgres13", "db.m4.large");
    DBInstance before = describe("db1");

    // A jump RDS does not offer, and a downgrade.
    assertThat(code(() -> rds.modifyDBInstance(r -> r.dbInstanceIdentifier("db1").engineVersion("17.2")
        .allowMajorVersionUpgrade(true).applyImmediately(true)))).isEqualTo("InvalidParameterCombination");
    assertThat(code(() -> rds.modifyDBInstance(r -> r.dbInstanceIdentifier("db1").engineVersion("12.22")
        .applyImmediately(true)))).isEqualTo("InvalidParameterCombination");
    // A custom group of the old family needs a group of the new one named in the request.
    assertThat(code(() -> rds.modifyDBInstance(r -> r.dbInstanceIdentifier("db1").engineVersion("14.12")
        .allowMajorVersionUpgrade(true).applyImmediately(true)))).isEqualTo("InvalidParameterCombination");
    // A group of another family is refused.
    assertThat(code(() -> rds.modifyDBInstance(r -> r.dbInstanceIdentifier("db1").engineVersion("14.12")
        .allowMajorVersionUpgrade(true).dbParameterGroupName("broker-postgres13").applyImmediately(true))))
        .isEqualTo("InvalidParameterCombination");
    assertThat(code(() -> rds.modifyDBInstance(r -> r.dbInstanceIdentifier("db1")
        .dbParameterGroupName("broker-postgres14").applyImmediately(true)))).isEqualTo("InvalidParameterCombination");
    // Without the flag.
    assertThat(code(() -> rds.modifyDBInstance(r -> r.dbInstanceIdentifier("db1").engineVersion("14.12")
        .dbParameterGroupName("broker-postgres14").applyImmediately(true)))).isEqualTo("InvalidParameterCombination");
    // An instance class the target does not run on.
    assertThat(code(() -> rds.modifyDBInstance(r -> r.dbInstanceIdentifier("old").engineVersion("14.12")
        .allowMajorVersionUpgrade(true).dbParameterGroupName("broker-postgres14").applyImmediately(true))))
        .isEqualTo("InvalidParameterCombination");

    assertThat(describe("db1")).isEqualTo(before);
    assertThat(code(() -> rds.createDBInstance(r -> r.dbInstanceIdentifier("db2").engine("postgres")
        .engineVersion("14.12").dbInstanceClass("db.t3.micro").dbParameterGroupName("broker-postgres13"))))
        .isEqualTo("InvalidParameterCombination");
  }

  @Test
  void aFailedPreUpgradeCheckGoesUpgradingAndLeavesTheOldVersionAndGroup() {
    rds.givenParameterGroup("broker-postgres13", "postgres13");
    rds.givenParameterGroup("broker-postgres14", "postgres14");
    instance("db1", "13.15", "broker-postgres13", "db.t3.micro");
    rds.faults().failNextUpgradePreCheck("db1");

    rds.modifyDBInstance(r -> r.dbInstanceIdentifier("db1").engineVersion("14.12").allowMajorVersionUpgrade(true)
        .dbParameterGroupName("broker-postgres14").applyImmediately(true));
    String during = describe("db1").dbInstanceStatus();
    clock.advance(rds.timings().upgrading());
    DBInstance after = describe("db1");

    assertThat(during).isEqualTo("upgrading");
    assertThat(after.dbInstanceStatus()).isEqualTo("available");
    assertThat(after.engineVersion()).isEqualTo("13.15");
    assertThat(after.dbParameterGroups().get(0).dbParameterGroupName()).isEqualTo("broker-postgres13");
  }

  @Test
  void anIgnoredUpgradeIsAcceptedAndChangesNothingThenTheNextOneRuns() {
    instance("db1", "16.3", null, "db.t3.micro");
    rds.faults().ignoreNextUpgrade("db1");
    DBInstance before = describe("db1");

    rds.modifyDBInstance(r -> r.dbInstanceIdentifier("db1").engineVersion("16.4").applyImmediately(true));
    assertThat(describe("db1")).isEqualTo(before);
    rds.modifyDBInstance(r -> r.dbInstanceIdentifier("db1").engineVersion("16.4").applyImmediately(true));
    assertThat(describe("db1").dbInstanceStatus()).isEqualTo("upgrading");
  }

  @Test
  void anUpgradeCanBeMadeToLeaveItsGroupPendingReboot() {
    rds.givenParameterGroup("broker-postgres17", "postgres17");
    instance("db1", "16.4", null, "db.t3.micro");
    rds.faults().nextUpgradeLeavesPendingReboot("db1");

    rds.modifyDBInstance(r -> r.dbInstanceIdentifier("db1").engineVersion("17.2").allowMajorVersionUpgrade(true)
        .dbParameterGroupName("broker-postgres17").applyImmediately(true));
    clock.advance(rds.timings().upgrading());

    assertThat(describe("db1").dbParameterGroups().get(0).parameterApplyStatus()).isEqualTo("pending-reboot");
    rds.rebootDBInstance(r -> r.dbInstanceIdentifier("db1"));
    clock.advance(rds.timings().rebooting());
    assertThat(describe("db1").dbParameterGroups().get(0).parameterApplyStatus()).isEqualTo("in-sync");
  }

  @Test
  void parametersAreSetInAGroupOfTheirFamilyAndDescribedBySource() {
    rds.givenParameterGroup("pg13", "postgres13");
    rds.givenParameterGroup("pg14", "postgres14");
    rds.modifyDBParameterGroup(r -> r.dbParameterGroupName("pg13").parameters(
        Parameter.builder().parameterName("work_mem").parameterValue("65536").applyMethod(ApplyMethod.IMMEDIATE).build(),
        Parameter.builder().parameterName("vacuum_cleanup_index_scale_factor").parameterValue("0.2")
            .applyMethod(ApplyMethod.IMMEDIATE).build()));

    List<Parameter> user = rds.describeDBParameters(r -> r.dbParameterGroupName("pg13").source("user")).parameters();
    assertThat(user).extracting(Parameter::parameterName).containsExactly("vacuum_cleanup_index_scale_factor", "work_mem");
    assertThat(user.get(1).applyType()).isEqualTo("dynamic");
    assertThat(rds.describeDBParameters(r -> r.dbParameterGroupName("pg14")).parameters())
        .extracting(Parameter::parameterName).contains("work_mem", "max_connections")
        .doesNotContain("vacuum_cleanup_index_scale_factor");

    // PostgreSQL 14 has no vacuum_cleanup_index_scale_factor; a static parameter needs pending-reboot.
    assertThat(code(() -> rds.modifyDBParameterGroup(r -> r.dbParameterGroupName("pg14").parameters(Parameter.builder()
        .parameterName("vacuum_cleanup_index_scale_factor").parameterValue("0.2").applyMethod(ApplyMethod.IMMEDIATE)
        .build())))).isEqualTo("InvalidParameterValue");
    assertThat(code(() -> rds.modifyDBParameterGroup(r -> r.dbParameterGroupName("pg14").parameters(Parameter.builder()
        .parameterName("max_connections").parameterValue("200").applyMethod(ApplyMethod.IMMEDIATE).build()))))
        .isEqualTo("InvalidParameterCombination");
    assertThat(code(() -> rds.modifyDBParameterGroup(r -> r.dbParameterGroupName("default.postgres14").parameters(
        Parameter.builder().parameterName("work_mem").parameterValue("1").applyMethod(ApplyMethod.IMMEDIATE).build()))))
        .isEqualTo("InvalidParameterValue");
  }

  @Test
  void aStaticParameterChangedInAGroupInUseLeavesTheInstancePendingReboot() {
    rds.givenParameterGroup("pg16", "postgres16");
    instance("db1", "16.3", "pg16", "db.t3.micro");

    rds.modifyDBParameterGroup(r -> r.dbParameterGroupName("pg16").parameters(Parameter.builder()
        .parameterName("max_connections").parameterValue("200").applyMethod(ApplyMethod.PENDING_REBOOT).build()));

    assertThat(describe("db1").dbParameterGroups().get(0).parameterApplyStatus()).isEqualTo("pending-reboot");
  }

  @Test
  void theDatabaseModelUpdatesExtensionsToTheEngineVersionsDefaultAndRecordsTheWork() throws SQLException {
    instance("db1", "16.3", null, "db.t3.micro");
    rds.databases().givenExtension("db1", "app", "hstore", "1.7").givenExtension("db1", "app", "pg_trgm", "1.6");
    String host = describe("db1").endpoint().address();

    List<String> outdated = new ArrayList<>();
    try (Connection c = rds.databases().connect(host, 5432, "app", "master"); Statement s = c.createStatement()) {
      try (ResultSet r = s.executeQuery("SELECT e.extname, e.extversion, a.default_version FROM pg_extension e"
          + " JOIN pg_available_extensions a ON a.name = e.extname ORDER BY e.extname")) {
        while (r.next()) {
          if (!r.getString(2).equals(r.getString(3))) {
            outdated.add(r.getString(1));
          }
        }
      }
      s.execute("ALTER EXTENSION \"hstore\" UPDATE");
      SQLException refused = catchThrowableOfType(SQLException.class, () -> s.execute("DROP TABLE t"));
      assertThat(refused.getSQLState()).isEqualTo("0A000");
    }

    assertThat(outdated).containsExactly("hstore");
    assertThat(rds.databases().extensions("db1")).containsEntry("app", java.util.Map.of("hstore", "1.8", "pg_trgm", "1.6"));
    assertThat(rds.databases().work("db1")).singleElement().satisfies(w -> {
      assertThat(w.database()).isEqualTo("app");
      assertThat(w.statement()).isEqualTo("ALTER EXTENSION \"hstore\" UPDATE");
    });
    assertThat(catchThrowableOfType(SQLException.class, () -> rds.databases().connect(host, 5432, "nope", "master"))
        .getSQLState()).isEqualTo("3D000");
    rds.rebootDBInstance(r -> r.dbInstanceIdentifier("db1"));
    assertThat(catchThrowableOfType(SQLException.class, () -> rds.databases().connect(host, 5432, "app", "master"))
        .getSQLState()).isEqualTo("08001");
    clock.advance(Duration.ofMinutes(2));
  }
}
