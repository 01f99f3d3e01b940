package io.rdstagflow.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.rdstagflow.core.FlowListener;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Several listeners heard as one: in order, and one that throws does not silence the others. */
class CompositeFlowListenerTest {

  @Test
  void everyListenerHearsEachEventInOrderEvenAfterOneThrew() {
    List<String> heard = new ArrayList<>();
    FlowListener throwing = new FlowListener() {
      @Override
      public void stepDone(String instanceId, String flowName, String stepName) {
        heard.add("first " + stepName);
        throw new IllegalStateException("a listener's bug");
      }
    };
    FlowListener recording = new FlowListener() {
      @Override
      public void stepDone(String instanceId, String flowName, String stepName) {
        heard.add("second " + stepName);
      }

      @Override
      public void flowFailed(String instanceId, String flowName, String description) {
        heard.add("second failed: " + description);
      }
    };
    CompositeFlowListener both = new CompositeFlowListener(List.of(throwing, recording));

    both.stepDone("svc-1", "restore-from-snapshot", "settings");
    both.flowFailed("svc-1", "restore-from-snapshot", "step users failed: SQLState 28P01");

    assertThat(heard).containsExactly("first settings", "second settings",
        "second failed: step users failed: SQLState 28P01");
    assertThat(both.listeners()).containsExactly(throwing, recording);
  }
}
