package io.rdstagflow.spring.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.rdstagflow.core.ApiBudget;
import io.rdstagflow.core.TagStateMachine;
import java.util.Objects;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * The engine's API budget as meters, bound once the application's beans are ready:
 * {@code rdstagflow.api.budget.rate} (the calls a second the budget allows itself now; it falls
 * when RDS throttles and climbs back), {@code rdstagflow.api.budget.max.rate} (the configured rate)
 * and {@code rdstagflow.api.throttles} (throttling answers from RDS, a counter).
 */
public final class ApiBudgetMeters implements SmartInitializingSingleton {

  private final MeterRegistry registry;
  private final ObjectProvider<TagStateMachine> engine;

  /** Meters in this registry for the engine's budget, when there is one engine. */
  public ApiBudgetMeters(MeterRegistry registry, ObjectProvider<TagStateMachine> engine) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.engine = Objects.requireNonNull(engine, "engine");
  }

  @Override
  public void afterSingletonsInstantiated() {
    TagStateMachine e = engine.getIfUnique();
    if (e == null) {
      return;
    }
    ApiBudget budget = e.apiBudget();
    Gauge.builder("rdstagflow.api.budget.rate", budget, ApiBudget::rate).baseUnit("calls/s")
        .description("the RDS calls a second the engine's API budget allows itself now").register(registry);
    Gauge.builder("rdstagflow.api.budget.max.rate", budget, ApiBudget::maxRate).baseUnit("calls/s")
        .description("the RDS calls a second the engine's API budget is configured with").register(registry);
    FunctionCounter.builder("rdstagflow.api.throttles", budget, ApiBudget::throttles)
        .description("throttling answers from RDS the engine's API budget was told of").register(registry);
  }
}
