package io.rdstagflow.spring;

import io.micrometer.observation.ObservationRegistry;
import io.rdstagflow.aws.RdsStarter;
import io.rdstagflow.aws.RdsTagflow;
import io.rdstagflow.aws.osb.LastOperation;
import io.rdstagflow.core.ClaimPolicy;
import io.rdstagflow.core.Flow;
import io.rdstagflow.core.FlowListener;
import io.rdstagflow.core.StatusPolicy;
import io.rdstagflow.core.TagStateMachine;
import io.rdstagflow.spring.internal.ObservedStep;
import java.util.List;
import java.util.function.Consumer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import software.amazon.awssdk.services.rds.RdsClient;

/**
 * rds-tagflow for a Spring Boot broker: from the application's {@link RdsClient} bean and its
 * {@link Flow} beans, the {@link RdsTagflow} wiring (gateway, engine, starter on that one client),
 * the {@link TagStateMachine} and {@link RdsStarter} beans, and the OSB {@code last_operation}
 * answer ({@link LastOperation}, {@link ObservedLastOperation}). Engine settings come from
 * {@code rdstagflow.*} ({@link RdsTagflowProperties}), then from {@link RdsTagflowCustomizer} beans;
 * every {@link FlowListener} bean hears the engine's events. Each bean backs off when the
 * application defines one of its type (an application {@code TagStateMachine} or
 * {@code RdsTagflow} replaces the whole wiring). Off with {@code rdstagflow.enabled=false}.
 *
 * <p>Without an {@code RdsClient} bean, or without a {@code Flow} bean, the application fails to
 * start, saying which is missing and how to provide it.
 */
