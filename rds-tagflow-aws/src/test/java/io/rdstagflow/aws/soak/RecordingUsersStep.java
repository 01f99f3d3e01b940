package io.rdstagflow.aws.soak;

import io.rdstagflow.aws.PasswordSource;
import io.rdstagflow.aws.users.BoundUsersStep;
import io.rdstagflow.core.StepContext;
import io.rdstagflow.core.StepResult;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A bound-users step that resets nothing but records each time it would have: the soak's witness of
 * when, by which broker process and on what view of the instance the last step of the flow ran.
 * It derives each bound user's password exactly as a real one would (so the soak can prove those
 * passwords reach no tag, log or message) and drops it at once.
 *
 * <p>While the instance "comes up", it answers {@code waiting} a set number of times per flow, as
 * the JDBC step does while connections are refused.
 */
final class RecordingUsersStep implements BoundUsersStep {

  /** What the step saw when it ran; {@code done} tells an execution from a waiting run. */
  record Run(String status, boolean pendingReboot, boolean settled, boolean done) {}

  static final List<String> BOUND_USERS = List.of("app_reader", "app_writer");

  private final String process;
  private final PasswordSource passwords;
  private final WaitBudget waits;
  private final Consumer<Run> recorder;
  private final BooleanSupplier reachable;

  /** How many more runs answer {@code waiting}; shared by the flow's steps in every process. */
  static final class WaitBudget {
    private int remaining;

    WaitBudget(int remaining) {
      this.remaining = remaining;
    }
  }

  /** A step whose database is always reachable. */
  RecordingUsersStep(String process, PasswordSource passwords, WaitBudget waits, Consumer<Run> recorder) {
    this(process, passwords, waits, recorder, () -> true);
  }

  /**
   * @param reachable whether the database truly accepts connections now (it does not while RDS
   *     reboots it), whatever the poll's describe says: a JDBC step connects to the real server
   */
  RecordingUsersStep(String process, PasswordSource passwords, WaitBudget waits, Consumer<Run> recorder,
      BooleanSupplier reachable) {
    this.reachable = Objects.requireNonNull(reachable);
    this.process = Objects.requireNonNull(process);
    this.passwords = Objects.requireNonNull(passwords);
    this.waits = Objects.requireNonNull(waits);
    this.recorder = Objects.requireNonNull(recorder);
  }

  @Override
  public String name() {
    return DEFAULT_NAME;
  }

  @Override
  public StepResult run(StepContext context) {
    boolean pendingReboot = context.instance().isPendingReboot();
    boolean settled = context.instance().isSettled();
    if (!reachable.getAsBoolean()) {
      recorder.accept(new Run(context.instance().status(), pendingReboot, settled, false));
      return StepResult.waiting("connection refused (SQLState 08001): the database is rebooting");
    }
    if (waits.remaining > 0) {
      waits.remaining--;
      recorder.accept(new Run(context.instance().status(), pendingReboot, settled, false));
      return StepResult.waiting("connection refused (SQLState 08001)");
    }
    for (String user : BOUND_USERS) {
      // Derived and dropped, as a real reset would send it to the database and forget it.
      if (passwords.password(context.instanceId(), user).isEmpty()) {
        return StepResult.failed("empty password for " + user);
      }
    }
    recorder.accept(new Run(context.instance().status(), pendingReboot, settled, true));
    return StepResult.done();
  }

  @Override
  public String toString() {
    return "RecordingUsersStep[" + name() + " in " + process + ", users " + BOUND_USERS + "]";
  }
}
