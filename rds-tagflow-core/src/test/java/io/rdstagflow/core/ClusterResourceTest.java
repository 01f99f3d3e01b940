package io.rdstagflow.core;

import static io.rdstagflow.core.EngineFixture.ID;
import static org.assertj.core.api.Assertions.assertThat;

import io.rdstagflow.core.OperationStatus.State;
import io.rdstagflow.core.RdsInstance.Member;
import io.rdstagflow.core.RdsInstance.ParameterGroup;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A cluster is polled as an instance is, its state in the cluster's tags; it is settled only when
 * every member is: a member that is not available holds the steps back, a member in a broken status
 * fails the operation naming it, and a member's group {@code pending-reboot} is the cluster's.
 */
class ClusterResourceTest {

  private final EngineFixture f = new EngineFixture();

  private void cluster(String clusterStatus, Member... members) {
    RdsInstance current = f.rds.get(ID);
    f.rds.put(RdsInstance.builder(ID).status(clusterStatus).tags(current == null ? Map.of() : current.tags())
        .cluster(List.of(members)).build());
  }

  private static Member writer(String status, String groupStatus) {
    return new Member("w-1", status, true, List.of(new ParameterGroup("pg-aurora", groupStatus)));
  }

  private static Member reader(String status) {
    return new Member("r-1", status, false, List.of(new ParameterGroup("pg-aurora", "in-sync")));
  }

  @Test
  void aMemberThatIsNotAvailableHoldsTheStepsBack() {
    OperationToken token = f.restore();
    cluster("available", writer("creating", "in-sync"));

    OperationStatus answer = f.engine().poll(ID, token);

    assertThat(answer.description()).isEqualTo("instance is available, member w-1 is creating; next: step settings");
    assertThat(f.settings.runs()).isZero();
    cluster("available", writer("available", "in-sync"), reader("available"));
    assertThat(f.engine().poll(ID, token).description()).isEqualTo("step settings started");
  }

  @Test
  void aMemberInABrokenStatusFailsTheOperationNamingIt() {
    OperationToken token = f.restore();
    cluster("available", writer("available", "in-sync"), reader("failed"));

    PollResult result = f.engine().pollResult(ID, token);

    assertThat(result.status()).isEqualTo(OperationStatus.failed(
        "flow restore-from-snapshot failed: cluster member r-1 status failed"));
    assertThat(result.failure()).contains(FailureKind.INSTANCE_STATUS);
  }

  @Test
  void aMembersGroupPendingRebootIsTheClustersAndSettledNeedsEveryMember() {
    RdsInstance pending = RdsInstance.builder("c").status("available")
        .cluster(List.of(writer("available", RdsInstance.PENDING_REBOOT))).build();
    RdsInstance applying = RdsInstance.builder("c").status("available")
        .cluster(List.of(writer("available", RdsInstance.APPLYING))).build();

    assertThat(pending.isPendingReboot()).isTrue();
    assertThat(pending.isSettled()).isTrue();
    assertThat(applying.isSettled()).isFalse();
    assertThat(pending.kind()).isEqualTo(RdsInstance.Kind.CLUSTER);
    assertThat(pending.toString()).contains("cluster", "members=");
  }

  @Test
  void withoutATokenAClusterIsAnsweredByItsMembersToo() {
    cluster("available", writer("available", "in-sync"), reader("modifying"));
    assertThat(f.engine().poll(ID).state()).isEqualTo(State.IN_PROGRESS);
    cluster("available", writer("available", "in-sync"), reader("available"));
    assertThat(f.engine().poll(ID).state()).isEqualTo(State.SUCCEEDED);
  }
}
