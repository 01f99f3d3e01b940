package io.rdstagflow.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.rdstagflow.testkit.FakeRds;
import io.rdstagflow.testkit.VirtualClock;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.Filter;
import software.amazon.awssdk.services.rds.model.RdsException;
import software.amazon.awssdk.services.rds.model.Tag;

/**
 * Runs the same scenarios through the real SDK client against moto_server and against the fake,
 * and compares what both support: tags, error codes and HTTP statuses, and the shape of
 * responses. moto has no lifecycle, so the fake's clock is moved past every activity before an
 * end state is observed.
 *
 * <p>Where moto differs from RDS's documentation, the fake follows RDS and the difference is
 * listed here (and in docs/fidelity.md) as moto's expected value: if moto changes, this test says
 * so. Under {@code CI=true} a missing moto_server fails; elsewhere the test is skipped.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MotoConformanceTest {

  private static final String MISSING = MotoServer.MISSING;

  private MotoServer moto;
  private RdsClient motoClient;

  @BeforeAll
  void startMoto() throws Exception {
    // Missing (and CI not set): each scenario is then skipped with the message, so the report says what to install.
    moto = MotoServer.startUnlessMissing().orElse(null);
    if (moto != null) {
      motoClient = client(moto.endpoint());
    }
  }

  @AfterAll
  void stopMoto() {
    if (motoClient != null) {
      motoClient.close();
    }
    if (moto != null) {
      moto.close();
    }
  }

  static RdsClient client(URI endpoint) {
    return RdsClient.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(o -> o.retryStrategy(software.amazon.awssdk.retries.DefaultRetryStrategy
            .doNotRetry()))
        .build();
  }

  /** What a scenario observed: key to normalised value. */
  static final class Observed {
    final Map<String, String> values = new TreeMap<>();

    void put(String key, Object value) {
      values.put(key, String.valueOf(value));
    }

    /** Records "ok" or the error code and HTTP status the call failed with. */
    void call(String key, Runnable call) {
      try {
        call.run();
        put(key, "ok");
      } catch (RdsException e) {
        put(key, e.awsErrorDetails().errorCode() + "/" + e.statusCode());
      }
    }

    void tags(String key, List<Tag> tags) {
      put(key, new TreeMap<>(tags.stream().collect(Collectors.toMap(Tag::key, Tag::value))));
    }

    /** Which of the fields a broker reads are present in a describe. */
    void shape(String key, DBInstance d) {
      List<String> fields = List.of("DBInstanceIdentifier", "DBInstanceArn", "DBInstanceClass", "Engine",
          "EngineVersion", "DBInstanceStatus", "MasterUsername", "Endpoint", "AllocatedStorage",
          "PreferredBackupWindow", "BackupRetentionPeriod", "VpcSecurityGroups", "DBParameterGroups",
          "PendingModifiedValues", "MultiAZ", "TagList", "DbiResourceId");
      put(key, fields.stream().filter(f -> d.getValueForField(f, Object.class).isPresent()).toList());
    }
  }

  @FunctionalInterface
  interface Scenario {
    void run(RdsClient rds, Runnable settle, Observed out);
  }

  private static Tag tag(String k, String v) {
    return Tag.builder().key(k).value(v).build();
  }

  private static String arn(String id) {
    return "arn:aws:rds:us-east-1:123456789012:db:" + id;
  }

  private static void create(RdsClient rds, String id, Tag... tags) {
    rds.createDBInstance(r -> r.dbInstanceIdentifier(id).dbInstanceClass("db.t3.micro").engine("postgres")
        .engineVersion("16.3").masterUsername("admin").masterUserPassword("Passw0rdPassw0rd")
        .allocatedStorage(20).backupRetentionPeriod(3).preferredBackupWindow("02:00-02:30").tags(tags));
  }

  private static DBInstance describe(RdsClient rds, String id) {
    return rds.describeDBInstances(r -> r.dbInstanceIdentifier(id)).dbInstances().get(0);
  }

  static Stream<Arguments> scenarios() {
    return Stream.of(
        scenario("create then describe: settings, tags and shape", (rds, settle, out) -> {
          create(rds, "conf-create", tag("team", "blue"), tag("tagflow:flow", "name=x v=1"));
          settle.run();
          DBInstance d = describe(rds, "conf-create");
          out.put("status", d.dbInstanceStatus());
          out.put("engine", d.engine());
          out.put("class", d.dbInstanceClass());
          out.put("storage", d.allocatedStorage());
          out.put("user", d.masterUsername());
          out.put("retention", d.backupRetentionPeriod());
          out.put("window", d.preferredBackupWindow());
          out.put("multiAZ", d.multiAZ());
          out.put("arn", d.dbInstanceArn());
          out.put("port", d.endpoint().port());
          out.put("parameterGroupStatus", d.dbParameterGroups().get(0).parameterApplyStatus());
          out.tags("tags", d.tagList());
          out.shape("shape", d);
        }, Map.of("shape", "[DBInstanceIdentifier, DBInstanceArn, DBInstanceClass, Engine, EngineVersion, "
            + "DBInstanceStatus, MasterUsername, Endpoint, AllocatedStorage, PreferredBackupWindow, "
            + "BackupRetentionPeriod, VpcSecurityGroups, DBParameterGroups, MultiAZ, TagList, DbiResourceId]")),
        scenario("identifiers are stored in lower case", (rds, settle, out) -> {
          create(rds, "Conf-Upper");
          out.put("id", describe(rds, "conf-upper").dbInstanceIdentifier());
        }, Map.of()),
        scenario("AddTags overwrites an existing key; ListTags by ARN", (rds, settle, out) -> {
          create(rds, "conf-tags", tag("a", "1"), tag("b", "2"));
          rds.addTagsToResource(r -> r.resourceName(arn("conf-tags")).tags(tag("a", "9"), tag("c", "3")));
          out.tags("tags", rds.listTagsForResource(r -> r.resourceName(arn("conf-tags"))).tagList());
        }, Map.of()),
        scenario("RemoveTags removes only the keys named, missing keys are fine", (rds, settle, out) -> {
          create(rds, "conf-untag", tag("a", "1"), tag("b", "2"));
          rds.removeTagsFromResource(r -> r.resourceName(arn("conf-untag")).tagKeys("a", "zz"));
          out.tags("tags", describe(rds, "conf-untag").tagList());
        }, Map.of()),
        scenario("describe of a missing instance", (rds, settle, out) ->
            out.call("error", () -> describe(rds, "conf-missing")), Map.of()),
        scenario("create of an existing instance", (rds, settle, out) -> {
          create(rds, "conf-dup");
          out.call("error", () -> create(rds, "conf-dup"));
        }, Map.of()),
        scenario("create with an invalid identifier", (rds, settle, out) -> {
          out.call("leadingDigit", () -> create(rds, "1conf"));
          out.call("doubleHyphen", () -> create(rds, "conf--x"));
          out.call("trailingHyphen", () -> create(rds, "conf-"));
        }, Map.of()),
        scenario("restore without tags copies the source's tags, engine, size, user", (rds, settle, out) -> {
          create(rds, "conf-src", tag("team", "blue"));
          settle.run();
          rds.createDBSnapshot(r -> r.dbInstanceIdentifier("conf-src").dbSnapshotIdentifier("conf-snap"));
          settle.run();
          out.put("snapshotStatus", rds.describeDBSnapshots(r -> r.dbSnapshotIdentifier("conf-snap"))
              .dbSnapshots().get(0).status());
          rds.restoreDBInstanceFromDBSnapshot(r -> r.dbInstanceIdentifier("conf-copy").dbSnapshotIdentifier("conf-snap"));
          settle.run();
          DBInstance d = describe(rds, "conf-copy");
          out.tags("tags", d.tagList());
          out.put("engine", d.engine());
          out.put("storage", d.allocatedStorage());
          out.put("user", d.masterUsername());
          out.put("status", d.dbInstanceStatus());
        }, Map.of()),
        scenario("restore with tags uses the request's tags only", (rds, settle, out) -> {
          create(rds, "conf-src2", tag("team", "blue"));
          settle.run();
          rds.createDBSnapshot(r -> r.dbInstanceIdentifier("conf-src2").dbSnapshotIdentifier("conf-snap2"));
          settle.run();
          rds.restoreDBInstanceFromDBSnapshot(r -> r.dbInstanceIdentifier("conf-copy2")
              .dbSnapshotIdentifier("conf-snap2").tags(tag("tagflow:flow", "name=restore v=1")));
          settle.run();
          out.tags("tags", describe(rds, "conf-copy2").tagList());
        }, Map.of()),
        scenario("restore from a missing snapshot", (rds, settle, out) ->
            out.call("error", () -> rds.restoreDBInstanceFromDBSnapshot(
                r -> r.dbInstanceIdentifier("conf-x").dbSnapshotIdentifier("conf-nosnap"))),
            Map.of()),
        scenario("describe of a missing snapshot", (rds, settle, out) ->
            out.call("error", () -> rds.describeDBSnapshots(r -> r.dbSnapshotIdentifier("conf-nosnap"))),
            Map.of()),
        scenario("duplicate snapshot", (rds, settle, out) -> {
          create(rds, "conf-snapdup");
          settle.run();
          rds.createDBSnapshot(r -> r.dbInstanceIdentifier("conf-snapdup").dbSnapshotIdentifier("conf-s"));
          settle.run();
          out.call("error", () -> rds.createDBSnapshot(
              r -> r.dbInstanceIdentifier("conf-snapdup").dbSnapshotIdentifier("conf-s")));
        }, Map.of()),
        scenario("modify settings and parameter group, reboot: end state", (rds, settle, out) -> {
          create(rds, "conf-mod");
          settle.run();
          rds.createDBParameterGroup(r -> r.dbParameterGroupName("conf-pg").dbParameterGroupFamily("postgres16")
              .description("conformance"));
          rds.modifyDBInstance(r -> r.dbInstanceIdentifier("conf-mod").backupRetentionPeriod(7)
              .dbParameterGroupName("conf-pg").vpcSecurityGroupIds("sg-12345678").applyImmediately(true));
          settle.run();
          rds.rebootDBInstance(r -> r.dbInstanceIdentifier("conf-mod"));
          settle.run();
          DBInstance d = describe(rds, "conf-mod");
          out.put("status", d.dbInstanceStatus());
          out.put("retention", d.backupRetentionPeriod());
          out.put("parameterGroup", d.dbParameterGroups().get(0).dbParameterGroupName());
          out.put("parameterGroupStatus", d.dbParameterGroups().get(0).parameterApplyStatus());
          out.put("securityGroups", d.vpcSecurityGroups().stream().map(g -> g.vpcSecurityGroupId()).toList());
          var g = rds.describeDBParameterGroups(r -> r.dbParameterGroupName("conf-pg")).dbParameterGroups().get(0);
          out.put("family", g.dbParameterGroupFamily());
          out.put("description", g.description());
        }, Map.of()),
        scenario("master password change is never echoed; nothing pending at the end", (rds, settle, out) -> {
          create(rds, "conf-pw");
          settle.run();
          String response = rds.modifyDBInstance(r -> r.dbInstanceIdentifier("conf-pw")
              .masterUserPassword("An0therPassw0rd").applyImmediately(true)).toString();
          out.put("echoed", response.contains("An0therPassw0rd"));
          settle.run();
          DBInstance d = describe(rds, "conf-pw");
          out.put("status", d.dbInstanceStatus());
          out.put("pendingPassword", d.pendingModifiedValues() == null
              ? null : d.pendingModifiedValues().masterUserPassword());
        }, Map.of()),
        scenario("delete then describe", (rds, settle, out) -> {
          create(rds, "conf-del");
          settle.run();
          out.call("delete", () -> rds.deleteDBInstance(r -> r.dbInstanceIdentifier("conf-del").skipFinalSnapshot(true)));
          settle.run();
          out.call("describe", () -> describe(rds, "conf-del"));
        }, Map.of()),
        scenario("delete without SkipFinalSnapshot or FinalDBSnapshotIdentifier", (rds, settle, out) -> {
          create(rds, "conf-del2");
          settle.run();
          out.call("error", () -> rds.deleteDBInstance(r -> r.dbInstanceIdentifier("conf-del2")));
        }, Map.of("error", "ok")),
        scenario("pagination with MaxRecords and Marker", (rds, settle, out) -> {
          IntStream.range(0, 25).forEach(n -> create(rds, String.format("conf-page%02d", n)));
          var first = rds.describeDBInstances(r -> r.maxRecords(20));
          out.put("first", first.dbInstances().size());
          out.put("firstHasMarker", first.marker() != null);
          var second = rds.describeDBInstances(r -> r.maxRecords(20).marker(first.marker()));
          out.put("second", second.dbInstances().size());
          out.put("secondHasMarker", second.marker() != null);
          out.put("paginatorTotal", rds.describeDBInstancesPaginator(r -> r.maxRecords(20)).dbInstances()
              .stream().map(DBInstance::dbInstanceIdentifier).distinct().count());
        }, Map.of()),
        scenario("MaxRecords outside 20..100", (rds, settle, out) ->
            out.call("error", () -> rds.describeDBInstances(r -> r.maxRecords(5))), Map.of("error", "ok")),
        scenario("filter by db-instance-id", (rds, settle, out) -> {
          create(rds, "conf-f1");
          create(rds, "conf-f2");
          out.put("ids", rds.describeDBInstances(r -> r.filters(Filter.builder().name("db-instance-id")
              .values("conf-f2").build())).dbInstances().stream().map(DBInstance::dbInstanceIdentifier).toList());
        }, Map.of()),
        scenario("tagging a missing instance", (rds, settle, out) -> {
          out.call("add", () -> rds.addTagsToResource(r -> r.resourceName(arn("conf-ghost")).tags(tag("a", "1"))));
          out.call("list", () -> rds.listTagsForResource(r -> r.resourceName(arn("conf-ghost"))));
        }, Map.of("add", "ok", "list", "ok")),
        scenario("tags outside RDS's rules", (rds, settle, out) -> {
          create(rds, "conf-rules");
          out.call("awsPrefix", () -> rds.addTagsToResource(r -> r.resourceName(arn("conf-rules")).tags(tag("aws:x", "1"))));
          out.call("comma", () -> rds.addTagsToResource(r -> r.resourceName(arn("conf-rules")).tags(tag("a,b", "1"))));
          out.call("fiftyOne", () -> rds.addTagsToResource(r -> r.resourceName(arn("conf-rules")).tags(
              IntStream.range(0, 51).mapToObj(n -> tag("k" + n, "v")).toList())));
        }, Map.of("awsPrefix", "ok", "comma", "ok", "fiftyOne", "ok")),
        scenario("create with the settings a broker sends: what describe shows", (rds, settle, out) -> {
          rds.createDBInstance(r -> r.dbInstanceIdentifier("conf-settings").dbInstanceClass("db.t3.micro")
              .engine("postgres").engineVersion("16.3").masterUsername("admin").masterUserPassword("Passw0rdPassw0rd")
              .allocatedStorage(20).enableIAMDatabaseAuthentication(true).deletionProtection(true).multiAZ(true)
              .storageType("io1").iops(1000).publiclyAccessible(true).caCertificateIdentifier("rds-ca-ecc384-g1")
              .monitoringInterval(30).monitoringRoleArn("arn:aws:iam::123456789012:role/em")
              .enablePerformanceInsights(true).performanceInsightsKMSKeyId("arn:aws:kms:us-east-1:123456789012:key/pi")
              .performanceInsightsRetentionPeriod(93).preferredBackupWindow("02:00-02:30")
              .preferredMaintenanceWindow("mon:04:00-mon:04:30").backupRetentionPeriod(5).autoMinorVersionUpgrade(false)
              .copyTagsToSnapshot(true).maxAllocatedStorage(100));
          settle.run();
          settings(out, describe(rds, "conf-settings"));
        }, Map.of("monitoringInterval", "null", "monitoringRole", "null", "performanceInsights", "null",
            "performanceInsightsKey", "null", "performanceInsightsRetention", "null")),
        scenario("defaults of the settings a create leaves out", (rds, settle, out) -> {
          create(rds, "conf-defaults");
          settle.run();
          DBInstance d = describe(rds, "conf-defaults");
          out.put("iam", d.iamDatabaseAuthenticationEnabled());
          out.put("deletionProtection", d.deletionProtection());
          out.put("multiAZ", d.multiAZ());
          out.put("autoMinorVersionUpgrade", d.autoMinorVersionUpgrade());
          out.put("copyTags", d.copyTagsToSnapshot());
          out.put("storageType", d.storageType());
          out.put("ca", d.caCertificateIdentifier());
          out.put("publiclyAccessible", d.publiclyAccessible());
          out.put("monitoringInterval", d.monitoringInterval());
          out.put("performanceInsights", d.performanceInsightsEnabled());
          out.put("optionGroup", d.optionGroupMemberships().stream().map(g -> g.optionGroupName() + "/" + g.status())
              .toList());
        }, Map.of("storageType", "gp2", "ca", "rds-ca-default", "publiclyAccessible", "null",
            "monitoringInterval", "null", "performanceInsights", "null",
            "optionGroup", "[default:postgres-16-3/in-sync]")),
        scenario("modify with ApplyImmediately: the settings after it", (rds, settle, out) -> {
          create(rds, "conf-modall");
          settle.run();
          rds.modifyDBInstance(r -> r.dbInstanceIdentifier("conf-modall").applyImmediately(true)
              .enableIAMDatabaseAuthentication(true).deletionProtection(true).multiAZ(true).storageType("io1").iops(3000)
              .publiclyAccessible(true).caCertificateIdentifier("rds-ca-ecc384-g1").monitoringInterval(60)
              .monitoringRoleArn("arn:aws:iam::123456789012:role/em").enablePerformanceInsights(true)
              .performanceInsightsKMSKeyId("arn:aws:kms:us-east-1:123456789012:key/pi")
              .performanceInsightsRetentionPeriod(93).preferredBackupWindow("02:00-02:30")
              .preferredMaintenanceWindow("mon:04:00-mon:04:30").backupRetentionPeriod(5).autoMinorVersionUpgrade(false)
              .copyTagsToSnapshot(true).maxAllocatedStorage(100));
          settle.run();
          DBInstance d = describe(rds, "conf-modall");
          settings(out, d);
          out.put("engineVersion", d.engineVersion());
          out.put("nothingPending", d.pendingModifiedValues() == null
              || d.pendingModifiedValues().equals(software.amazon.awssdk.services.rds.model.PendingModifiedValues.builder().build()));
        }, Map.of("performanceInsights", "null")),
        scenario("modify without ApplyImmediately: deferred settings wait, the others are applied", (rds, settle, out) -> {
          create(rds, "conf-defer");
          settle.run();
          rds.modifyDBInstance(r -> r.dbInstanceIdentifier("conf-defer").applyImmediately(false).multiAZ(true)
              .caCertificateIdentifier("rds-ca-ecc384-g1").engineVersion("16.4").enableIAMDatabaseAuthentication(true)
              .deletionProtection(true).preferredBackupWindow("05:00-05:30"));
          settle.run();
          DBInstance d = describe(rds, "conf-defer");
          var p = d.pendingModifiedValues();
          out.put("multiAZ", d.multiAZ());
          out.put("pendingMultiAZ", p == null ? null : p.multiAZ());
          out.put("ca", d.caCertificateIdentifier());
          out.put("pendingCa", p == null ? null : p.caCertificateIdentifier());
          out.put("engineVersion", d.engineVersion());
          out.put("pendingEngineVersion", p == null ? null : p.engineVersion());
          out.put("iam", d.iamDatabaseAuthenticationEnabled());
          out.put("deletionProtection", d.deletionProtection());
          out.put("backupWindow", d.preferredBackupWindow());
        }, Map.of("multiAZ", "true", "pendingMultiAZ", "null", "ca", "rds-ca-ecc384-g1", "pendingCa", "null",
            "engineVersion", "16.4", "pendingEngineVersion", "null")),
        scenario("restores with the settings a broker sends", (rds, settle, out) -> {
          create(rds, "conf-rsrc");
          settle.run();
          rds.createDBSnapshot(r -> r.dbInstanceIdentifier("conf-rsrc").dbSnapshotIdentifier("conf-rsnap"));
          settle.run();
          rds.restoreDBInstanceFromDBSnapshot(r -> r.dbInstanceIdentifier("conf-rcopy").dbSnapshotIdentifier("conf-rsnap")
              .enableIAMDatabaseAuthentication(true).deletionProtection(true).multiAZ(true).publiclyAccessible(false)
              .caCertificateIdentifier("rds-ca-ecc384-g1").copyTagsToSnapshot(true).backupRetentionPeriod(4)
              .preferredBackupWindow("01:00-01:30").autoMinorVersionUpgrade(false));
          rds.restoreDBInstanceToPointInTime(r -> r.sourceDBInstanceIdentifier("conf-rsrc")
              .targetDBInstanceIdentifier("conf-rpitr").useLatestRestorableTime(true)
              .enableIAMDatabaseAuthentication(true).deletionProtection(true).multiAZ(true).publiclyAccessible(false)
              .caCertificateIdentifier("rds-ca-ecc384-g1").copyTagsToSnapshot(true).backupRetentionPeriod(4)
              .preferredBackupWindow("01:00-01:30").autoMinorVersionUpgrade(false));
          settle.run();
          for (String id : List.of("conf-rcopy", "conf-rpitr")) {
            DBInstance d = describe(rds, id);
            out.put(id + ".iam", d.iamDatabaseAuthenticationEnabled());
            out.put(id + ".deletionProtection", d.deletionProtection());
            out.put(id + ".multiAZ", d.multiAZ());
            out.put(id + ".publiclyAccessible", d.publiclyAccessible());
            out.put(id + ".ca", d.caCertificateIdentifier());
            out.put(id + ".copyTags", d.copyTagsToSnapshot());
            out.put(id + ".retention", d.backupRetentionPeriod());
            out.put(id + ".backupWindow", d.preferredBackupWindow());
            out.put(id + ".autoMinorVersionUpgrade", d.autoMinorVersionUpgrade());
          }
        }, Map.of("conf-rcopy.publiclyAccessible", "null", "conf-rpitr.publiclyAccessible", "null",
            "conf-rcopy.autoMinorVersionUpgrade", "true", "conf-rpitr.autoMinorVersionUpgrade", "true")),
        scenario("master password managed in Secrets Manager", (rds, settle, out) -> {
          rds.createDBInstance(r -> r.dbInstanceIdentifier("conf-managed").dbInstanceClass("db.t3.micro")
              .engine("postgres").engineVersion("16.3").masterUsername("admin").allocatedStorage(20)
              .manageMasterUserPassword(true));
          settle.run();
          var secret = describe(rds, "conf-managed").masterUserSecret();
          out.put("status", secret.secretStatus());
          out.put("arn", secret.secretArn().startsWith("arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-"));
          out.put("key", secret.kmsKeyId().startsWith("arn:aws:kms:us-east-1:123456789012:key/"));
          out.call("withPassword", () -> rds.createDBInstance(r -> r.dbInstanceIdentifier("conf-managed2")
              .dbInstanceClass("db.t3.micro").engine("postgres").masterUsername("admin").allocatedStorage(20)
              .manageMasterUserPassword(true).masterUserPassword("Passw0rdPassw0rd")));
          create(rds, "conf-unmanaged");
          settle.run();
          rds.modifyDBInstance(r -> r.dbInstanceIdentifier("conf-unmanaged").manageMasterUserPassword(true)
              .applyImmediately(true));
          settle.run();
          out.put("turnedOn", describe(rds, "conf-unmanaged").masterUserSecret().secretStatus());
          out.call("offWithoutPassword", () -> rds.modifyDBInstance(r -> r.dbInstanceIdentifier("conf-unmanaged")
              .manageMasterUserPassword(false).applyImmediately(true)));
        }, Map.of("withPassword", "ok", "offWithoutPassword", "ok")),
        scenario("CloudWatch log exports set by create, changed by modify", (rds, settle, out) -> {
          rds.createDBInstance(r -> r.dbInstanceIdentifier("conf-logs").dbInstanceClass("db.t3.micro")
              .engine("postgres").engineVersion("16.3").masterUsername("admin").masterUserPassword("Passw0rdPassw0rd")
              .allocatedStorage(20).enableCloudwatchLogsExports("postgresql"));
          settle.run();
          out.put("created", describe(rds, "conf-logs").enabledCloudwatchLogsExports());
          rds.modifyDBInstance(r -> r.dbInstanceIdentifier("conf-logs").applyImmediately(false)
              .cloudwatchLogsExportConfiguration(c -> c.enableLogTypes("upgrade").disableLogTypes("postgresql")));
          settle.run();
          out.put("modified", describe(rds, "conf-logs").enabledCloudwatchLogsExports());
        }, Map.of()),
        scenario("modify of a missing instance", (rds, settle, out) ->
            out.call("error", () -> rds.modifyDBInstance(r -> r.dbInstanceIdentifier("conf-nomod").allocatedStorage(50))),
            Map.of()));
  }

  /** The settings of the issue-10 list, as a describe shows them. */
  private static void settings(Observed out, DBInstance d) {
    out.put("iam", d.iamDatabaseAuthenticationEnabled());
    out.put("deletionProtection", d.deletionProtection());
    out.put("multiAZ", d.multiAZ());
    out.put("storageType", d.storageType());
    out.put("iops", d.iops());
    out.put("publiclyAccessible", d.publiclyAccessible());
    out.put("ca", d.caCertificateIdentifier());
    out.put("monitoringInterval", d.monitoringInterval());
    out.put("monitoringRole", d.monitoringRoleArn());
    out.put("performanceInsights", d.performanceInsightsEnabled());
    out.put("performanceInsightsKey", d.performanceInsightsKMSKeyId());
    out.put("performanceInsightsRetention", d.performanceInsightsRetentionPeriod());
    out.put("backupWindow", d.preferredBackupWindow());
    out.put("maintenanceWindow", d.preferredMaintenanceWindow());
    out.put("retention", d.backupRetentionPeriod());
    out.put("autoMinorVersionUpgrade", d.autoMinorVersionUpgrade());
    out.put("copyTags", d.copyTagsToSnapshot());
    out.put("maxAllocatedStorage", d.maxAllocatedStorage());
  }

  private static Arguments scenario(String name, Scenario s, Map<String, String> motoDiffers) {
    return Arguments.of(name, s, motoDiffers);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource({"scenarios", "io.rdstagflow.testkit.conformance.FleetScenarios#scenarios"})
  void fakeAndMotoAgreeExceptForDocumentedDifferences(String name, Scenario scenario,
      Map<String, String> motoDiffers) throws Exception {
    Assumptions.assumeTrue(moto != null, MISSING);
    VirtualClock clock = VirtualClock.create();
    FakeRds fake = FakeRds.builder().clock(clock).build();
    Observed onFake = new Observed();
    scenario.run(fake, () -> clock.advance(Duration.ofHours(1)), onFake);

    moto.reset();
    Observed onMoto = new Observed();
    scenario.run(motoClient, () -> { }, onMoto);

    Map<String, String> expectedFromMoto = new TreeMap<>(onFake.values);
    expectedFromMoto.putAll(motoDiffers);
    assertThat(onMoto.values).as("moto vs fake (documented differences applied); fake saw %s", onFake.values)
        .isEqualTo(expectedFromMoto);
    // A documented difference must still be a difference: the fake follows RDS there.
    motoDiffers.forEach((key, motoValue) -> assertThat(onFake.values.get(key)).as(key).isNotEqualTo(motoValue));
  }
}