@AutoConfiguration
@ConditionalOnClass({RdsTagflow.class, RdsClient.class})
@ConditionalOnProperty(prefix = RdsTagflowProperties.PREFIX, name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(RdsTagflowProperties.class)
public class RdsTagflowAutoConfiguration {

  /** Created by Spring Boot. */
  public RdsTagflowAutoConfiguration() {
  }

  /** Where observations go: the application's {@link ObservationRegistry}, or nowhere. */
  @Bean
  @ConditionalOnMissingBean
  public RdsTagflowObservations rdsTagflowObservations(ObjectProvider<ObservationRegistry> registry) {
    return new RdsTagflowObservations(registry.getIfUnique(() -> ObservationRegistry.NOOP), false);
  }

  /** The one wiring: gateway, engine and starter on the application's client. */
  @Bean
  @ConditionalOnMissingBean({RdsTagflow.class, TagStateMachine.class})
  public RdsTagflow rdsTagflow(ObjectProvider<RdsClient> rds, ObjectProvider<Flow> flows,
      RdsTagflowProperties properties, ObjectProvider<FlowListener> listeners,
      ObjectProvider<RdsTagflowCustomizer> customizers, RdsTagflowObservations observations) {
    List<Flow> given = flows.orderedStream().toList();
    if (given.isEmpty()) {
      throw new RdsTagflowConfigurationException("no Flow bean: the engine has no flow to run",
          "Define at least one bean of type io.rdstagflow.core.Flow, for example @Bean Flow restore(RdsClient rds)"
              + " { return ReadyFlows.using(rds).restoreFromSnapshot().masterPassword(passwords).build(); },"
              + " or set rdstagflow.enabled=false.");
    }
    RdsTagflow.Builder b = RdsTagflow.builder(client(rds));
    for (Flow flow : given) {
      b.flow(observations.observesSteps() ? ObservedStep.observed(flow, observations.registry()) : flow);
    }
    b.engine(engine -> applyProperties(properties, engine));
    List<FlowListener> all = listeners.orderedStream().toList();
    if (!all.isEmpty()) {
      b.engine(engine -> engine.listener(all.size() == 1 ? all.get(0) : new CompositeFlowListener(all)));
    }
    customizers.orderedStream().forEach(c -> b.engine(c::customize));
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new RdsTagflowConfigurationException("the engine cannot be built: " + e.getMessage(),
          "Give every flow a distinct name and version (a changed list of steps needs a new version), and keep"
              + " step names short enough for the tag prefix.", e);
    }
  }

  /** The engine: polls, {@code begin}, the operator actions. */
  @Bean
  @ConditionalOnMissingBean
  public TagStateMachine tagStateMachine(RdsTagflow rdsTagflow) {
    return rdsTagflow.engine();
  }

  /** The starter of restores, creates and deletions, on the same client and engine. */
  @Bean
  @ConditionalOnMissingBean
  public RdsStarter rdsStarter(TagStateMachine engine, ObjectProvider<RdsTagflow> rdsTagflow,
      ObjectProvider<RdsClient> rds) {
    RdsTagflow wiring = rdsTagflow.getIfUnique();
    if (wiring != null && wiring.engine() == engine) {
      return wiring.starter();
    }
    return new RdsStarter(client(rds), engine);
  }

  /** The OSB last_operation answer, framework-free. */
  @Bean
  @ConditionalOnMissingBean
  public LastOperation lastOperation(TagStateMachine engine, RdsTagflowProperties properties) {
    return LastOperation.builder(engine).updateFlows(properties.getOsb().getUpdateFlows()).build();
  }

  /** The OSB last_operation answer, observed. */
  @Bean
  @ConditionalOnMissingBean
  public ObservedLastOperation observedLastOperation(LastOperation lastOperation,
      RdsTagflowObservations observations) {
    return new ObservedLastOperation(lastOperation, observations);
  }

  private static RdsClient client(ObjectProvider<RdsClient> rds) {
    long count = rds.stream().count();
    if (count == 0) {
      throw new RdsTagflowConfigurationException("no RdsClient bean: rds-tagflow calls RDS through the"
          + " application's own client", "Define a bean of type software.amazon.awssdk.services.rds.RdsClient"
          + " (built with your HTTP client, region and credentials; the test kit's FakeRds in tests), or set"
          + " rdstagflow.enabled=false.");
    }
    RdsClient client = rds.getIfUnique();
    if (client == null) {
      throw new RdsTagflowConfigurationException(count + " RdsClient beans and none of them @Primary",
          "Mark the RdsClient rds-tagflow should use @Primary.");
    }
    return client;
  }

  static void applyProperties(RdsTagflowProperties p, TagStateMachine.Builder engine) {
    set("tag-prefix", p.getTagPrefix(), engine::tagPrefix);
    set("settle-time", p.getSettleTime(), engine::settleTime);
    set("poll-budget", p.getPollBudget(), engine::pollBudget);
    set("clock-skew", p.getClockSkew(), engine::clockSkew);
    set("transient-retry-after", p.getTransientRetryAfter(), engine::transientRetryAfter);
    set("owner-id", p.getOwnerId(), engine::ownerId);
    set("claim-lease", p.getClaimLease(), d -> engine.claimPolicy(ClaimPolicy.lease(d)));
    set("api-budget", p.getApiBudget(), b -> engine.apiBudget(b.getRate(), b.getBurst()));
    set("coalescing-window", p.getCoalescingWindow(), engine::coalesceDescribes);
    RdsTagflowProperties.StatusPolicy s = p.getStatusPolicy();
    if (!s.getBroken().isEmpty() || !s.getBusy().isEmpty() || !s.getUsable().isEmpty()) {
      set("status-policy", s, given -> {
        StatusPolicy policy = StatusPolicy.defaults()
            .withBroken(given.getBroken().toArray(String[]::new))
            .withBusy(given.getBusy().toArray(String[]::new))
            .withUsable(given.getUsable().toArray(String[]::new));
        engine.statusPolicy(policy);
      });
    }
  }

  private static <T> void set(String property, T value, Consumer<T> setter) {
    if (value == null) {
      return;
    }
    try {
      setter.accept(value);
    } catch (IllegalArgumentException e) {
      throw new RdsTagflowConfigurationException(RdsTagflowProperties.PREFIX + "." + property + " is not usable: "
          + e.getMessage(), "Change " + RdsTagflowProperties.PREFIX + "." + property + " as the message says.", e);
    }
  }
}
