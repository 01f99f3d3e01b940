package io.rdstagflow.core;

import io.rdstagflow.core.spi.RdsGateway;
import java.util.Set;

/**
 * One unit of work of a {@link Flow}: for example "modify the instance's settings" or "reboot if a
 * parameter group waits for it".
 *
 * <h2>The step contract: at least once, so idempotent</h2>
 *
 * <p>The engine performs a step's action first and records it in the instance's tags after. A
 * broker that dies between the two, a tag write that fails, or two broker replicas polling the same
 * instance at once all lead to the action being performed <em>again</em>. Tags have no
 * compare-and-set, so the engine cannot prevent it; it only makes it rare (and rarer still with
 * {@link ClaimPolicy#lease}). Every step must therefore be <b>idempotent</b>: running it twice must
 * give the same end state as running it once. A modify to the same target values, a password
 * derived deterministically from the instance and the user, a reboot only while a reboot is
 * pending: all are. A step must also be safe to call from several threads at once for different
 * instances.
 *
 * <p>A step is called only when the instance has settled: a usable status ({@code available},
 * {@code storage-optimization}, or one the step {@link #repairs}), no parameter group
 * {@code applying}, and no pending values within the settle time of the operation's start or last
 * accepted action (pending values still shown after it are changes deferred to the maintenance
 * window). It returns a {@link StepResult}. It may throw: the
 * engine asks the {@link RdsGateway} to classify the exception, so an SDK throttling error is
 * transient and a permanent one fails the step with its error code (never its message) as reason.
 * A step must not put a secret in a result's reason.
 */
public interface Step {

  /**
   * The step's stable name; it becomes part of a tag key, so it is short, lower-case and made of
   * {@code [a-z0-9-]}, and it must not change while flows that use it may be running.
   */
  String name();

  /**
   * Performs the step's action, or checks whether it can, on the instance as just described.
   *
   * @return what happened; see {@link StepResult}
   */
  StepResult run(StepContext context);

  /**
   * For a step that returned {@link StepResult#started()}: whether its asynchronous work is
   * complete, judged on the describe of the current poll. The engine asks only once the instance
   * has settled and the settle time has passed since the step started; the settle time is a floor,
   * not a proof (a describe can lag behind an accepted modify for longer). The default says
   * complete; a step that changes something a describe shows should check that it shows it, and
   * say what it still waits for when it does not (the poll's description shows the reason).
   */
  default Completion completion(StepContext context) {
    return Completion.complete();
  }

  /**
   * Instance statuses this step repairs, so it runs on them instead of the operation failing (a
   * storage increase runs on {@code storage-full}); none by default.
   */
  default Set<String> repairs() {
    return Set.of();
  }

  /**
   * The flow parameters this step reads with {@link StepContext#parameter(String)}: a start
   * without one of them is refused before anything is written. None by default.
   */
  default Set<String> requiredParameters() {
    return Set.of();
  }
}
