package io.rdstagflow.aws.explorer;

import io.rdstagflow.core.OperationStatus;
import io.rdstagflow.core.OperationToken;
import io.rdstagflow.testkit.FakeRds;
import io.rdstagflow.testkit.RecordedCall;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DBParameterGroupStatus;
import software.amazon.awssdk.services.rds.model.ModifyDbInstanceRequest;
import software.amazon.awssdk.services.rds.model.PendingModifiedValues;

/**
 * The library's one promise, judged from the truth: <b>a platform hears {@code succeeded} only
 * when every step of that operation happened, on that operation's instance state, and was seen
 * to have happened.</b> The truth is what the fake RDS applied (its call log, with each request as
 * sent), the instance as the fake holds it when the answer is given ({@link ChaosRds#truthNow()}),
 * and the runs of the synchronous steps with the instance as it truly was when they ran. Never the
 * tags: their encoding is the engine's business.
 *
 * <p>Also judged: failures where nothing was wrong ({@link #heardFailed}), an answer that changes
 * after it was final, a {@code begin} refused after the platform heard a final answer, and step
 * actions repeated within one operation (counted, not violations).
 */
public final class PromiseChecker {

  /** The ready flows the adversary drives. */
  public enum Kind { RESTORE, UPDATE }

  /** What the restore's settings step must leave: a parameter group (null: none) and a backup retention. */
  public record RestoreSpec(String parameterGroup, int backupRetention) {}

  /** One operation the platform started, as the platform knows it. */
  public static final class Operation {
    public final int index;
    public final Kind kind;
    public final OperationToken token;
    /** The true (virtual) time the platform asked for it. */
    public final Instant begunAt;
    /** For an update: the instance class it asks for. */
    public final String targetClass;
    /** For a restore begun under the flow definition with the extra step. */
    public final boolean extraStep;
    public OperationStatus finalAnswer;
    public Instant finalAt;
    /** When an operator aborted it (or removed its tags by hand), and whether its work was then all done. */
    public Instant abortedAt;
    public boolean workDoneAtAbort;
    /** When an operator edited one of its tags by hand (a failure naming a tag is then explained). */
    public Instant editedAt;
    /** Whether the platform already heard a wrong success for it (what follows is a consequence, not debris). */
    public boolean wrongSuccess;

    public Operation(int index, Kind kind, OperationToken token, Instant begunAt, String targetClass, boolean extraStep) {
      this.index = index;
      this.kind = kind;
      this.token = Objects.requireNonNull(token);
      this.begunAt = begunAt;
      this.targetClass = targetClass;
      this.extraStep = extraStep;
    }

    @Override
    public String toString() {
      return "op" + index + " " + kind.name().toLowerCase(java.util.Locale.ROOT)
          + (targetClass == null ? "" : "(" + targetClass + ")") + (extraStep ? "[extra step]" : "") + " begun " + begunAt;
    }
  }

  /** A synchronous step's run (users, or the extra step), with the instance as the fake held it then. */
  public record StepRun(String step, Instant at, DBInstance truth) {}

  private static final Pattern STEP = Pattern.compile("step ([a-z0-9-]+)");

  private final FakeRds fake;
  private final String instanceId;
  private final RestoreSpec restore;
  private final Duration flowDeadline;
  private final Duration stepDeadline;
  private final List<Operation> operations = new ArrayList<>();
  private final List<StepRun> runs = new ArrayList<>();
  private final List<String> violations = new ArrayList<>();
  private final Map<String, Integer> notes = new TreeMap<>();
  /** When the instance went to a bad status by a fault, if it did. */
  private Instant instanceFailedAt;

  public PromiseChecker(FakeRds fake, String instanceId, RestoreSpec restore, Duration flowDeadline,
      Duration stepDeadline) {
    this.fake = fake;
    this.instanceId = instanceId;
    this.restore = restore;
    this.flowDeadline = flowDeadline;
    this.stepDeadline = stepDeadline;
  }

  public Operation add(Kind kind, OperationToken token, Instant begunAt, String targetClass, boolean extraStep) {
    Operation op = new Operation(operations.size() + 1, kind, token, begunAt, targetClass, extraStep);
    operations.add(op);
    return op;
  }

  public List<Operation> operations() {
    return operations;
  }

  /** The operation a token names, or {@code null}. */
  public Operation of(OperationToken token) {
    for (int i = operations.size() - 1; i >= 0; i--) {
      if (operations.get(i).token.equals(token)) {
        return operations.get(i);
      }
    }
    return null;
  }

