package io.rdstagflow.core.internal;

import java.util.function.Supplier;

/**
 * What the RDS calls made on this thread are to the engine's {@code ApiBudget}, so that an SDK
 * interceptor charging every call of the broker's client neither charges the engine's own calls a
 * second time nor makes a step's calls wait behind polls.
 */
public enum CallScope {
  /** Not inside the engine: the call waits its turn like any other. */
  OUTSIDE,
  /**
   * Inside a poll that has described its instance and paid ahead for its work: the call spends
   * that, then goes first.
   */
  POLL,
  /** The engine's own call, already charged by the engine. */
  ENGINE;

  private static final ThreadLocal<CallScope> CURRENT = ThreadLocal.withInitial(() -> OUTSIDE);

  /** The scope of this thread now. */
  public static CallScope current() {
    return CURRENT.get();
  }

  /** Runs {@code work} in this scope, then restores the one before. */
  public <T> T run(Supplier<T> work) {
    CallScope before = CURRENT.get();
    CURRENT.set(this);
    try {
      return work.get();
    } finally {
      CURRENT.set(before);
    }
  }
}
