package io.rdstagflow.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DbInstanceAlreadyExistsException;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;
import software.amazon.awssdk.services.rds.model.DbParameterGroupNotFoundException;
import software.amazon.awssdk.services.rds.model.DbSnapshotNotFoundException;
import software.amazon.awssdk.services.rds.model.Filter;
import software.amazon.awssdk.services.rds.model.InvalidDbInstanceStateException;
import software.amazon.awssdk.services.rds.model.RdsException;
import software.amazon.awssdk.services.rds.model.Tag;

class FakeRdsRulesTest {

  private VirtualClock clock;
  private FakeRds rds;

  @BeforeEach
  void setUp() {
    clock = VirtualClock.create();
    rds = FakeRds.builder().clock(clock).build();
    rds.givenInstance(r -> r.dbInstanceIdentifier("db1").dbInstanceClass("db.t3.micro").engine("postgres"));
  }

  private static void assertRdsError(RdsException e, String code, int status) {
    assertThat(e).isNotNull();
    assertThat(e.awsErrorDetails().errorCode()).isEqualTo(code);
    assertThat(e.awsErrorDetails().serviceName()).isEqualTo("Rds");
    assertThat(e.awsErrorDetails().sdkHttpResponse().statusCode()).isEqualTo(status);
    assertThat(e.statusCode()).isEqualTo(status);
    assertThat(e.requestId()).isNotBlank();
  }

  private Map<String, String> tagsOf(String id) {
    return rds.listTagsForResource(r -> r.resourceName(rds.instanceArn(id))).tagList().stream()
        .collect(Collectors.toMap(Tag::key, Tag::value));
  }

  private static Tag tag(String k, String v) {
    return Tag.builder().key(k).value(v).build();
  }

  @Test
  void describingAMissingInstanceThrowsDbInstanceNotFoundWith404() {
    DbInstanceNotFoundException e = catchThrowableOfType(DbInstanceNotFoundException.class,
        () -> rds.describeDBInstances(r -> r.dbInstanceIdentifier("nope")));
    assertRdsError(e, "DBInstanceNotFound", 404);
    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("DBInstance nope not found.");
  }

  @Test
  void creatingAnExistingInstanceThrowsDbInstanceAlreadyExistsWith400() {
    DbInstanceAlreadyExistsException e = catchThrowableOfType(DbInstanceAlreadyExistsException.class,
        () -> rds.createDBInstance(r -> r.dbInstanceIdentifier("DB1").dbInstanceClass("db.t3.micro")
            .engine("postgres")));
    assertRdsError(e, "DBInstanceAlreadyExists", 400);
  }

  @Test
  void restoringFromAMissingSnapshotThrowsDbSnapshotNotFoundWith404() {
    DbSnapshotNotFoundException e = catchThrowableOfType(DbSnapshotNotFoundException.class,
        () -> rds.restoreDBInstanceFromDBSnapshot(r -> r.dbInstanceIdentifier("x").dbSnapshotIdentifier("missing")));
    assertRdsError(e, "DBSnapshotNotFound", 404);
  }

  @Test
  void modifyingABusyInstanceThrowsInvalidDbInstanceState() {
    rds.modifyDBInstance(r -> r.dbInstanceIdentifier("db1").allocatedStorage(100).applyImmediately(true));
    InvalidDbInstanceStateException e = catchThrowableOfType(InvalidDbInstanceStateException.class,
        () -> rds.modifyDBInstance(r -> r.dbInstanceIdentifier("db1").allocatedStorage(200).applyImmediately(true)));
    assertRdsError(e, "InvalidDBInstanceState", 400);
    InvalidDbInstanceStateException reboot = catchThrowableOfType(InvalidDbInstanceStateException.class,
        () -> rds.rebootDBInstance(r -> r.dbInstanceIdentifier("db1")));
    assertRdsError(reboot, "InvalidDBInstanceState", 400);
  }

  @Test
  void modifyToAnUnknownParameterGroupThrowsDbParameterGroupNotFound() {
    DbParameterGroupNotFoundException e = catchThrowableOfType(DbParameterGroupNotFoundException.class,
        () -> rds.modifyDBInstance(r -> r.dbInstanceIdentifier("db1").dbParameterGroupName("nope")));
    assertRdsError(e, "DBParameterGroupNotFound", 404);
  }

