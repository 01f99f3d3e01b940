package io.rdstagflow.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesRequest;
import software.amazon.awssdk.services.rds.model.ModifyDbInstanceRequest;
import software.amazon.awssdk.services.rds.model.Tag;

class CallLogTest {

  private FakeRds rds;

  @BeforeEach
  void setUp() {
    rds = FakeRds.create();
    rds.givenInstance(r -> r.dbInstanceIdentifier("db1").dbInstanceClass("db.t3.micro").engine("postgres"));
  }

  @Test
  void everyCallIsRecordedWithOperationInstanceRequestTimeAndOutcome() {
    DescribeDbInstancesRequest request = DescribeDbInstancesRequest.builder().dbInstanceIdentifier("DB1").build();
    rds.describeDBInstances(request);
    catchThrowableOfType(RuntimeException.class, () -> rds.describeDBInstances(r -> r.dbInstanceIdentifier("gone")));

    assertThat(rds.calls().all()).hasSize(2);
    RecordedCall ok = rds.calls().all().get(0);
    assertThat(ok.sequence()).isEqualTo(1);
    assertThat(ok.operation()).isEqualTo("DescribeDBInstances");
    assertThat(ok.instanceId()).contains("db1");
    assertThat(ok.request()).isSameAs(request);
    assertThat(ok.at()).isEqualTo(VirtualClock.DEFAULT_START);
    assertThat(ok.threw()).isFalse();
    assertThat(rds.calls().all().get(1).errorCode()).contains("DBInstanceNotFound");
  }

  @Test
  void aConsumerOverloadIsRecordedOnceAsTheRequestItBuilt() {
    rds.describeDBInstances(r -> r.dbInstanceIdentifier("db1"));
    assertThat(rds.calls().all()).singleElement()
        .satisfies(c -> assertThat(c.request()).isInstanceOf(DescribeDbInstancesRequest.class));
  }

  @Test
  void marksTellWhatOnePollDidExactlyOneDescribeAndNoWrite() {
    rds.addTagsToResource(r -> r.resourceName(rds.instanceArn("db1")).tags(Tag.builder().key("a").value("b").build()));
    CallLog.Mark mark = rds.calls().mark();

    rds.describeDBInstances(r -> r.dbInstanceIdentifier("db1"));

    assertThat(rds.calls().countSince(mark, "DescribeDBInstances")).isEqualTo(1);
    assertThat(rds.calls().writesSince(mark)).isEmpty();
    assertThat(rds.calls().since(mark)).hasSize(1);
    assertThat(rds.calls().count("AddTagsToResource")).isEqualTo(1);
    assertThat(rds.calls().all().get(0).isWrite()).isTrue();
  }

  @Test
  void thePasswordIsRedactedInTheRecordedRequestsPrintedFormAndTheReport() {
    String password = "Sup3rSecretPassword";
    rds.modifyDBInstance(ModifyDbInstanceRequest.builder().dbInstanceIdentifier("db1")
        .masterUserPassword(password).applyImmediately(true).build());
    rds.createDBInstance(r -> r.dbInstanceIdentifier("db2").dbInstanceClass("db.t3.micro")
        .engine("postgres").masterUserPassword(password));

    RecordedCall modify = rds.calls().all().get(0);
    assertThat(((ModifyDbInstanceRequest) modify.request()).masterUserPassword()).isEqualTo(password);
    assertThat(modify.toString()).contains("MasterUserPassword=").doesNotContain(password);
    assertThat(rds.calls().render()).doesNotContain(password);
    assertThat(rds.report()).doesNotContain(password).contains("ModifyDBInstance");
    assertThat(rds.histories().toString()).doesNotContain(password);
  }

  static Stream<Arguments> unsupportedCalls() {
    return Stream.of(
        Arguments.of("DescribeEvents", (Consumer<RdsClient>) RdsClient::describeEvents),
        Arguments.of("StopDBInstance", (Consumer<RdsClient>) c -> c.stopDBInstance(r -> r.dbInstanceIdentifier("db1"))),
        Arguments.of("DescribeDBClusterEndpoints", (Consumer<RdsClient>) c -> c.describeDBClusterEndpointsPaginator()),
        Arguments.of("waiter()", (Consumer<RdsClient>) RdsClient::waiter),
        Arguments.of("ServiceClientConfiguration", (Consumer<RdsClient>) RdsClient::serviceClientConfiguration));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unsupportedCalls")
  void unsupportedOperationsAreRefusedWithAMessageNamingThem(String operation, Consumer<RdsClient> call) {
    UnsupportedByFakeRdsException e = catchThrowableOfType(UnsupportedByFakeRdsException.class, () -> call.accept(rds));
    assertThat(e.operation()).isEqualTo(operation);
    assertThat(e.getMessage()).contains(operation).contains("not supported by the fake RDS");
    assertThat(rds.calls().all()).last()
        .satisfies(c -> assertThat(c.errorCode()).contains("UnsupportedByFake"));
  }

  @Test
  void theFakeIsAnRdsClientWithItsServiceName() {
    RdsClient client = rds;
    assertThat(client.serviceName()).isEqualTo("rds");
    client.close();
    assertThat(client.describeDBInstances().dbInstances()).hasSize(1);
  }
}
