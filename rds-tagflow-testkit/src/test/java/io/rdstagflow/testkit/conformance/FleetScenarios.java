package io.rdstagflow.testkit.conformance;

import io.rdstagflow.testkit.conformance.MotoConformanceTest.Observed;
import io.rdstagflow.testkit.conformance.MotoConformanceTest.Scenario;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesResponse;
import software.amazon.awssdk.services.rds.model.Filter;
import software.amazon.awssdk.services.rds.model.Tag;

/**
 * The conformance scenarios of DescribeDBInstances as a fleet's batch read: the
 * {@code db-instance-id} filter with many identifiers and ARNs, and {@code MaxRecords}/{@code Marker}
 * paging. Run by {@link MotoConformanceTest} with its own scenarios; the same rules apply: where
 * moto differs from RDS's documentation, the fake follows RDS and moto's value is pinned here and
 * listed in docs/fidelity.md.
 */
final class FleetScenarios {

  private FleetScenarios() {}

  private static String arn(String id) {
    return "arn:aws:rds:us-east-1:123456789012:db:" + id;
  }

  private static void create(RdsClient rds, String id) {
    rds.createDBInstance(r -> r.dbInstanceIdentifier(id).dbInstanceClass("db.t3.micro").engine("postgres")
        .engineVersion("16.3").masterUsername("admin").masterUserPassword("Passw0rdPassw0rd")
        .allocatedStorage(20).tags(Tag.builder().key("fleet").value(id).build()));
  }

  /** Creates {@code prefix00} ... in identifier order, so moto's insertion order is the fake's too. */
  private static List<String> fleet(RdsClient rds, String prefix, int n) {
    List<String> ids = IntStream.range(0, n).mapToObj(k -> String.format("%s%02d", prefix, k)).toList();
    ids.forEach(id -> create(rds, id));
    return ids;
  }

  private static Filter ids(List<String> values) {
    return Filter.builder().name("db-instance-id").values(values).build();
  }

  private static List<String> idsOf(DescribeDbInstancesResponse r) {
    return r.dbInstances().stream().map(DBInstance::dbInstanceIdentifier).toList();
  }

  /** Pages through a describe with {@code MaxRecords} 20: page sizes, and what the pages held. */
  private static void pages(RdsClient rds, List<Filter> filters, List<String> expected, Observed out) {
    List<Integer> sizes = new ArrayList<>();
    List<String> seen = new ArrayList<>();
    List<Boolean> markers = new ArrayList<>();
    String marker = null;
    do {
      String from = marker;
      DescribeDbInstancesResponse r = rds.describeDBInstances(d -> d.maxRecords(20).marker(from).filters(filters));
      sizes.add(r.dbInstances().size());
      seen.addAll(idsOf(r));
      marker = r.marker();
      markers.add(marker != null);
    } while (marker != null && sizes.size() < 10);
    out.put("pageSizes", sizes);
    out.put("markers", markers);
    out.put("duplicates", seen.size() - new HashSet<>(seen).size());
    out.put("everyInstanceOnce", new HashSet<>(seen).equals(Set.copyOf(expected)) && seen.size() == expected.size());
  }

  static Stream<Arguments> scenarios() {
    return Stream.of(
        scenario("db-instance-id filter: identifiers in any case and ARNs, unknown ones absent, TagList on each",
            (rds, settle, out) -> {
              List<String> f = fleet(rds, "conf-many", 6);
              DescribeDbInstancesResponse r = rds.describeDBInstances(d -> d.filters(ids(List.of(f.get(0),
                  f.get(1).toUpperCase(), arn(f.get(2)), "conf-nosuch", arn("conf-ghost"),
                  "arn:aws:rds:eu-west-1:123456789012:db:" + f.get(4), f.get(5)))));
              out.put("ids", idsOf(r));
              out.put("marker", r.marker());
              r.dbInstances().forEach(d -> out.tags("tags." + d.dbInstanceIdentifier(), d.tagList()));
              out.put("onlyUnknown", idsOf(rds.describeDBInstances(d -> d.filters(ids(List.of("conf-nosuch",
                  arn("conf-ghost")))))));
            }, Map.of()),
        scenario("db-instance-id filter: 100 unique values pass, 101 are refused", (rds, settle, out) -> {
          List<String> f = fleet(rds, "conf-hundred", 3);
          List<String> hundred = new ArrayList<>(f);
          IntStream.range(0, 97).forEach(k -> hundred.add("conf-unknown" + k));
          List<String> repeated = new ArrayList<>(hundred);
          repeated.addAll(f);
          out.put("hundred", idsOf(rds.describeDBInstances(d -> d.filters(ids(hundred)))));
          out.put("hundredWithRepeats", idsOf(rds.describeDBInstances(d -> d.filters(ids(repeated)))));
          List<String> hundredAndOne = new ArrayList<>(hundred);
          hundredAndOne.add("conf-unknown-last");
          out.call("hundredAndOne", () -> rds.describeDBInstances(d -> d.filters(ids(hundredAndOne))));
        }, Map.of("hundredAndOne", "ok")),
        scenario("paging: MaxRecords 20 over 45 instances, each once, no Marker on the last page",
            (rds, settle, out) -> pages(rds, List.of(), fleet(rds, "conf-page", 45), out), Map.of()),
        scenario("paging: a db-instance-id filter of 30 identifiers with MaxRecords 20", (rds, settle, out) -> {
          List<String> f = fleet(rds, "conf-fpage", 40);
          List<String> asked = f.subList(5, 35);
          pages(rds, List.of(ids(asked)), asked, out);
        }, Map.of()),
        scenario("MaxRecords at and just outside its bounds 20..100", (rds, settle, out) -> {
          create(rds, "conf-bounds");
          out.call("19", () -> rds.describeDBInstances(d -> d.maxRecords(19)));
          out.call("20", () -> rds.describeDBInstances(d -> d.maxRecords(20)));
          out.call("100", () -> rds.describeDBInstances(d -> d.maxRecords(100)));
          out.call("101", () -> rds.describeDBInstances(d -> d.maxRecords(101)));
        }, Map.of("19", "ok", "101", "ok")),
        scenario("DBInstanceIdentifier with a db-instance-id filter", (rds, settle, out) -> {
          fleet(rds, "conf-both", 2);
          out.put("otherInFilter", idsOf(rds.describeDBInstances(d -> d.dbInstanceIdentifier("conf-both00")
              .filters(ids(List.of("conf-both01"))))));
          out.put("bothInFilter", idsOf(rds.describeDBInstances(d -> d.dbInstanceIdentifier("conf-both00")
              .filters(ids(List.of("conf-both00", "conf-both01"))))));
          out.call("missingWithFilter", () -> rds.describeDBInstances(d -> d.dbInstanceIdentifier("conf-nosuch")
              .filters(ids(List.of("conf-both01")))));
        }, Map.of("otherInFilter", "[conf-both00, conf-both01]", "bothInFilter", "[conf-both00, conf-both01]",
            "missingWithFilter", "ok")));
  }

  private static Arguments scenario(String name, Scenario s, Map<String, String> motoDiffers) {
    return Arguments.of(name, s, motoDiffers);
  }
}