  @ParameterizedTest
  @ValueSource(strings = {"1abc", "ab--c", "abc-", "a_b", "ab.c",
      "a234567890123456789012345678901234567890123456789012345678901234"})
  void invalidInstanceIdentifiersAreRefusedWithRdssMessage(String id) {
    RdsException e = catchThrowableOfType(RdsException.class,
        () -> rds.createDBInstance(r -> r.dbInstanceIdentifier(id).dbInstanceClass("db.t3.micro").engine("postgres")));
    assertRdsError(e, "InvalidParameterValue", 400);
    assertThat(e.awsErrorDetails().errorMessage())
        .startsWith("The parameter DBInstanceIdentifier is not a valid identifier.");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "a-b", "A1-b2-C3",
      "a23456789012345678901234567890123456789012345678901234567890123"})
  void validInstanceIdentifiersAreAccepted(String id) {
    rds.createDBInstance(r -> r.dbInstanceIdentifier(id).dbInstanceClass("db.t3.micro").engine("postgres"));
    assertThat(rds.describeDBInstances(r -> r.dbInstanceIdentifier(id)).dbInstances()).hasSize(1);
  }

  @ParameterizedTest(name = "[{index}] key \"{0}\" value \"{1}\"")
  @CsvSource(delimiter = '|', value = {
      "aws:owner|x", "rds:owner|x", "AWS:owner|x", "owner|aws:x", "owner|rds:x",
      "a,b|x", "a;b|x", "a[b]|x", "k|quo\"te", "k|semi;colon", "''|x"})
  void tagsOutsideRdssRulesAreRefused(String key, String value) {
    RdsException e = catchThrowableOfType(RdsException.class,
        () -> rds.addTagsToResource(r -> r.resourceName(rds.instanceArn("db1")).tags(tag(key, value))));
    assertRdsError(e, "InvalidParameterValue", 400);
    assertThat(tagsOf("db1")).isEmpty();
  }

  @Test
  void tagKeyAndValueLengthLimitsAreEnforced() {
    String key128 = "k".repeat(128);
    String value256 = "v".repeat(256);
    rds.addTagsToResource(r -> r.resourceName(rds.instanceArn("db1")).tags(tag(key128, value256)));
    assertThat(tagsOf("db1")).containsEntry(key128, value256);

    assertRdsError(catchThrowableOfType(RdsException.class, () -> rds.addTagsToResource(
        r -> r.resourceName(rds.instanceArn("db1")).tags(tag("k".repeat(129), "")))), "InvalidParameterValue", 400);
    assertRdsError(catchThrowableOfType(RdsException.class, () -> rds.addTagsToResource(
        r -> r.resourceName(rds.instanceArn("db1")).tags(tag("k", "v".repeat(257))))), "InvalidParameterValue", 400);
  }

  @Test
  void tagsMayUseLettersOfAnyScriptSpacesAndTheAllowedPunctuation() {
    rds.addTagsToResource(r -> r.resourceName(rds.instanceArn("db1"))
        .tags(tag("tagflow:step:reboot", "seq=2 state=started since=2026-11-24T10:31:12Z"),
            tag("Größe_ü.:/=+-@", "値 1")));
    assertThat(tagsOf("db1")).hasSize(2);
  }

  @Test
  void fiftyTagsFitAndTheFiftyFirstIsRefusedWithoutChangingAnything() {
    List<Tag> fifty = IntStream.range(0, 50).mapToObj(n -> tag("k" + n, "v")).toList();
    rds.addTagsToResource(r -> r.resourceName(rds.instanceArn("db1")).tags(fifty));
    assertThat(tagsOf("db1")).hasSize(50);

    RdsException e = catchThrowableOfType(RdsException.class, () -> rds.addTagsToResource(
        r -> r.resourceName(rds.instanceArn("db1")).tags(tag("k50", "v"), tag("k0", "changed"))));
    assertRdsError(e, "InvalidParameterValue", 400);
    assertThat(tagsOf("db1")).hasSize(50).containsEntry("k0", "v");
  }

  @Test
  void addingAnExistingKeyOverwritesItsValueAndRemovingAMissingKeyIsFine() {
    rds.addTagsToResource(r -> r.resourceName(rds.instanceArn("db1")).tags(tag("a", "1"), tag("b", "2")));
    rds.addTagsToResource(r -> r.resourceName(rds.instanceArn("db1")).tags(tag("a", "9")));
    rds.removeTagsFromResource(r -> r.resourceName(rds.instanceArn("db1")).tagKeys("b", "never-there"));
    assertThat(tagsOf("db1")).containsExactly(Map.entry("a", "9"));
  }

  @Test
  void taggingAMissingInstanceThrowsDbInstanceNotFound() {
    assertRdsError(catchThrowableOfType(DbInstanceNotFoundException.class, () -> rds.addTagsToResource(
        r -> r.resourceName(rds.instanceArn("ghost")).tags(tag("a", "1")))), "DBInstanceNotFound", 404);
    assertRdsError(catchThrowableOfType(RdsException.class, () -> rds.listTagsForResource(
        r -> r.resourceName("not-an-arn"))), "InvalidParameterValue", 400);
  }

  @Test
  void describeCarriesTheTagsSoOneCallGivesStatusAndTags() {
    rds.addTagsToResource(r -> r.resourceName(rds.instanceArn("db1")).tags(tag("a", "1")));
    DBInstance db = rds.describeDBInstances(r -> r.dbInstanceIdentifier("db1")).dbInstances().get(0);
    assertThat(db.tagList()).containsExactly(tag("a", "1"));
  }

  @Test
  void deleteWithoutFinalSnapshotOrSkipIsRefused() {
    RdsException e = catchThrowableOfType(RdsException.class,
        () -> rds.deleteDBInstance(r -> r.dbInstanceIdentifier("db1")));
    assertRdsError(e, "InvalidParameterCombination", 400);
  }

  @Test
  void deletingAnInstanceTwiceThrowsInvalidDbInstanceState() {
    rds.deleteDBInstance(r -> r.dbInstanceIdentifier("db1").skipFinalSnapshot(true));
    assertRdsError(catchThrowableOfType(InvalidDbInstanceStateException.class,
        () -> rds.deleteDBInstance(r -> r.dbInstanceIdentifier("db1").skipFinalSnapshot(true))),
        "InvalidDBInstanceState", 400);
  }

  @Test
  void passwordRulesAreEnforcedWithoutEchoingThePassword() {
    RdsException e = catchThrowableOfType(RdsException.class, () -> rds.modifyDBInstance(
        r -> r.dbInstanceIdentifier("db1").masterUserPassword("sh0rt").applyImmediately(true)));
    assertRdsError(e, "InvalidParameterValue", 400);
    assertThat(e.getMessage()).doesNotContain("sh0rt");
    RdsException slash = catchThrowableOfType(RdsException.class, () -> rds.modifyDBInstance(
        r -> r.dbInstanceIdentifier("db1").masterUserPassword("with/slash-123").applyImmediately(true)));
    assertThat(slash.getMessage()).doesNotContain("with/slash-123");
  }

  @Test
  void describeInstancesPagesWithMaxRecordsAndMarker() {
    for (int n = 0; n < 24; n++) {
      String id = String.format("page%02d", n);
      rds.givenInstance(r -> r.dbInstanceIdentifier(id).dbInstanceClass("db.t3.micro").engine("postgres"));
    }
    var first = rds.describeDBInstances(r -> r.maxRecords(20));
    assertThat(first.dbInstances()).hasSize(20);
    assertThat(first.marker()).isNotNull();
    var second = rds.describeDBInstances(r -> r.maxRecords(20).marker(first.marker()));
    assertThat(second.dbInstances()).hasSize(5);
    assertThat(second.marker()).isNull();

    List<String> all = new ArrayList<>();
    rds.describeDBInstancesPaginator(r -> r.maxRecords(20)).dbInstances()
        .forEach(d -> all.add(d.dbInstanceIdentifier()));
    assertThat(all).hasSize(25).doesNotHaveDuplicates();
  }

  @ParameterizedTest
  @ValueSource(ints = {19, 101})
  void maxRecordsOutsideTwentyToHundredIsRefused(int max) {
    assertRdsError(catchThrowableOfType(RdsException.class,
        () -> rds.describeDBInstances(r -> r.maxRecords(max))), "InvalidParameterValue", 400);
  }

  @Test
  void describeFiltersByInstanceIdAndEngineAndRefusesUnknownFilters() {
    rds.givenInstance(r -> r.dbInstanceIdentifier("my1").dbInstanceClass("db.t3.micro").engine("mysql"));
    assertThat(rds.describeDBInstances(r -> r.filters(Filter.builder().name("engine").values("mysql").build()))
        .dbInstances()).extracting(DBInstance::dbInstanceIdentifier).containsExactly("my1");
    assertThat(rds.describeDBInstances(r -> r.filters(Filter.builder().name("db-instance-id")
        .values(rds.instanceArn("db1")).build())).dbInstances())
        .extracting(DBInstance::dbInstanceIdentifier).containsExactly("db1");
    assertRdsError(catchThrowableOfType(RdsException.class, () -> rds.describeDBInstances(
        r -> r.filters(Filter.builder().name("tag:owner").values("x").build()))), "InvalidParameterValue", 400);
  }

  @Test
  void parameterGroupsAreCreatedDescribedAndRefusedWhenDuplicated() {
    rds.createDBParameterGroup(r -> r.dbParameterGroupName("Custom").dbParameterGroupFamily("postgres16")
        .description("d"));
    assertThat(rds.describeDBParameterGroups(r -> r.dbParameterGroupName("custom")).dbParameterGroups())
        .singleElement().satisfies(g -> assertThat(g.dbParameterGroupFamily()).isEqualTo("postgres16"));
    assertRdsError(catchThrowableOfType(RdsException.class, () -> rds.createDBParameterGroup(
        r -> r.dbParameterGroupName("custom").dbParameterGroupFamily("postgres16").description("d"))),
        "DBParameterGroupAlreadyExists", 400);
    assertRdsError(catchThrowableOfType(DbParameterGroupNotFoundException.class,
        () -> rds.describeDBParameterGroups(r -> r.dbParameterGroupName("nope"))), "DBParameterGroupNotFound", 404);
  }

  @Test
  void aFailedInstanceRefusesModificationsUntilDeleted() {
    rds.faults().failInstance("db1", "incompatible-parameters");
    assertRdsError(catchThrowableOfType(InvalidDbInstanceStateException.class, () -> rds.modifyDBInstance(
        r -> r.dbInstanceIdentifier("db1").allocatedStorage(50).applyImmediately(true))), "InvalidDBInstanceState", 400);
    rds.deleteDBInstance(r -> r.dbInstanceIdentifier("db1").skipFinalSnapshot(true));
    clock.advance(Duration.ofMinutes(5));
    assertThat(rds.describeDBInstances().dbInstances()).isEmpty();
  }
}