  public void stepRan(String step, Instant at, DBInstance truth) {
    runs.add(new StepRun(step, at, truth));
  }

  public void instanceFailed(Instant at) {
    instanceFailedAt = at;
  }

  public List<String> violations() {
    return violations;
  }

  /** Things counted that are not violations (repeats, explained failures), by kind. */
  public Map<String, Integer> notes() {
    return notes;
  }

  private void violate(String kind, Operation op, String sentence) {
    violations.add("[" + kind + "] " + op + ": " + sentence);
  }

  private void note(String kind) {
    notes.merge(kind, 1, Integer::sum);
  }

  /** The calls the fake applied for the instance, oldest first. */
  private List<RecordedCall> applied() {
    List<RecordedCall> out = new ArrayList<>();
    for (RecordedCall c : fake.calls().all()) {
      if (c.errorCode().isEmpty() && c.instanceId().map(instanceId::equals).orElse(false)) {
        out.add(c);
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ succeeded

  /**
   * The platform heard {@code succeeded} for {@code op} at {@code at}; {@code truth} is the
   * instance as the fake held it then.
   */
  public void heardSucceeded(Operation op, Instant at, DBInstance truth) {
    if (op == null) {
      return;
    }
    if (op.wrongSuccess) {
      note("succeeded again after a wrong success");
      return;
    }
    for (String[] p : workProblems(op, at, truth)) {
      violate("wrong success: " + p[0], op, p[1] + " (succeeded answered at " + at + ")");
      op.wrongSuccess = true;
    }
    if (op.abortedAt != null && !at.isBefore(op.abortedAt)) {
      if (op.workDoneAtAbort) {
        note("succeeded after an abort of finished work");
      } else if (!op.wrongSuccess) {
        // The work was truly done: a poll whose describe did not show the abort yet finished it
        // (tags have no compare-and-set). The promise holds; the abort was overtaken.
        note("abort overtaken by a poll that finished the work");
      } else {
        violate("wrong success: abort reported succeeded", op, "an operator aborted it at " + op.abortedAt
            + " before its work was done, and the platform heard succeeded at " + at);
      }
    }
  }

  /** Whether every step of {@code op} is truly done at {@code at} (no problem found). */
  public boolean workDone(Operation op, Instant at, DBInstance truth) {
    return workProblems(op, at, truth).isEmpty();
  }

  /** What is missing for {@code op}'s work to be done, each as {kind, sentence}. */
  List<String[]> workProblems(Operation op, Instant at, DBInstance truth) {
    List<String[]> out = new ArrayList<>();
    List<RecordedCall> log = applied();
    if (truth == null) {
      out.add(new String[] {"instance gone", "the instance does not exist"});
      return out;
    }
    if (!"available".equals(truth.dbInstanceStatus())) {
      out.add(new String[] {"instance busy", "the instance is " + truth.dbInstanceStatus()});
    }
    PendingModifiedValues pending = truth.pendingModifiedValues();
    if (op.kind == Kind.UPDATE) {
      RecordedCall sent = null;
      for (RecordedCall c : log) {
        if (c.operation().equals("ModifyDBInstance") && !c.at().isBefore(op.begunAt) && !c.at().isAfter(at)
            && op.targetClass.equals(((ModifyDbInstanceRequest) c.request()).dbInstanceClass())) {
          sent = c;
          break;
        }
      }
      if (sent == null) {
        out.add(new String[] {"class never requested", "no ModifyDBInstance with DBInstanceClass " + op.targetClass
            + " reached RDS after the update began"});
      }
      if (!op.targetClass.equals(truth.dbInstanceClass()) || (pending != null && pending.dbInstanceClass() != null)) {
        out.add(new String[] {"class not applied", "the instance is " + truth.dbInstanceClass()
            + (pending != null && pending.dbInstanceClass() != null ? ", pending " + pending.dbInstanceClass() : "")
            + ", the update asked for " + op.targetClass});
      }
      return out;
    }
    RecordedCall modify = null;
    for (RecordedCall c : log) {
      if (c.operation().equals("ModifyDBInstance") && !c.at().isBefore(op.begunAt) && !c.at().isAfter(at)
          && ((ModifyDbInstanceRequest) c.request()).masterUserPassword() != null) {
        modify = c;
        break;
      }
    }
    if (modify == null) {
      out.add(new String[] {"settings never sent", "no ModifyDBInstance with the settings and the master password"
          + " reached RDS after the restore began"});
    }
    String settings = settingsProblem(truth);
    if (settings != null) {
      out.add(new String[] {"settings not applied", settings});
    }
    if (restore.parameterGroup() != null && modify != null) {
      boolean rebooted = false;
      for (RecordedCall c : log) {
        if (c.operation().equals("RebootDBInstance") && c.at().isAfter(modify.at()) && !c.at().isAfter(at)) {
          rebooted = true;
        }
      }
      if (!rebooted) {
        out.add(new String[] {"reboot missing", "no RebootDBInstance reached RDS after the settings modify put the"
            + " parameter group pending-reboot"});
      }
    }
    StepRun users = null;
    boolean anyUsers = false;
    for (StepRun r : runs) {
      if (r.step().equals("users") && !r.at().isBefore(op.begunAt) && !r.at().isAfter(at)) {
        anyUsers = true;
        if (r.truth() != null && "available".equals(r.truth().dbInstanceStatus()) && settingsProblem(r.truth()) == null) {
          users = r;
        }
      }
    }
    if (users == null) {
      out.add(new String[] {anyUsers ? "users before settings" : "users never ran", anyUsers
          ? "the users step ran only while the settings were not yet applied (or a reboot was pending)"
          : "the users step never ran"});
    }
    if (op.extraStep) {
      boolean extra = false;
      for (StepRun r : runs) {
        if (r.step().equals("audit") && users != null && !r.at().isBefore(users.at()) && !r.at().isAfter(at)) {
          extra = true;
        }
      }
      if (!extra) {
        out.add(new String[] {"step of its definition skipped", "begun under the definition with the step audit,"
            + " which never ran after users"});
      }
    }
    return out;
  }

  /** Why the restore's settings are not (all) applied on this instance, or {@code null}. */
  String settingsProblem(DBInstance d) {
    PendingModifiedValues pending = d.pendingModifiedValues();
    if (pending != null && pending.masterUserPassword() != null) {
      return "the master password is still pending";
    }
    if (d.backupRetentionPeriod() == null || d.backupRetentionPeriod() != restore.backupRetention()) {
      return "BackupRetentionPeriod is " + d.backupRetentionPeriod() + ", the settings say " + restore.backupRetention();
    }
    if (restore.parameterGroup() != null) {
      DBParameterGroupStatus group = null;
      for (DBParameterGroupStatus g : d.dbParameterGroups()) {
        group = g;
      }
      if (group == null || !restore.parameterGroup().equals(group.dbParameterGroupName())) {
        return "the parameter group is " + (group == null ? "none" : group.dbParameterGroupName());
      }
      if (!"in-sync".equals(group.parameterApplyStatus())) {
        return "the parameter group is " + group.parameterApplyStatus();
      }
    }
    return null;
  }

  // ------------------------------------------------------------------ failed

  /**
   * The platform heard {@code failed} for {@code op}: a violation unless something was wrong (the
   * instance failed, an operator edited or aborted it, a deadline truly passed on work not done).
   */
  public void heardFailed(Operation op, OperationStatus answer, Instant at, DBInstance truth) {
    if (op == null) {
      return;
    }
    String d = answer.description();
    for (Operation earlier : operations) {
      if (earlier.index < op.index && earlier.wrongSuccess) {
        note("failed after an earlier operation's wrong success");
        return;
      }
    }
    if (instanceFailedAt != null && !at.isBefore(instanceFailedAt)) {
      note("failed: instance failure");
      return;
    }
    if (op.abortedAt != null || op.editedAt != null) {
      note("failed: operator action");
      return;
    }
    Duration age = Duration.between(op.begunAt, at);
    if (d.contains("deadline")) {
      // "flow X exceeded its flow deadline ... (it was: step settings met ...)" is the flow's
      // deadline, whatever step it names after; "step X exceeded its deadline" is the step's.
      Matcher m = STEP.matcher(d);
      String step = !d.contains("flow deadline") && m.find() ? m.group(1) : null;
      if (workDone(op, at, truth)) {
        violate("wrong failure: deadline on finished work", op, "failed '" + d + "' at " + at
            + " although every step of it is done");
        return;
      }
      if (step != null && stepDone(op, step, at, truth)) {
        violate("wrong failure: deadline on a finished step", op, "failed '" + d + "' at " + at
            + " although step " + step + " had finished");
        return;
      }
      Duration bound = step != null ? stepDeadline : flowDeadline;
      if (age.compareTo(bound) < 0) {
        violate("wrong failure: early deadline", op, "failed '" + d + "' " + age + " after it began, within "
            + bound);
        return;
      }
      note("failed: deadline on unfinished work");
      return;
    }
    violate("wrong failure", op, "failed '" + d + "' at " + at + " (" + age + " after it began) although nothing"
        + " was wrong");
  }

  /** Whether one step's post-condition holds on the truth. */
  private boolean stepDone(Operation op, String step, Instant at, DBInstance truth) {
    if (truth == null || !"available".equals(truth.dbInstanceStatus())) {
      return false;
    }
    switch (step) {
      case "settings":
        if (op.kind == Kind.UPDATE) {
          return op.targetClass.equals(truth.dbInstanceClass())
              && (truth.pendingModifiedValues() == null || truth.pendingModifiedValues().dbInstanceClass() == null);
        }
        PendingModifiedValues p = truth.pendingModifiedValues();
        return (p == null || p.masterUserPassword() == null) && truth.backupRetentionPeriod() != null
            && truth.backupRetentionPeriod() == restore.backupRetention()
            && (restore.parameterGroup() == null || truth.dbParameterGroups().stream()
                .anyMatch(g -> restore.parameterGroup().equals(g.dbParameterGroupName())));
      case "reboot":
        return truth.dbParameterGroups().stream().noneMatch(g -> !"in-sync".equals(g.parameterApplyStatus()));
      default:
        return false;
    }
  }

  // ------------------------------------------------------------------ after the end

  /** A poll with an ended operation's token answered {@code again}: it must say what it said. */
  public void heardAgain(Operation op, OperationStatus again, Instant at) {
    if (op.finalAnswer == null || again == null) {
      return;
    }
    if (op.wrongSuccess && again.state() != op.finalAnswer.state()) {
      note("answer changed after a wrong success");
      return;
    }
    if (again.state() != op.finalAnswer.state()) {
      violate("debris: answer changed", op, "answered " + op.finalAnswer.state() + " ('" + op.finalAnswer.description()
          + "') at " + op.finalAt + ", then " + again.state() + " ('" + again.description() + "') at " + at);
    }
  }

  /** The platform's next {@code begin} was refused although it had heard the previous operation's final answer. */
  public void beginRefused(Operation previous, Instant at, String why) {
    if (previous.wrongSuccess) {
      note("begin refused after a wrong success");
      return;
    }
    violate("debris: begin refused", previous, "ended " + (previous.finalAnswer == null ? "?" : previous.finalAnswer.state())
        + " at " + previous.finalAt + ", yet the next begin at " + at + " was refused: " + why);
  }

  /** A {@code begin} repeated after one whose answer was lost, with nothing advanced since, was refused. */
  public void ambiguousBeginRefused(Operation pending, Instant at, String why) {
    violations.add("[wrong failure: ambiguous begin refused] begin repeated at " + at
        + " after a begin whose answer was lost was refused: " + why);
  }

  /** The operation got no final answer within its bound. */
  public void stuck(Operation op, Instant at, String why) {
    violate("stuck", op, why + " at " + at);
  }

  /** Step actions that reached RDS more than once per operation, by step ({@code settings}, {@code reboot}). */
  public Map<String, Integer> repeats() {
    Map<String, Integer> out = new TreeMap<>();
    List<RecordedCall> log = applied();
    for (int i = 0; i < operations.size(); i++) {
      Instant from = operations.get(i).begunAt;
      Instant to = i + 1 < operations.size() ? operations.get(i + 1).begunAt : Instant.MAX;
      int modifies = 0;
      int reboots = 0;
      for (RecordedCall c : log) {
        if (c.at().isBefore(from) || !c.at().isBefore(to)) {
          continue;
        }
        if (c.operation().equals("ModifyDBInstance")) {
          ModifyDbInstanceRequest r = (ModifyDbInstanceRequest) c.request();
          if (!Boolean.FALSE.equals(r.applyImmediately())) {
            modifies++;
          }
        } else if (c.operation().equals("RebootDBInstance")) {
          reboots++;
        }
      }
      if (modifies > 1) {
        out.merge("settings", modifies - 1, Integer::sum);
      }
      if (reboots > 1) {
        out.merge("reboot", reboots - 1, Integer::sum);
      }
    }
    return out;
  }
}
