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
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesResponse;
import software.amazon.awssdk.services.rds.model.Filter;
import software.amazon.awssdk.services.rds.model.RdsException;
import software.amazon.awssdk.services.rds.model.Tag;

/** DescribeDBInstances as a batch read: many identifiers in one filter, and RDS's paging. */
class FleetDescribeTest {

  private VirtualClock clock;
  private FakeRds rds;

  @BeforeEach
  void setUp() {
    clock = VirtualClock.create();
    rds = FakeRds.builder().clock(clock).build();
  }

  private List<String> given(String prefix, int n) {
    return rds.givenInstances(prefix, n, t -> t.dbInstanceClass("db.t3.micro").engine("postgres")
        .tags(Tag.builder().key("team").value("blue").build()));
  }

  private static Filter ids(List<String> values) {
    return Filter.builder().name("db-instance-id").values(values).build();
  }

  private static List<String> idsOf(DescribeDbInstancesResponse r) {
    return r.dbInstances().stream().map(DBInstance::dbInstanceIdentifier).toList();
  }

  @Test
  void oneDescribeAnswersOneHundredIdentifiersAndArnsWithTheirTags() {
    List<String> fleet = given("fleet-", 300);
    List<String> asked = new ArrayList<>();
    for (int n = 0; n < 100; n++) {
      String id = fleet.get(n * 3);
      // Identifiers in any case and ARNs, mixed.
      asked.add(n % 3 == 0 ? rds.instanceArn(id) : n % 3 == 1 ? id.toUpperCase() : id);
    }
    var mark = rds.calls().mark();

    DescribeDbInstancesResponse r = rds.describeDBInstances(d -> d.filters(ids(asked)));

    assertThat(idsOf(r)).containsExactlyElementsOf(
        IntStream.range(0, 100).mapToObj(n -> fleet.get(n * 3)).sorted().toList());
    assertThat(r.marker()).isNull();
    assertThat(r.dbInstances()).allSatisfy(d -> assertThat(d.tagList())
        .containsExactly(Tag.builder().key("team").value("blue").build()));
    assertThat(rds.calls().countSince(mark, "DescribeDBInstances")).isEqualTo(1);
  }

  @Test
  void unknownIdentifiersAndForeignArnsAreSimplyAbsent() {
    given("db-", 3);
    List<String> asked = List.of("db-0", "nosuch", "db-2", "arn:aws:rds:us-east-1:123456789012:db:gone",
        "arn:aws:rds:eu-west-1:123456789012:db:db-1", "arn:aws:rds:us-east-1:999999999999:db:db-1",
        "arn:aws:rds:us-east-1:123456789012:snapshot:db-1");

    assertThat(idsOf(rds.describeDBInstances(d -> d.filters(ids(asked))))).containsExactly("db-0", "db-2");
    assertThat(idsOf(rds.describeDBInstances(d -> d.filters(ids(List.of("nosuch", "other")))))).isEmpty();
    assertThat(rds.calls().all()).allSatisfy(c -> assertThat(c.threw()).isFalse());
  }

  @Test
  void aDeletedInstanceLeavesTheBatchOnceItIsGone() {
    given("db-", 2);
    rds.deleteDBInstance(d -> d.dbInstanceIdentifier("db-1").skipFinalSnapshot(true));
    assertThat(idsOf(rds.describeDBInstances(d -> d.filters(ids(List.of("db-0", "db-1"))))))
        .containsExactly("db-0", "db-1");

    clock.advance(rds.timings().deleting());

    assertThat(idsOf(rds.describeDBInstances(d -> d.filters(ids(List.of("db-0", "db-1"))))))
        .containsExactly("db-0");
  }

  @Test
  void moreThanOneHundredUniqueIdentifiersInOneFilterAreRefusedAsRdsRefusesThemForClusters() {
    List<String> fleet = given("fleet-", 101);
    var mark = rds.calls().mark();

    RdsException e = catchThrowableOfType(RdsException.class,
        () -> rds.describeDBInstances(d -> d.filters(ids(fleet))));

    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterCombination");
    assertThat(e.statusCode()).isEqualTo(400);
    assertThat(e.awsErrorDetails().errorMessage())
        .isEqualTo("Only up to 100 unique filter DB Instance Identifiers may be specified per filter");
    assertThat(rds.calls().since(mark)).singleElement()
        .satisfies(c -> assertThat(c.errorCode()).contains("InvalidParameterCombination"));

    // One hundred unique values, some repeated, are fine.
    List<String> repeated = new ArrayList<>(fleet.subList(0, 100));
    repeated.addAll(fleet.subList(0, 50));
    assertThat(rds.describeDBInstances(d -> d.filters(ids(repeated))).dbInstances()).hasSize(100);
  }

  @Test
  void pagesOfTwentyCoverFortyFiveInstancesEachExactlyOnceAndTheLastHasNoMarker() {
    List<String> fleet = given("page-", 45);
    List<String> seen = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    String marker = null;
    do {
      String from = marker;
      DescribeDbInstancesResponse r = rds.describeDBInstances(d -> d.maxRecords(20).marker(from));
      seen.addAll(idsOf(r));
      sizes.add(r.dbInstances().size());
      marker = r.marker();
    } while (marker != null);

    assertThat(sizes).containsExactly(20, 20, 5);
    assertThat(seen).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(fleet);
    assertThat(rds.describeDBInstancesPaginator(d -> d.maxRecords(20)).dbInstances())
        .extracting(DBInstance::dbInstanceIdentifier).containsExactlyElementsOf(seen);
  }

