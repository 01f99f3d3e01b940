package com.example.broker;

import io.rdstagflow.core.Step;
import io.rdstagflow.core.StepContext;
import io.rdstagflow.core.StepResult;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A broker's own step: records which team owns the instance. Idempotent: a repeat adds nothing. */
public final class OwnerStep implements Step {
  private final Set<String> owners = ConcurrentHashMap.newKeySet();

  @Override
  public String name() {
    return "owner";
  }

  @Override
  public StepResult run(StepContext context) {
    owners.add(context.instanceId() + "=" + context.parameter("team"));
    return StepResult.done();
  }

  /** What the step has recorded, as {@code instance=team}. */
  public Set<String> owners() {
    return Set.copyOf(owners);
  }
}
