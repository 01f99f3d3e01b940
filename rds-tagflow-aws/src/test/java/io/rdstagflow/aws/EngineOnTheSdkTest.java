package io.rdstagflow.aws;

import static io.rdstagflow.aws.RestoreFixture.ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rdstagflow.core.ClaimPolicy;
import io.rdstagflow.core.Flow;
import io.rdstagflow.core.FlowListener;
import io.rdstagflow.core.FlowStart;
import io.rdstagflow.core.InvalidFlowParameterException;
import io.rdstagflow.core.OperationToken;
import io.rdstagflow.core.Step;
import io.rdstagflow.core.StepContext;
import io.rdstagflow.core.StepResult;
import io.rdstagflow.core.TagLimitException;
import io.rdstagflow.core.TagStateMachine;
import io.rdstagflow.testkit.RecordedCall;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.RdsException;
import software.amazon.awssdk.services.rds.model.Tag;

/**
 * Engine v2's promises that need the SDK gateway, the ready flows or {@code RdsStarter}, on the test
 * kit's fake RDS (issue 9, items 12 and 15, and "the record of an accepted action is worth a
 * retry"). Their reproductions failed on version 1: docs/reproductions/v1.
 */
class EngineOnTheSdkTest {

  private final RestoreFixture f = new RestoreFixture();

  /** A client over the fake whose calls {@code around} may answer or refuse instead. */
  interface Around {
    Object call(String operation, Object[] args, Invoker next) throws Throwable;
  }

  interface Invoker {
    Object proceed() throws Throwable;
  }

  private static RdsClient wrap(RdsClient delegate, Around around) {
    return (RdsClient) Proxy.newProxyInstance(RdsClient.class.getClassLoader(), new Class<?>[] {RdsClient.class},
        (proxy, method, args) -> around.call(method.getName(), args, () -> {
          try {
            return method.invoke(delegate, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        }));
  }

  private static RdsException throttling() {
    return (RdsException) RdsException.builder().statusCode(400).message("Rate exceeded")
        .awsErrorDetails(AwsErrorDetails.builder().errorCode("Throttling").errorMessage("Rate exceeded")
            .serviceName("Rds").build())
        .build();
  }

  private static Step done(String name) {
    return new Step() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public StepResult run(StepContext context) {
        return StepResult.done();
      }
    };
  }

  @Test
  void item12_row52_aStartWithAClaimPolicyWhoseRequestAndFlowTagsLeaveNoRoomForTheLeaseIsRefusedUpFront() {
    Flow three = Flow.builder("three").step(done("a")).step(done("b")).step(done("c")).build();
    TagStateMachine engine = TagStateMachine.builder(new SdkRdsGateway(f.rds)).flow(three).clock(f.clock)
        .claimPolicy(ClaimPolicy.lease(Duration.ofMinutes(2))).ownerId("broker-a").build();
    FlowStart start = engine.startTags("svc-x", "three", Map.of());
    assertThat(start.tags()).hasSize(4);
    List<Tag> request = new ArrayList<>();
    for (int i = 0; i < 46; i++) {
      request.add(Tag.builder().key("k" + i).value("v").build());
    }

    assertThatThrownBy(() -> new RdsStarter(f.rds, engine).restoreFromSnapshot("three", Map.of(),
        r -> r.dbInstanceIdentifier("svc-x").dbSnapshotIdentifier("nightly").dbInstanceClass("db.t3.micro")
            .tags(request)))
        .isInstanceOf(TagLimitException.class);
    assertThat(f.rds.calls().count("RestoreDBInstanceFromDBSnapshot")).isZero();
  }

  @Test
  void item12_row53_flowStartedDoesNotFireForAStartRdsRefused() {
    List<String> events = new CopyOnWriteArrayList<>();
    TagStateMachine engine = TagStateMachine.builder(new SdkRdsGateway(f.rds)).flow(f.flow).clock(f.clock)
        .listener(new FlowListener() {
          @Override
          public void flowStarted(String instanceId, String flowName) {
            events.add("flowStarted " + flowName);
          }
        }).build();

    assertThatThrownBy(() -> new RdsStarter(f.rds, engine).restoreFromSnapshot(ReadyFlows.RESTORE_FROM_SNAPSHOT,
        Map.of("snapshot", "missing"),
        r -> r.dbInstanceIdentifier(ID).dbSnapshotIdentifier("missing").dbInstanceClass("db.t3.micro")))
        .isInstanceOf(RdsException.class);
    assertThat(events).as("listener events for a restore RDS refused").isEmpty();
  }

  @Test
  void item15_aValueBeginningWithAwsInAnyCaseIsAClearInvalidFlowParameterExceptionNotAnRdsCallException() {
    f.rds.givenInstance(r -> r.dbInstanceIdentifier("db-1").engine("postgres").engineVersion("15.4")
        .dbInstanceClass("db.t3.micro").allocatedStorage(20).masterUsername("master")
        .masterUserPassword("initial-pw-1"));
    Flow update = ReadyFlows.updatePlan(f.rds, (ctx, b) -> b.dbInstanceClass(ctx.parameter("class")));
    TagStateMachine engine = TagStateMachine.builder(new SdkRdsGateway(f.rds)).flow(update).clock(f.clock).build();

    assertThatThrownBy(() -> engine.begin("db-1", ReadyFlows.UPDATE_PLAN, Map.of("class", "AWS:db.t3.large")))
        .isInstanceOf(InvalidFlowParameterException.class);
  }

  @Test
  void recordOfAnAcceptedModifyIsRetriedSoTheModifyIsAcceptedOnceWhenEveryThirdCallIsThrottled() {
    AtomicInteger calls = new AtomicInteger();
    AtomicInteger modifiesTried = new AtomicInteger();
    RdsClient throttled = wrap(f.rds, (op, args, next) -> {
      if (op.equals("modifyDBInstance")) {
        modifiesTried.incrementAndGet();
      }
      if (calls.incrementAndGet() % 3 == 0) {
        throw throttling();
      }
      return next.proceed();
    });
    Flow flow = ReadyFlows.restoreFromSnapshot(throttled)
        .settings(b -> b.dbParameterGroupName("pg-custom").backupRetentionPeriod(7))
        .masterPassword(f.passwords).build();
    TagStateMachine engine = TagStateMachine.builder(new SdkRdsGateway(throttled)).flow(flow).clock(f.clock)
        .settleTime(Duration.ofSeconds(30)).ownerId("broker-a").sleeper(f.clock::advance).build();
    OperationToken token = f.restore(engine); // the restore request itself is not throttled

    List<String> answers = new ArrayList<>();
    for (int poll = 0; poll < 40; poll++) {
      answers.add(engine.poll(ID, token).toString());
      f.clock.advance(Duration.ofSeconds(60));
    }
    List<RecordedCall> modifies = f.rds.calls().all().stream()
        .filter(c -> c.operation().equals("ModifyDBInstance")).toList();
    long accepted = modifies.stream().filter(c -> !c.threw()).count();
    assertThat(answers).anyMatch(a -> a.contains("state=SUCCEEDED"));
    assertThat(accepted)
        .as("ModifyDBInstance accepted by RDS in 40 polls (%d sent, %d reached the fake: %s)", modifiesTried.get(),
            modifies.size(), modifies)
        .isEqualTo(1);
  }
}