  @Test
  void aFilterOfOneHundredIdentifiersPagesByMaxRecordsToo() {
    List<String> fleet = given("fleet-", 150);
    List<String> asked = fleet.subList(25, 125);
    List<String> seen = new ArrayList<>();
    int calls = 0;
    String marker = null;
    do {
      String from = marker;
      DescribeDbInstancesResponse r = rds.describeDBInstances(d -> d.filters(ids(asked)).maxRecords(20)
          .marker(from));
      seen.addAll(idsOf(r));
      marker = r.marker();
      calls++;
    } while (marker != null);

    assertThat(calls).isEqualTo(5);
    assertThat(seen).containsExactlyElementsOf(asked);
  }

  @Test
  void withoutMaxRecordsAPageHoldsOneHundredInstances() {
    given("fleet-", 250);
    DescribeDbInstancesResponse first = rds.describeDBInstances(d -> { });
    assertThat(first.dbInstances()).hasSize(100);
    assertThat(first.marker()).isNotNull();
    assertThat(rds.describeDBInstancesPaginator(d -> { }).dbInstances()).hasSize(250);
  }

  @Test
  void maxRecordsOutsideTwentyToOneHundredIsInvalid() {
    given("db-", 1);
    for (int max : new int[] {0, 19, 101, 1000}) {
      RdsException e = catchThrowableOfType(RdsException.class, () -> rds.describeDBInstances(d -> d.maxRecords(max)));
      assertThat(e.awsErrorDetails().errorCode()).as("MaxRecords %d", max).isEqualTo("InvalidParameterValue");
      assertThat(e.statusCode()).isEqualTo(400);
    }
    assertThat(rds.describeDBInstances(d -> d.maxRecords(20)).dbInstances()).hasSize(1);
    assertThat(rds.describeDBInstances(d -> d.maxRecords(100)).dbInstances()).hasSize(1);
  }

  @Test
  void anIdentifierWithFiltersIsThatOneInstanceIfTheFiltersKeepIt() {
    given("db-", 3);
    assertThat(idsOf(rds.describeDBInstances(d -> d.dbInstanceIdentifier("db-1")
        .filters(ids(List.of("db-1", "db-2")))))).containsExactly("db-1");
    assertThat(idsOf(rds.describeDBInstances(d -> d.dbInstanceIdentifier("db-1")
        .filters(ids(List.of("db-2")))))).isEmpty();
    assertThat(idsOf(rds.describeDBInstances(d -> d.dbInstanceIdentifier("DB-1")
        .filters(Filter.builder().name("engine").values("postgres").build())))).containsExactly("db-1");
    assertThat(catchThrowableOfType(DbInstanceNotFoundException.class, () -> rds.describeDBInstances(
        d -> d.dbInstanceIdentifier("nosuch").filters(ids(List.of("db-1")))))
        .statusCode()).isEqualTo(404);
  }

  @Test
  void theOtherFiltersNarrowABatch() {
    given("pg-", 3);
    rds.givenInstances("my-", 2, t -> t.dbInstanceClass("db.t3.micro").engine("mysql"));
    Map<String, String> resourceIds = rds.describeDBInstances(d -> { }).dbInstances().stream()
        .collect(Collectors.toMap(DBInstance::dbInstanceIdentifier, DBInstance::dbiResourceId));

    assertThat(idsOf(rds.describeDBInstances(d -> d.filters(ids(List.of("pg-0", "my-1", "pg-2")),
        Filter.builder().name("engine").values("mysql").build())))).containsExactly("my-1");
    assertThat(idsOf(rds.describeDBInstances(d -> d.filters(
        Filter.builder().name("dbi-resource-id").values(resourceIds.get("pg-1")).build()))))
        .containsExactly("pg-1");
    assertThat(idsOf(rds.describeDBInstances(d -> d.filters(ids(List.of("pg-0", "pg-1")),
        ids(List.of("pg-1", "pg-2")))))).containsExactly("pg-1");
  }

  @Test
  void aBatchShowsEachInstancesOwnLifecycle() {
    given("up-", 2);
    rds.givenSnapshot(s -> s.dbSnapshotIdentifier("snap"));
    rds.restoreDBInstanceFromDBSnapshot(r -> r.dbInstanceIdentifier("new-0").dbSnapshotIdentifier("snap"));
    clock.advance(Duration.ofMinutes(5));
    rds.restoreDBInstanceFromDBSnapshot(r -> r.dbInstanceIdentifier("new-1").dbSnapshotIdentifier("snap"));
    clock.advance(Duration.ofMinutes(5));

    Map<String, String> status = rds.describeDBInstances(d -> d.filters(ids(List.of("up-0", "new-0", "new-1"))))
        .dbInstances().stream().collect(Collectors.toMap(DBInstance::dbInstanceIdentifier,
            DBInstance::dbInstanceStatus));

    assertThat(status).isEqualTo(Map.of("up-0", "available", "new-0", "available", "new-1", "creating"));
  }

  @Test
  void aDescribeLagAppliesToBatchesAsToSingleDescribes() {
    given("db-", 2);
    rds.faults().describeLag(Duration.ofSeconds(30));
    rds.addTagsToResource(r -> r.resourceName(rds.instanceArn("db-1"))
        .tags(Tag.builder().key("state").value("new").build()));

    List<DBInstance> during = rds.describeDBInstances(d -> d.filters(ids(List.of("db-0", "db-1")))).dbInstances();
    assertThat(during.get(1).tagList()).extracting(Tag::key).containsExactly("team");
    clock.advance(Duration.ofSeconds(30));
    List<DBInstance> after = rds.describeDBInstances(d -> d.filters(ids(List.of("db-0", "db-1")))).dbInstances();
    assertThat(after.get(1).tagList()).extracting(Tag::key).containsExactly("team", "state");
  }
}
