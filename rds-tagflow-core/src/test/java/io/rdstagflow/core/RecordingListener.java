package io.rdstagflow.core;

import java.util.ArrayList;
import java.util.List;

/** Records the engine's events as short strings, such as {@code stepDone users}. */
final class RecordingListener implements FlowListener {

  final List<String> events = new ArrayList<>();

  @Override
  public synchronized void flowStarted(String instanceId, String flowName) {
    events.add("flowStarted " + flowName);
  }

  @Override
  public synchronized void stepStarted(String instanceId, String flowName, String stepName, int attempt) {
    events.add("stepStarted " + stepName);
  }

  @Override
  public synchronized void stepDone(String instanceId, String flowName, String stepName) {
    events.add("stepDone " + stepName);
  }

  @Override
  public synchronized void stepRetried(String instanceId, String flowName, String stepName, int attempt, String reason) {
    events.add("stepRetried " + stepName + " " + attempt);
  }

  @Override
  public synchronized void stepFailed(String instanceId, String flowName, String stepName, String reason) {
    events.add("stepFailed " + stepName);
  }

  @Override
  public synchronized void flowSucceeded(String instanceId, String flowName) {
    events.add("flowSucceeded " + flowName);
  }

  @Override
  public synchronized void flowFailed(String instanceId, String flowName, String description) {
    events.add("flowFailed " + flowName);
  }
}
