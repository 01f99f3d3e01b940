package io.rdstagflow.spring;

import io.rdstagflow.core.TagStateMachine;

/**
 * Engine settings made in code, applied after the {@code rdstagflow.*} properties: the clock,
 * the sleeper, a status policy of your own. Every bean of this type is applied, in
 * {@link org.springframework.core.annotation.Order} order. For the engine's events define
 * {@link io.rdstagflow.core.FlowListener} beans instead of setting a listener here: a listener set
 * here replaces theirs and the starter's meters.
 *
 * <pre>{@code
 * @Bean
 * RdsTagflowCustomizer virtualTime(VirtualClock clock) {
 *   return engine -> engine.clock(clock).sleeper(clock::advance);
 * }
 * }</pre>
 */
@FunctionalInterface
public interface RdsTagflowCustomizer {

  /** Changes the engine's settings before it is built. */
  void customize(TagStateMachine.Builder engine);
}
