package io.rdstagflow.aws;

import io.rdstagflow.core.ApiBudget;
import java.util.Objects;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Charges every call of the broker's {@code RdsClient} to the engine's {@link ApiBudget}, so that
 * the calls of the broker's own steps, and its other RDS calls, share the one budget with the
 * engine's. Register it when building the client, and give the engine the same budget:
 *
 * <pre>{@code
 * ApiBudget budget = ApiBudget.perSecond(4, 20, Clock.systemUTC());
 * RdsClient rds = RdsClient.builder()
 *     .overrideConfiguration(c -> c.addExecutionInterceptor(new ApiBudgetInterceptor(budget)))
 *     .build();
 * RdsTagflow tagflow = RdsTagflow.builder(rds).engine(b -> b.apiBudget(budget))...
 * }</pre>
 *
 * <p>The engine's own calls are not charged twice (the engine charged them); a step's calls inside
 * a poll spend what the poll paid ahead for its work, then go first; any other call takes a token or fails before it is sent with an
 * {@link io.rdstagflow.core.ApiBudgetExhaustedException} (the SDK may wrap it; the gateway's
 * classification finds it and calls it transient). A throttling answer lowers the budget's rate.
 *
 * <p>The SDK's retries happen inside one execution, so a call and its retries are charged once;
 * the budget's own adaptation then does what the SDK's adaptive mode would, for the whole engine.
 * Keep the SDK's standard retry mode with few attempts (the README's fleet section says why).
 */
public final class ApiBudgetInterceptor implements ExecutionInterceptor {

  private static final ExecutionAttribute<Boolean> CHARGED = new ExecutionAttribute<>("rdstagflow.budget.charged");

  private final ApiBudget budget;

  /** An interceptor charging this budget. */
  public ApiBudgetInterceptor(ApiBudget budget) {
    this.budget = Objects.requireNonNull(budget, "budget");
  }

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    attributes.putAttribute(CHARGED, budget.chargeClientCall());
  }

  @Override
  public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
    if (Boolean.TRUE.equals(attributes.getAttribute(CHARGED))) {
      budget.succeeded();
    }
  }

  @Override
  public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
    if (Boolean.TRUE.equals(attributes.getAttribute(CHARGED))
        && context.exception() instanceof AwsServiceException e && e.isThrottlingException()) {
      budget.throttled();
    }
  }
}
