package io.rdstagflow.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rdstagflow.core.RdsInstance;
import io.rdstagflow.core.spi.ErrorClassification;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.rds.model.AddTagsToResourceRequest;
import software.amazon.awssdk.services.rds.model.ClusterPendingModifiedValues;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DBClusterMember;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DbClusterNotFoundException;
import software.amazon.awssdk.services.rds.model.DescribeDbClustersRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbClustersResponse;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesResponse;
import software.amazon.awssdk.services.rds.model.RdsException;
import software.amazon.awssdk.services.rds.model.RemoveTagsFromResourceRequest;
import software.amazon.awssdk.services.rds.model.Tag;

/** The cluster gateway: at most two calls a describe, the mapping of both answers, the classification. */
class SdkClusterGatewayTest {

  private final ScriptedRds rds = new ScriptedRds();
  private final SdkClusterGateway gateway = new SdkClusterGateway(rds.client);

  private static DBCluster cluster(String id, DBClusterMember... members) {
    return DBCluster.builder().dbClusterIdentifier(id).dbClusterArn("arn:aws:rds:eu-west-1:1:cluster:" + id)
        .status("available").engine("aurora-postgresql").masterUsername("master").endpoint(id + ".cluster.local")
        .port(5432).allocatedStorage(1).dbClusterParameterGroup("cpg").dbClusterMembers(members)
        .tagList(Tag.builder().key("team").value("payments").build(), Tag.builder().key("tagflow:flow").value("x").build())
        .build();
  }

  private static DBClusterMember member(String id, boolean writer, String groupStatus) {
    return DBClusterMember.builder().dbInstanceIdentifier(id).isClusterWriter(writer)
        .dbClusterParameterGroupStatus(groupStatus).build();
  }

  private static DBInstance instance(String cluster, String id, String status) {
    return DBInstance.builder().dbInstanceIdentifier(id).dbClusterIdentifier(cluster).dbInstanceStatus(status)
        .dbParameterGroups(g -> g.dbParameterGroupName("pg").parameterApplyStatus("in-sync")).build();
  }

