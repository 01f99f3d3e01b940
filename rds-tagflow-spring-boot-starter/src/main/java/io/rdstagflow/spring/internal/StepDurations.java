package io.rdstagflow.spring.internal;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Hands the time from a step's first attempt to its end from the observed step (which knows when
 * it was first attempted) to the meter listener's {@code stepDone} (which the engine calls only once
 * the tag write recording it succeeded). Both run on the polling thread within one poll.
 */
public final class StepDurations {

  private static final ThreadLocal<Map<String, Duration>> PENDING = ThreadLocal.withInitial(HashMap::new);

  private StepDurations() {
  }

  /** The step ended now, {@code took} after its first attempt; heard by {@link #take} if its end is recorded. */
  public static void ended(String instanceId, String flow, String step, Duration took) {
    PENDING.get().put(key(instanceId, flow, step), took);
  }

  /** The duration {@link #ended} noted for this step on this thread, once; {@code null} if none. */
  public static Duration take(String instanceId, String flow, String step) {
    Map<String, Duration> m = PENDING.get();
    Duration d = m.remove(key(instanceId, flow, step));
    if (m.isEmpty()) {
      PENDING.remove();
    }
    return d;
  }

  private static String key(String instanceId, String flow, String step) {
    return instanceId + '\u0000' + flow + '\u0000' + step;
  }
}
