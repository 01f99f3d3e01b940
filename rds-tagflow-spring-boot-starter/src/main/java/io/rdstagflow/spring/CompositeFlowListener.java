package io.rdstagflow.spring;

import io.rdstagflow.core.FlowListener;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several {@link FlowListener}s heard as one: the engine takes one listener, and a broker may have
 * its own beside the starter's metrics. Each event goes to every listener in order; one that throws
 * is logged (its class only: reasons are not repeated) and the others still hear the event.
 * Thread-safe if the listeners are.
 */
public final class CompositeFlowListener implements FlowListener {

  private static final Logger log = LoggerFactory.getLogger(CompositeFlowListener.class);

  private final List<FlowListener> listeners;

  /** The listeners, in the order they hear each event. */
  public CompositeFlowListener(List<? extends FlowListener> listeners) {
    this.listeners = List.copyOf(Objects.requireNonNull(listeners, "listeners"));
  }

  /** The listeners, in order. */
  public List<FlowListener> listeners() {
    return listeners;
  }

  @Override
  public void flowStarted(String instanceId, String flowName) {
    each(l -> l.flowStarted(instanceId, flowName));
  }

  @Override
  public void stepStarted(String instanceId, String flowName, String stepName, int attempt) {
    each(l -> l.stepStarted(instanceId, flowName, stepName, attempt));
  }

  @Override
  public void stepDone(String instanceId, String flowName, String stepName) {
    each(l -> l.stepDone(instanceId, flowName, stepName));
  }

  @Override
  public void stepRetried(String instanceId, String flowName, String stepName, int attempt, String reason) {
    each(l -> l.stepRetried(instanceId, flowName, stepName, attempt, reason));
  }

  @Override
  public void stepFailed(String instanceId, String flowName, String stepName, String reason) {
    each(l -> l.stepFailed(instanceId, flowName, stepName, reason));
  }

  @Override
  public void flowSucceeded(String instanceId, String flowName) {
    each(l -> l.flowSucceeded(instanceId, flowName));
  }

  @Override
  public void flowFailed(String instanceId, String flowName, String description) {
    each(l -> l.flowFailed(instanceId, flowName, description));
  }

  private void each(Consumer<FlowListener> event) {
    for (FlowListener l : listeners) {
      try {
        event.accept(l);
      } catch (RuntimeException e) {
        log.warn("flow listener {} threw {}; the other listeners still hear the event", l.getClass().getName(),
            e.getClass().getName());
      }
    }
  }
}
