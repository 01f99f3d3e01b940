package io.rdstagflow.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rdstagflow.core.ApiBudget;
import io.rdstagflow.core.ApiBudgetExhaustedException;
import io.rdstagflow.core.Flow;
import io.rdstagflow.core.OperationStatus;
import io.rdstagflow.core.Step;
import io.rdstagflow.core.StepContext;
import io.rdstagflow.core.StepResult;
import io.rdstagflow.core.TagStateMachine;
import io.rdstagflow.core.spi.ErrorClassification;
import io.rdstagflow.testkit.VirtualClock;
import io.rdstagflow.testkit.conformance.MotoServer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsClient;

/**
 * The API budget on a real SDK client against moto, configured as the README's "Fleets" says:
 * the interceptor refuses a call outside a poll before it is sent when the budget is spent, does
 * not charge the engine's own calls twice, and lets a step's own calls inside a poll go first.
 * Under {@code CI=true} a missing moto_server fails; elsewhere the test is skipped with what to
 * install.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiBudgetOnTheSdkTest {

  private static final String ID = "svc-budget-1";

  /** Counts the requests that reach the wire. */
  static final class Transmissions implements ExecutionInterceptor {
    final AtomicInteger sent = new AtomicInteger();

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
      sent.incrementAndGet();
    }
  }

  private MotoServer moto;
  private RdsClient setup;
  private RdsClient rds;
  private final VirtualClock clock = VirtualClock.create();
  private final Transmissions wire = new Transmissions();
  private ApiBudget budget;

  @BeforeAll
  void startMoto() throws Exception {
    moto = MotoServer.startUnlessMissing().orElse(null);
    if (moto != null) {
      setup = client(null);
    }
  }

  @AfterAll
  void stopMoto() {
    if (setup != null) {
      setup.close();
    }
    if (moto != null) {
      moto.close();
    }
  }

  @BeforeEach
  void instance() throws Exception {
    Assumptions.assumeTrue(moto != null, MotoServer.MISSING);
    moto.reset();
    setup.createDBInstance(r -> r.dbInstanceIdentifier(ID).engine("postgres").dbInstanceClass("db.t3.micro")
        .allocatedStorage(20).masterUsername("master").masterUserPassword("budget-test-pw-1"));
  }

  @AfterEach
  void closeClient() {
    if (rds != null) {
      rds.close();
    }
  }

  @Test
  void aCallOutsideAPollWithNoTokenFailsBeforeItIsSentAndIsTransient() {
    budget = ApiBudget.perSecond(1, 2, clock);
    rds = client(budget);
    rds.describeDBInstances(r -> r.dbInstanceIdentifier(ID));
    rds.describeDBInstances(r -> r.dbInstanceIdentifier(ID));
    int sent = wire.sent.get();

    assertThatThrownBy(() -> rds.describeDBInstances(r -> r.dbInstanceIdentifier(ID)))
        .satisfies(e -> {
          assertThat(SdkRdsGateway.classifyError(e))
              .isEqualTo(ErrorClassification.transientError(ApiBudgetExhaustedException.CODE));
          assertThat(e).isInstanceOf(ApiBudgetExhaustedException.class); // the SDK passes it on as it is
        });
    assertThat(wire.sent.get()).isEqualTo(sent);
    clock.advance(Duration.ofSeconds(1));
    rds.describeDBInstances(r -> r.dbInstanceIdentifier(ID));
    assertThat(wire.sent.get()).isEqualTo(sent + 1);
  }

  @Test
  void theEnginesOwnCallsAreChargedOnceAndAStepsCallsInsideAPollGoFirst() {
    budget = ApiBudget.perSecond(0.01, 3, clock); // begin takes two, the poll's describe the last
    rds = client(budget);
    AtomicInteger stepCalls = new AtomicInteger();
    Flow flow = Flow.builder("look").step(new Step() {
      @Override
      public String name() {
        return "look";
      }

      @Override
      public StepResult run(StepContext context) {
        rds.describeDBInstances(r -> r.dbInstanceIdentifier(ID)); // the broker's own call, in the poll
        stepCalls.incrementAndGet();
        return StepResult.done();
      }
    }).build();
    // README: "Fleets"
    RdsTagflow tagflow = RdsTagflow.builder(rds)
        .flow(flow)
        .engine(b -> b.apiBudget(budget).coalesceDescribes(Duration.ofMillis(10)))
        .engine(b -> b.clock(clock))
        .build();
    // end of sample
    var token = tagflow.engine().begin(ID, flow, java.util.Map.of()); // begin's calls go first
    int sent = wire.sent.get();

    OperationStatus answer = tagflow.engine().poll(ID, token); // takes the one token, then goes first

    assertThat(answer.state()).isEqualTo(OperationStatus.State.SUCCEEDED);
    assertThat(stepCalls).hasValue(1);
    assertThat(wire.sent.get() - sent).isEqualTo(3); // describe, the step's describe, the terminal record
    assertThat(tagflow.engine().poll(ID, token).description()).isEqualTo("waiting for the engine's RDS API budget");
    assertThat(wire.sent.get() - sent).isEqualTo(3);
  }

  private RdsClient client(ApiBudget budget) {
    return RdsClient.builder()
        .endpointOverride(moto.endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(c -> {
          if (budget != null) {
            c.addExecutionInterceptor(new ApiBudgetInterceptor(budget));
          }
          c.addExecutionInterceptor(wire)
              .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(2).build());
        })
        .build();
  }
}