  private static RdsException error(String code, int status) {
    return (RdsException) RdsException.builder().statusCode(status)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).build()).build();
  }

  @Test
  void aClusterWithoutMembersIsDescribedInOneCall() {
    rds.answer("describeDBClusters", DescribeDbClustersResponse.builder().dbClusters(cluster("c-1")).build());

    RdsInstance c = gateway.describe("c-1").orElseThrow();

    assertThat(rds.methods()).containsExactly("describeDBClusters");
    assertThat(rds.requests(DescribeDbClustersRequest.class).get(0).dbClusterIdentifier()).isEqualTo("c-1");
    assertThat(c.kind()).isEqualTo(RdsInstance.Kind.CLUSTER);
    assertThat(c.id()).isEqualTo("c-1");
    assertThat(c.arn()).isEqualTo("arn:aws:rds:eu-west-1:1:cluster:c-1");
    assertThat(c.status()).isEqualTo("available");
    assertThat(c.tags()).containsExactly(Map.entry("team", "payments"), Map.entry("tagflow:flow", "x"));
    assertThat(c.endpoint()).contains(new RdsInstance.Endpoint("c-1.cluster.local", 5432));
    assertThat(c.engine()).contains("aurora-postgresql");
    assertThat(c.masterUsername()).contains("master");
    assertThat(c.members()).isEmpty();
    assertThat(c.parameterGroups()).isEmpty();
    assertThat(ClusterDescription.of(c).orElseThrow().cluster().dbClusterIdentifier()).isEqualTo("c-1");
  }

  @Test
  void membersComeFromOneFilteredDescribeWithTheirStatusesWriterAndBothKindsOfGroup() {
    DBCluster c = cluster("c-1", member("c-1-1", true, "pending-reboot"), member("c-1-2", false, "in-sync"),
        member("c-1-9", false, "in-sync")).toBuilder()
        .pendingModifiedValues(ClusterPendingModifiedValues.builder().masterUserPassword("****").backupRetentionPeriod(7)
            .build()).build();
    rds.answer("describeDBClusters", DescribeDbClustersResponse.builder().dbClusters(c).build());
    rds.answer("describeDBInstances", DescribeDbInstancesResponse.builder().dbInstances(
        instance("c-1", "c-1-1", "available"), instance("c-1", "c-1-2", "modifying"),
        instance("c-1", "c-1-3", "creating")).build());

    RdsInstance described = gateway.describe("c-1").orElseThrow();

    assertThat(rds.methods()).containsExactly("describeDBClusters", "describeDBInstances");
    DescribeDbInstancesRequest filter = rds.requests(DescribeDbInstancesRequest.class).get(0);
    assertThat(filter.filters()).singleElement().satisfies(f -> {
      assertThat(f.name()).isEqualTo("db-cluster-id");
      assertThat(f.values()).containsExactly("c-1");
    });
    assertThat(described.members()).containsExactly(
        new RdsInstance.Member("c-1-1", "available", true, List.of(new RdsInstance.ParameterGroup("pg", "in-sync"),
            new RdsInstance.ParameterGroup("cpg", "pending-reboot"))),
        new RdsInstance.Member("c-1-2", "modifying", false, List.of(new RdsInstance.ParameterGroup("pg", "in-sync"),
            new RdsInstance.ParameterGroup("cpg", "in-sync"))),
        new RdsInstance.Member("c-1-9", ClusterDescription.NOT_LISTED, false,
            List.of(new RdsInstance.ParameterGroup("cpg", "in-sync"))),
        new RdsInstance.Member("c-1-3", "creating", false, List.of(new RdsInstance.ParameterGroup("pg", "in-sync"))));
    assertThat(described.pendingModifications()).containsExactlyInAnyOrder("MasterUserPassword", "BackupRetentionPeriod");
    assertThat(described.isPendingReboot()).isTrue();
    assertThat(described.isSettled()).isFalse();
    assertThat(ClusterDescription.of(described).orElseThrow().member("c-1-2")).isPresent();
    assertThat(ClusterDescription.of(described).orElseThrow().toString())
        .isEqualTo("ClusterDescription[c-1, status=available, members=[c-1-1, c-1-2, c-1-3]]");
  }

  @Test
  void aClusterRdsDoesNotKnowIsNotFound() {
    rds.answer("describeDBClusters", DbClusterNotFoundException.builder().message("DBCluster c-1 not found")
        .awsErrorDetails(AwsErrorDetails.builder().errorCode("DBClusterNotFoundFault").build()).build());
    assertThat(gateway.describe("c-1")).isEmpty();
  }

  @Test
  void describeAllTakesTwoCallsForManyClustersAndFollowsPages() {
    List<DBCluster> clusters = new ArrayList<>();
    List<DBInstance> instances = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      clusters.add(cluster("c-" + i, member("c-" + i + "-1", true, "in-sync")));
      instances.add(instance("c-" + i, "c-" + i + "-1", "available"));
    }
    clusters.add(cluster("c-bare"));
    rds.answer("describeDBClusters", DescribeDbClustersResponse.builder().dbClusters(clusters.subList(0, 2))
        .marker("m1").build(), DescribeDbClustersResponse.builder().dbClusters(clusters.subList(2, 4)).build());
    rds.answer("describeDBInstances", DescribeDbInstancesResponse.builder().dbInstances(instances).build());

    List<RdsInstance> found = gateway.describeAll(List.of("c-0", "c-1", "c-2", "c-bare", "c-gone"));

    assertThat(rds.methods()).containsExactly("describeDBClusters", "describeDBClusters", "describeDBInstances");
    assertThat(rds.requests(DescribeDbClustersRequest.class).get(0).filters().get(0).values())
        .containsExactly("c-0", "c-1", "c-2", "c-bare", "c-gone");
    assertThat(rds.requests(DescribeDbClustersRequest.class).get(1).marker()).isEqualTo("m1");
    assertThat(rds.requests(DescribeDbInstancesRequest.class).get(0).filters().get(0).values())
        .containsExactly("c-0", "c-1", "c-2");
    assertThat(found).extracting(RdsInstance::id).containsExactly("c-0", "c-1", "c-2", "c-bare");
    assertThat(found.get(1).members()).extracting(RdsInstance.Member::id).containsExactly("c-1-1");
    assertThat(found.get(3).members()).isEmpty();
    assertThatThrownBy(() -> gateway.describeAll(java.util.stream.IntStream.range(0, 101).mapToObj(i -> "c-" + i)
        .toList())).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void tagsAreWrittenAndRemovedOnTheClustersArn() {
    RdsInstance c = SdkClusterGateway.toResource(cluster("c-1"), List.of());

    gateway.addTags(c, Map.of("tagflow:flow", "v"));
    gateway.removeTags(c, List.of("tagflow:lease"));

    assertThat(rds.requests(AddTagsToResourceRequest.class).get(0).resourceName())
        .isEqualTo("arn:aws:rds:eu-west-1:1:cluster:c-1");
    assertThat(rds.requests(RemoveTagsFromResourceRequest.class).get(0).tagKeys()).containsExactly("tagflow:lease");
  }

  @Test
  void theClustersOwnCodesAreClassifiedAndAMembersNotFoundIsPermanent() {
    assertThat(gateway.classify(error("DBClusterNotFoundFault", 404)))
        .isEqualTo(ErrorClassification.notFound("DBClusterNotFoundFault"));
    assertThat(gateway.classify(error("InvalidDBClusterStateFault", 400)))
        .isEqualTo(ErrorClassification.transientError("InvalidDBClusterStateFault"));
    assertThat(gateway.classify(error("InvalidDBInstanceState", 400)))
        .isEqualTo(ErrorClassification.transientError("InvalidDBInstanceState"));
    assertThat(gateway.classify(error("DBInstanceNotFound", 404)))
        .isEqualTo(ErrorClassification.permanent("DBInstanceNotFound"));
    assertThat(gateway.classify(error("Throttling", 400)).isThrottling()).isTrue();
    assertThat(gateway.classify(error("InternalFailure", 500)))
        .isEqualTo(ErrorClassification.transientError("InternalFailure"));
    assertThat(gateway.classify(error("AccessDenied", 403))).isEqualTo(ErrorClassification.permanent("AccessDenied"));
    // The instance gateway keeps its own view.
    assertThat(SdkRdsGateway.classifyError(error("InvalidDBClusterStateFault", 400)))
        .isEqualTo(ErrorClassification.permanent("InvalidDBClusterStateFault"));
  }
}
