package io.rdstagflow.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.rdstagflow.core.spi.ErrorClassification;
import io.rdstagflow.core.spi.ErrorClassification.Kind;
import io.rdstagflow.core.RdsInstance;
import io.rdstagflow.testkit.FakeRds;
import io.rdstagflow.testkit.LifecycleTimings;
import io.rdstagflow.testkit.VirtualClock;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.RdsException;

/** The gateway reads everything from one describe and sorts SDK errors for the engine. */
class SdkRdsGatewayTest {

  @RegisterExtension
  final LogCapture logs = new LogCapture();

  private final VirtualClock clock = VirtualClock.create();
  private final FakeRds rds = FakeRds.builder().clock(clock).timings(LifecycleTimings.defaults()).build();
  private final SdkRdsGateway gateway = new SdkRdsGateway(rds);

  @Test
  void oneDescribeGivesStatusPendingChangesParameterGroupsEndpointArnAndTags() {
    // The instance runs the fake's default PostgreSQL 16: a group must be of its family.
    rds.createDBParameterGroup(r -> r.dbParameterGroupName("pg-b").dbParameterGroupFamily("postgres16").description("b"));
    rds.givenInstance(r -> r.dbInstanceIdentifier("db-1").engine("postgres").dbInstanceClass("db.t3.micro")
        .allocatedStorage(100).masterUsername("master").masterUserPassword("initial-pw-1"));
    rds.addTagsToResource(r -> r.resourceName(rds.instanceArn("db-1"))
        .tags(t -> t.key("team").value("payments"), t -> t.key("tagflow:flow").value("x")));
    rds.modifyDBInstance(r -> r.dbInstanceIdentifier("db-1").dbInstanceClass("db.m5.large").dbParameterGroupName("pg-b")
        .applyImmediately(true));
    long before = rds.calls().count("DescribeDBInstances");

    RdsInstance db = gateway.describe("db-1").orElseThrow();

    assertThat(rds.calls().count("DescribeDBInstances")).isEqualTo(before + 1);
    assertThat(db.status()).isEqualTo("modifying");
    assertThat(db.pendingModifications()).contains("DBInstanceClass");
    assertThat(db.parameterGroups()).extracting(RdsInstance.ParameterGroup::name).contains("pg-b");
    assertThat(db.arn()).isEqualTo(rds.instanceArn("db-1"));
    assertThat(db.tags()).containsExactly(Map.entry("team", "payments"), Map.entry("tagflow:flow", "x"));
    assertThat(db.endpoint()).isPresent();
    assertThat(db.engine()).contains("postgres");
    assertThat(db.masterUsername()).contains("master");
    assertThat(db.allocatedStorageGib()).hasValue(100);
    assertThat(db.detail(DBInstance.class)).isPresent();
    clock.advance(Duration.ofMinutes(4));
    RdsInstance later = gateway.describe("db-1").orElseThrow();
    assertThat(later.isSettled()).isTrue();
    assertThat(later.isPendingReboot()).isTrue();
  }

  @Test
  void missingInstanceIsEmptyNotAnError() {
    assertThat(gateway.describe("nope")).isEmpty();
  }

  @Test
  void tagsAreWrittenAndRemovedByArnInOneCallEach() {
    rds.givenInstance(r -> r.dbInstanceIdentifier("db-1").engine("postgres").dbInstanceClass("db.t3.micro")
        .allocatedStorage(20).masterUsername("master").masterUserPassword("initial-pw-1"));
    RdsInstance db = gateway.describe("db-1").orElseThrow();
    var mark = rds.calls().mark();

    gateway.addTags(db, Map.of("tagflow:a", "1", "tagflow:b", "2"));
    gateway.removeTags(db, List.of("tagflow:a"));

    assertThat(rds.calls().since(mark)).extracting(c -> c.operation())
        .containsExactly("AddTagsToResource", "RemoveTagsFromResource");
    assertThat(gateway.describe("db-1").orElseThrow().tags()).containsOnly(Map.entry("tagflow:b", "2"));
  }

  @Test
  void throttlingFromTheServiceIsTransient() {
    rds.faults().throttleNext(1);

    Throwable thrown = catchThrowable(() -> gateway.describe("db-1"));

    ErrorClassification c = gateway.classify(thrown);
    assertThat(c.kind()).isEqualTo(Kind.TRANSIENT);
    assertThat(c.code()).startsWith("Throttling");
  }

