package io.rdstagflow.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.rdstagflow.core.Flow;
import io.rdstagflow.core.OperationStatus;
import io.rdstagflow.core.OperationStatus.State;
import io.rdstagflow.core.OperationToken;
import io.rdstagflow.core.TagStateMachine;
import io.rdstagflow.testkit.VirtualClock;
import io.rdstagflow.testkit.conformance.MotoServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.Tag;

/**
 * The restore-from-snapshot flow through the real SDK client, over HTTP, against moto_server: an
 * RDS API implementation nobody here wrote accepts every call the engine and the built-in steps make.
 * moto has no lifecycle (a restored instance is {@code available} at once, a modify applies at
 * once), so the engine's clock is virtual only to pass the settle time. Under {@code CI=true} a
 * missing moto_server fails; elsewhere the test is skipped with what to install.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MotoRestoreFlowTest {

  private static final String MISSING = MotoServer.MISSING;
  private static final String ID = "svc-moto-1";

  /** Counts the calls the SDK client makes, by operation name. */
  static final class CallCounter implements ExecutionInterceptor {
    final List<String> calls = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
      calls.add(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
    }
  }

  private MotoServer moto;
  private RdsClient rds;
  private final CallCounter counter = new CallCounter();

  @BeforeAll
  void startMoto() throws Exception {
    moto = MotoServer.startUnlessMissing().orElse(null);
    if (moto == null) {
      return; // each test is skipped with what to install
    }
    rds = RdsClient.builder()
        .endpointOverride(moto.endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(o -> o.addExecutionInterceptor(counter))
        .build();
  }

  @AfterAll
  void stopMoto() {
    if (rds != null) {
      rds.close();
    }
    if (moto != null) {
      moto.close();
    }
  }

  @BeforeEach
  void sourceSnapshotAndParameterGroup() throws Exception {
    Assumptions.assumeTrue(moto != null, MISSING);
    moto.reset();
    rds.createDBInstance(r -> r.dbInstanceIdentifier("source").engine("postgres").dbInstanceClass("db.t3.micro")
        .allocatedStorage(20).masterUsername("master").masterUserPassword("source-pw-123"));
    rds.createDBSnapshot(r -> r.dbInstanceIdentifier("source").dbSnapshotIdentifier("nightly"));
    rds.createDBParameterGroup(r -> r.dbParameterGroupName("pg-custom").dbParameterGroupFamily("postgres16")
        .description("the broker's parameters"));
    counter.calls.clear();
  }

  @Test
  void restoreFromSnapshotRunsToSucceededWithTheTagsAtEachStageAndTheTerminalRecordLeft() {
    VirtualClock clock = VirtualClock.create();
    DerivedPasswordSource passwords = DerivedPasswordSource.fromSeed("moto-test-seed-0123456789abcdef");
    Flow flow = ReadyFlows.restoreFromSnapshot(rds)
        .settings(b -> b.dbParameterGroupName("pg-custom").backupRetentionPeriod(3))
        .masterPassword(passwords)
        .build();
    TagStateMachine engine = TagStateMachine.builder(new SdkRdsGateway(rds)).flow(flow).clock(clock).build();

    OperationToken token = new RdsStarter(rds, engine).restoreFromSnapshot(ReadyFlows.RESTORE_FROM_SNAPSHOT,
        Map.of("snapshot", "nightly"),
        r -> r.dbInstanceIdentifier(ID).dbSnapshotIdentifier("nightly").dbInstanceClass("db.t3.micro")
            .tags(Tag.builder().key("team").value("payments").build()));

    assertThat(tags()).containsEntry("team", "payments").containsEntry("tagflow:step:settings", "seq=1 state=pending")
        .containsEntry("tagflow:flow", "v=2 name=restore-from-snapshot def=1 fp=" + flow.fingerprint() + " since="
            + token.since() + " state=running");
    counter.calls.clear();

    OperationStatus first = engine.poll(ID, token);

    assertThat(first.description()).isEqualTo("step settings started");
    assertThat(counter.calls).containsExactly("DescribeDBInstances", "ModifyDBInstance", "AddTagsToResource");
    assertThat(tags().get("tagflow:step:settings")).startsWith("seq=1 state=started since=");
    counter.calls.clear();

    clock.advance(Duration.ofSeconds(30));
    OperationStatus settling = engine.poll(ID, token);
    assertThat(settling.state()).isEqualTo(State.IN_PROGRESS);
    assertThat(counter.calls).containsExactly("DescribeDBInstances");
    counter.calls.clear();

    List<OperationStatus> answers = new ArrayList<>();
    for (int poll = 0; poll < 5 && (answers.isEmpty() || !answers.get(answers.size() - 1).isFinal()); poll++) {
      clock.advance(Duration.ofSeconds(60));
      answers.add(engine.poll(ID, token));
    }

    assertThat(answers.get(answers.size() - 1)).isEqualTo(OperationStatus.succeeded("flow restore-from-snapshot succeeded"));
    assertThat(tags()).containsEntry("team", "payments").hasEntrySatisfying("tagflow:flow",
        v -> assertThat(v).contains("state=succeeded ended="));
    assertThat(counter.calls).contains("AddTagsToResource").doesNotContain("ModifyDBInstance", "RemoveTagsFromResource");
    assertThat(rds.describeDBInstances(r -> r.dbInstanceIdentifier(ID)).dbInstances().get(0).backupRetentionPeriod())
        .isEqualTo(3);
  }

  @Test
  void deletionAnswersSucceededOnceMotoHasNoInstance() {
    VirtualClock clock = VirtualClock.create();
    Flow flow = ReadyFlows.updatePlan(rds, (ctx, b) -> b.backupRetentionPeriod(1));
    TagStateMachine engine = TagStateMachine.builder(new SdkRdsGateway(rds)).flow(flow).clock(clock).build();

    OperationToken deletion = new RdsStarter(rds, engine).delete("source", d -> d.skipFinalSnapshot(true));

    assertThat(engine.poll("source", deletion).state()).isEqualTo(State.SUCCEEDED);
  }

  @Test
  void planUpdateBegunOnAnExistingInstanceChangesItInOneModify() {
    VirtualClock clock = VirtualClock.create();
    Flow flow = ReadyFlows.updatePlan(rds, (ctx, b) -> b.dbInstanceClass(ctx.parameter("class")));
    TagStateMachine engine = TagStateMachine.builder(new SdkRdsGateway(rds)).flow(flow).clock(clock).build();

    OperationToken token = engine.begin("source", ReadyFlows.UPDATE_PLAN, Map.of("class", "db.m5.large"));
    engine.poll("source", token);
    clock.advance(Duration.ofMinutes(2));
    OperationStatus end = engine.poll("source", token);

    assertThat(end.state()).isEqualTo(State.SUCCEEDED);
    assertThat(rds.describeDBInstances(r -> r.dbInstanceIdentifier("source")).dbInstances().get(0).dbInstanceClass())
        .isEqualTo("db.m5.large");
    assertThat(counter.calls.stream().filter("ModifyDBInstance"::equals).count()).isEqualTo(1);
  }

  private Map<String, String> tags() {
    Map<String, String> tags = new LinkedHashMap<>();
    rds.listTagsForResource(r -> r.resourceName(
        rds.describeDBInstances(d -> d.dbInstanceIdentifier(ID)).dbInstances().get(0).dbInstanceArn()))
        .tagList().forEach(t -> tags.put(t.key(), t.value().replaceFirst("^op=\\S+ ", "")));
    return tags;
  }
}
