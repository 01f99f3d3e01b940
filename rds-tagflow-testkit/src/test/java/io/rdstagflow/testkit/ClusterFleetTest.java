package io.rdstagflow.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DBInstance;

/** Many clusters: batch reads of clusters and of their members, paged as RDS pages them. */
class ClusterFleetTest {

  @Test
  void theMembersOfOneHundredClustersComeInPagesAndEachClusterOnceInABatchRead() {
    VirtualClock clock = VirtualClock.create();
    FakeRds rds = FakeRds.builder().clock(clock).build();
    List<String> clusters = IntStream.range(0, 300).mapToObj(n -> String.format("c%03d", n)).toList();
    for (String c : clusters) {
      rds.givenCluster(r -> r.dbClusterIdentifier(c).engine("aurora-postgresql").masterUsername("admin")
          .masterUserPassword("Passw0rdPassw0rd"));
      for (String m : List.of("-w", "-r")) {
        rds.givenInstance(r -> r.dbInstanceIdentifier(c + m).dbClusterIdentifier(c)
            .engine("aurora-postgresql").dbInstanceClass("db.r6g.large"));
      }
    }
    List<String> batch = clusters.subList(100, 200);

    List<String> described = rds.describeDBClusters(r -> r.filters(f -> f.name("db-cluster-id").values(batch)))
        .dbClusters().stream().map(DBCluster::dbClusterIdentifier).toList();
    var firstPage = rds.describeDBInstances(r -> r.filters(f -> f.name("db-cluster-id").values(batch)));
    List<String> members = rds.describeDBInstancesPaginator(r -> r.filters(f -> f.name("db-cluster-id")
        .values(batch))).dbInstances().stream().map(DBInstance::dbInstanceIdentifier).toList();

    assertThat(described).containsExactlyElementsOf(batch);
    assertThat(firstPage.dbInstances()).hasSize(100);
    assertThat(firstPage.marker()).isNotNull();
    assertThat(members).hasSize(200).doesNotHaveDuplicates()
        .allMatch(id -> batch.contains(id.substring(0, 4)));
    assertThat(rds.calls().all()).hasSize(4);
    clock.advance(Duration.ofHours(1));
    assertThat(rds.describeDBClustersPaginator(r -> { }).dbClusters()).hasSize(300);
  }
}