  @Test
  void serverErrorsAndInvalidStateAreTransientNotFoundIsNotFoundTheRestPermanentWithTheirCode() {
    assertThat(gateway.classify(service("InternalFailure", 500)).kind()).isEqualTo(Kind.TRANSIENT);
    assertThat(gateway.classify(service("ServiceUnavailable", 503)).kind()).isEqualTo(Kind.TRANSIENT);
    assertThat(gateway.classify(service("InvalidDBInstanceState", 400)).kind()).isEqualTo(Kind.TRANSIENT);
    assertThat(gateway.classify(service("DBInstanceNotFound", 404)).kind()).isEqualTo(Kind.NOT_FOUND);

    ErrorClassification denied = gateway.classify(service("AccessDenied", 403));

    assertThat(denied).isEqualTo(ErrorClassification.permanent("AccessDenied"));
  }

  @Test
  void theRequestIdGoesToTheLogLineNotToTheCodeEndUsersSee() {
    ErrorClassification refused = gateway.classify(service("InvalidParameterCombination", 400));
    ErrorClassification throttled = gateway.classify(service("Throttling", 400));

    assertThat(refused).isEqualTo(ErrorClassification.permanent("InvalidParameterCombination"));
    assertThat(throttled.code()).isEqualTo("Throttling");
    assertThat(refused.code() + throttled.code()).doesNotContain("req-123").doesNotContain("request");
    assertThat(logs.lines()).anySatisfy(l -> assertThat(l).startsWith("WARN")
        .contains("InvalidParameterCombination").contains("HTTP 400").contains("request id req-123"));
    assertThat(logs.lines()).anySatisfy(l -> assertThat(l).startsWith("INFO")
        .contains("Throttling").contains("request id req-123"));
    assertThat(logs.lines()).noneSatisfy(l -> assertThat(l).contains("message that may echo input"));
  }

  @Test
  void aServerErrorWithoutAnErrorCodeIsNamedByItsHttpStatus() {
    RdsException bare = (RdsException) RdsException.builder().message("upstream said no").statusCode(502)
        .requestId("req-456").build();

    assertThat(gateway.classify(bare)).isEqualTo(ErrorClassification.transientError("HTTP 502"));
    assertThat(logs.lines()).anySatisfy(l -> assertThat(l).contains("HTTP 502").contains("request id req-456"));
  }

  @Test
  void aPermanentErrorFromFakeRdsFailsTheStepWithTheAwsCodeAlone() {
    rds.givenInstance(r -> r.dbInstanceIdentifier("db-1").engine("postgres").dbInstanceClass("db.t3.micro")
        .allocatedStorage(20).masterUsername("master").masterUserPassword("initial-pw-1"));
    rds.faults().failNext("ModifyDBInstance", "InvalidParameterCombination");

    Throwable thrown = catchThrowable(() -> rds.modifyDBInstance(r -> r.dbInstanceIdentifier("db-1").backupRetentionPeriod(3)));

    assertThat(gateway.classify(thrown)).isEqualTo(ErrorClassification.permanent("InvalidParameterCombination"));
    assertThat(logs.lines()).anySatisfy(l -> assertThat(l).contains("request id "));
  }

  @Test
  void clientSideIoFailuresAndTimeoutsAreTransientOtherClientErrorsPermanent() {
    SdkClientException io = SdkClientException.builder().message("Unable to execute HTTP request")
        .cause(new IOException("connection reset")).build();
    assertThat(gateway.classify(io).kind()).isEqualTo(Kind.TRANSIENT);
    assertThat(gateway.classify(ApiCallTimeoutException.create(1000)).kind()).isEqualTo(Kind.TRANSIENT);
    assertThat(gateway.classify(SdkClientException.create("Unable to load credentials")).kind())
        .isEqualTo(Kind.PERMANENT);
  }

  @Test
  void aWrappedSdkExceptionFromAStepIsClassifiedByWhatItWrapsAndOthersByClassName() {
    RuntimeException wrapped = new IllegalStateException("step failed", service("Throttling", 400));

    assertThat(gateway.classify(wrapped).kind()).isEqualTo(Kind.TRANSIENT);
    assertThat(gateway.classify(new IllegalArgumentException("secret-in-message")))
        .isEqualTo(ErrorClassification.permanent("IllegalArgumentException"));
  }

  private static RdsException service(String code, int status) {
    return (RdsException) RdsException.builder().message("message that may echo input")
        .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).serviceName("Rds").build())
        .statusCode(status).requestId("req-123").build();
  }
}
