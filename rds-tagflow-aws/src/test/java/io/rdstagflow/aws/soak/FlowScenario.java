package io.rdstagflow.aws.soak;

import io.rdstagflow.testkit.LifecycleTimings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * Everything random about one soak flow, drawn from its seed alone, so a flow replays from its seed
 * without the rest of the run: the lifecycle's timings, how many broker processes poll and how
 * their clocks drift, how often they crash or overlap, and the faults, each at a virtual time after
 * the restore.
 */
final class FlowScenario {

  /**
   * The longest attribute lag drawn, in seconds: the engine's effective settle time (settle time 30 s
   * plus the clock-skew allowance 30 s) by default, the bound within which design.md promises that a
   * describe shows an accepted action's effect. Longer lags are caught by each step's post-condition
   * check except when a duplicate of an action already seen is still running (docs/reliability.md);
   * {@code -Dsoak.attributeLagMax=630} runs them.
   */
  static final int ATTRIBUTE_LAG_MAX = Integer.getInteger("soak.attributeLagMax", 60);

  private static int attributeLag(int drawn) {
    return Math.min(ATTRIBUTE_LAG_MAX, drawn);
  }


  /** The flow deadline the soak configures, so "within its deadline" is a bound worth checking. */
  static final Duration FLOW_DEADLINE = Duration.ofHours(2);
  /** The step deadline the soak configures. */
  static final Duration STEP_DEADLINE = Duration.ofMinutes(90);
  /** The engines' clock-skew allowance; each process's clock is off by less than a third of it. */
  static final Duration CLOCK_SKEW = Duration.ofSeconds(30);
  static final Duration SETTLE_TIME = Duration.ofSeconds(30);
  static final Duration LEASE_TIME = Duration.ofSeconds(90);
  /** {@code -Dsoak.classic=true}: none of the adversary's additions (a control run of the checker). */
  static final boolean CLASSIC = Boolean.getBoolean("soak.classic");

  enum FaultKind {
    THROTTLE_BURST, SERVER_ERROR, INVALID_STATE, DESCRIBE_LAG, TAG_EDIT,
    /** Describes show the attributes {@code count} s old while the tags are current (0 ends it). */
    ATTR_LAG,
    /** Describes show the tags {@code count} s old while the attributes are current (0 ends it). */
    TAG_LAG,
    /** The next {@code count} calls of {@code operation} take effect and answer with an error. */
    LOST_RESPONSE,
    /**
     * The next call of {@code operation} is held back (its caller times out) and lands later:
     * {@code count} s later, or with {@code count} 0 a little after the next operation's begin.
     */
    LATE_WRITE,
    /** The platform stops polling for {@code count} minutes (a gap of hours). */
    PLATFORM_GAP,
    /** An operator aborts the operation through {@code TagStateMachine.abort}. */
    ABORT
  }

  enum EditKind {
    /** Every flow tag removed by hand: an abort. */
    DELETE_ALL,
    /** The flow tag or one step tag removed by hand: a failure naming it. */
    DELETE_ONE,
    /** A step tag's value replaced by one the engine cannot accept: a failure naming it. */
    CORRUPT_STEP,
    /** Kept for replay of older seeds' draws; applied as an operator abort through the API. */
    DELETE_HARMLESS
  }

  /**
   * A fault at {@code at} after the restore. {@code count}: calls for a burst, or the lag in
   * seconds (0 ends the lag); {@code operation}/{@code code}/{@code status} for injected errors;
   * {@code edit} and {@code pick} (which tag) for hand edits.
   */
  record Fault(Duration at, FaultKind kind, int count, String operation, String code, int status, EditKind edit,
      int pick) {
    @Override
    public String toString() {
      String what = switch (kind) {
        case THROTTLE_BURST -> "throttle next " + count + " calls";
        case SERVER_ERROR -> operation + " fails " + code + " (" + status + ") x" + count;
        case INVALID_STATE -> operation + " fails InvalidDBInstanceState x" + count;
        case DESCRIBE_LAG -> count == 0 ? "describe lag off" : "describe lag " + count + " s";
        case TAG_EDIT -> "hand edit " + edit + " #" + pick;
        case ATTR_LAG -> count == 0 ? "attribute lag off" : "attribute lag " + count + " s (tags current)";
        case TAG_LAG -> count == 0 ? "tag lag off" : "tag lag " + count + " s (attributes current)";
        case LOST_RESPONSE -> operation + " lands, answer lost x" + count;
        case LATE_WRITE -> "next " + operation + " held, lands " + (count == 0 ? "after the next begin" : count + " s later");
        case PLATFORM_GAP -> "platform polls again only after " + count + " min";
        case ABORT -> "operator abort";
      };
      return "+" + at + " " + what;
    }
  }

  /** The instance goes to {@code status} {@code after} the restore. */
  record InstanceFailure(String status, Duration after) {}

  private static final List<String> OPERATIONS = List.of("DescribeDBInstances", "ModifyDBInstance",
      "RebootDBInstance", "AddTagsToResource", "RemoveTagsFromResource");
  private static final String[][] SERVER_ERRORS = {{"InternalFailure", "500"}, {"ServiceUnavailable", "503"},
      {"InternalFailure", "502"}};
  private static final List<String> BAD_STATUSES = List.of("failed", "incompatible-parameters",
      "storage-full", "incompatible-restore", "inaccessible-encryption-credentials");

  final long seed;
  final boolean claimOn;
  final int processes;
  final Duration[] clockOffsets;
  final Duration pollInterval;
  final Duration firstPoll;
  final LifecycleTimings timings;
  final boolean rebootNeeded;
  final double crashChance;
  final double overlapChance;
  final int usersWaits;
  final double throttleShare;
  final int lagAtRestoreSeconds;
  final InstanceFailure instanceFailure;
  final List<Fault> faults;
  final int latencyMinMs;
  final int latencyMaxMs;

  // ---- the adversary's additions (drawn from a second stream, so the draws above stay as they were)
  /** The engines' tag prefix: the default, or {@code broker:}. */
  final String prefix;
  /** User tags in the restore request that share the prefix's namespace (never the library's). */
  final java.util.Map<String, String> userTags;
  /** update-plan operations the platform begins one after the other once it heard succeeded. */
  final int updates;
  /** The owner defers a change to the maintenance window (MultiAZ, ApplyImmediately false) before the first update. */
  final boolean deferredChange;
  /** Chance that describes show the tags from before a {@code begin} for {@link #beginLagSeconds} after it. */
  final boolean beginLag;
  final int beginLagSeconds;
  /** The process whose clock is slow beyond the allowance (-1: none), and by how much. */
  final int skewedProcess;
  static final Duration BEYOND_ALLOWANCE = Duration.ofHours(-3);
  /** Rolling deploy: the processes that run the newer definition of the restore flow (null: no deploy). */
  final boolean[] newDefinition;

  private FlowScenario(long seed) {
    this.seed = seed;
    Random r = new Random(seed);
    claimOn = r.nextBoolean();
    processes = 1 + r.nextInt(4);
    clockOffsets = new Duration[processes];
    for (int i = 0; i < processes; i++) {
      clockOffsets[i] = Duration.ofMillis(r.nextInt(20_001) - 10_000);
    }
    pollInterval = r.nextInt(10) < 7 ? Duration.ofSeconds(60) : Duration.ofSeconds(20);
    firstPoll = Duration.ofSeconds(1 + r.nextInt((int) pollInterval.toSeconds()));
    Duration creating = r.nextInt(40) == 0
        ? Duration.ofMinutes(125 + r.nextInt(30)) // longer than the flow deadline: it must fail, naming it
        : Duration.ofMinutes(5 + r.nextInt(36));
    Duration modifying = Duration.ofSeconds(60 + r.nextInt(300));
    timings = LifecycleTimings.defaults().withCreating(creating).withModifying(modifying)
        .withApplyingParameterGroup(modifying)
        .withResettingMasterCredentials(Duration.ofSeconds(30 + r.nextInt(150)))
        .withRebooting(Duration.ofSeconds(30 + r.nextInt(210)));
    rebootNeeded = r.nextInt(4) != 0;
    crashChance = r.nextBoolean() ? 0 : 0.03 + r.nextDouble() * 0.2;
    overlapChance = r.nextInt(3) == 0 ? 0 : 0.05 + r.nextDouble() * 0.35;
    usersWaits = r.nextInt(3) == 0 ? 1 + r.nextInt(3) : 0;
    throttleShare = switch (r.nextInt(6)) {
      case 0 -> 0.05;
      case 1 -> 0.2;
      default -> 0;
    };
    lagAtRestoreSeconds = r.nextInt(25) == 0 ? 5 + r.nextInt(60) : 0;
    latencyMinMs = 20;
    latencyMaxMs = 20 + r.nextInt(800);
    instanceFailure = r.nextInt(12) == 0
        ? new InstanceFailure(BAD_STATUSES.get(r.nextInt(BAD_STATUSES.size())),
            Duration.ofSeconds(r.nextInt((int) creating.plusMinutes(20).toSeconds())))
        : null;
    List<Fault> list = new ArrayList<>();
    int span = (int) creating.plusMinutes(25).toSeconds();
    int n = r.nextInt(7);
    for (int i = 0; i < n; i++) {
      Duration at = Duration.ofSeconds(r.nextInt(span));
      switch (r.nextInt(10)) {
        case 0, 1, 2 -> list.add(new Fault(at, FaultKind.THROTTLE_BURST, 1 + r.nextInt(r.nextInt(8) == 0 ? 40 : 6),
            null, null, 0, null, 0));
        case 3, 4, 5 -> {
          String[] e = SERVER_ERRORS[r.nextInt(SERVER_ERRORS.length)];
          list.add(new Fault(at, FaultKind.SERVER_ERROR, 1 + r.nextInt(3), OPERATIONS.get(r.nextInt(OPERATIONS.size())),
              e[0], Integer.parseInt(e[1]), null, 0));
        }
        case 6, 7 -> list.add(new Fault(at, FaultKind.INVALID_STATE, 1 + r.nextInt(2),
            r.nextBoolean() ? "ModifyDBInstance" : "RebootDBInstance", "InvalidDBInstanceState", 400, null, 0));
        default -> {
          list.add(new Fault(at, FaultKind.DESCRIBE_LAG, 1 + r.nextInt(90), null, null, 0, null, 0));
          list.add(new Fault(at.plusSeconds(60 + r.nextInt(1800)), FaultKind.DESCRIBE_LAG, 0, null, null, 0, null, 0));
        }
      }
    }
    if (r.nextInt(8) == 0) {
      EditKind edit = EditKind.values()[r.nextInt(EditKind.values().length)];
      list.add(new Fault(Duration.ofSeconds(r.nextInt(span)), FaultKind.TAG_EDIT, 0, null, null, 0, edit,
          r.nextInt(1000)));
    }
    Random x = new Random(seed ^ 0xAD7E_45A1_F00DL);
    if (CLASSIC) {
      // The fault model before the adversary's additions, judged by the same checker: its control run.
      prefix = "tagflow:";
      userTags = java.util.Map.of();
      updates = 0;
      deferredChange = false;
      beginLag = false;
      beginLagSeconds = 0;
      skewedProcess = -1;
      newDefinition = null;
      list.sort(Comparator.comparing(Fault::at));
      faults = List.copyOf(list);
      return;
    }
    int namespace = x.nextInt(20);
    if (namespace == 0) {
      prefix = "broker:";
      userTags = java.util.Map.of("broker:service-instance-guid", "6f1c2a7e-guid-" + (seed % 1000));
    } else {
      prefix = "tagflow:";
      userTags = namespace == 1 ? java.util.Map.of("tagflow:owner", "team-payments") : java.util.Map.of();
    }
    updates = switch (x.nextInt(5)) {
      case 0, 1 -> 0;
      case 2 -> 1;
      default -> 2;
    };
    deferredChange = updates > 0 && x.nextInt(3) == 0;
    beginLag = updates > 0 && x.nextInt(3) == 0;
    beginLagSeconds = 30 + x.nextInt(150);
    skewedProcess = processes > 1 && x.nextInt(8) == 0 ? 1 + x.nextInt(processes - 1) : -1;
    if (skewedProcess > 0) {
      clockOffsets[skewedProcess] = BEYOND_ALLOWANCE;
    }
    if (processes > 1 && x.nextInt(8) == 0) {
      newDefinition = new boolean[processes];
      for (int i = 0; i < processes; i++) {
        newDefinition[i] = x.nextBoolean();
      }
    } else {
      newDefinition = null;
    }
    int wide = span + updates * 15 * 60;
    int m = x.nextInt(6);
    List<String> writes = List.of("AddTagsToResource", "RemoveTagsFromResource", "ModifyDBInstance", "RebootDBInstance");
    for (int i = 0; i < m; i++) {
      Duration at = Duration.ofSeconds(x.nextInt(wide));
      switch (x.nextInt(23)) {
        case 0, 1 -> {
          list.add(new Fault(at, FaultKind.ATTR_LAG, attributeLag(30 + x.nextInt(600)), null, null, 0, null, 0));
          list.add(new Fault(at.plusSeconds(120 + x.nextInt(1200)), FaultKind.ATTR_LAG, 0, null, null, 0, null, 0));
        }
        case 2 -> {
          list.add(new Fault(at, FaultKind.TAG_LAG, 10 + x.nextInt(120), null, null, 0, null, 0));
          list.add(new Fault(at.plusSeconds(60 + x.nextInt(900)), FaultKind.TAG_LAG, 0, null, null, 0, null, 0));
        }
        case 3, 4, 5 -> list.add(new Fault(at, FaultKind.LOST_RESPONSE, 1 + x.nextInt(2),
            writes.get(x.nextInt(writes.size())), null, 0, null, 0));
        case 6, 7, 8 -> list.add(new Fault(at, FaultKind.LATE_WRITE, updates > 0 && x.nextBoolean() ? 0 : 5 + x.nextInt(600),
            writes.get(x.nextInt(writes.size())), null, 0, null, 0));
        case 9, 10, 11, 12, 13 -> list.add(new Fault(at, FaultKind.LATE_WRITE, updates > 0 && x.nextBoolean() ? 0 : 5 + x.nextInt(600),
            writes.get(x.nextInt(writes.size())), null, 0, null, 0));
        case 14, 15, 16 -> list.add(new Fault(at, FaultKind.LOST_RESPONSE, 1 + x.nextInt(2),
            writes.get(x.nextInt(writes.size())), null, 0, null, 0));
        case 17, 18 -> {
          list.add(new Fault(at, FaultKind.ATTR_LAG, attributeLag(30 + x.nextInt(600)), null, null, 0, null, 0));
          list.add(new Fault(at.plusSeconds(120 + x.nextInt(1200)), FaultKind.ATTR_LAG, 0, null, null, 0, null, 0));
        }
        case 19, 20 -> list.add(new Fault(at, FaultKind.PLATFORM_GAP, 60 + x.nextInt(241), null, null, 0, null, 0));
        case 21 -> {
          list.add(new Fault(at, FaultKind.TAG_LAG, 10 + x.nextInt(120), null, null, 0, null, 0));
          list.add(new Fault(at.plusSeconds(60 + x.nextInt(900)), FaultKind.TAG_LAG, 0, null, null, 0, null, 0));
        }
        default -> list.add(new Fault(at, FaultKind.ABORT, 0, null, null, 0, null, 0));
      }
    }
    list.sort(Comparator.comparing(Fault::at));
    faults = List.copyOf(list);
  }

  static FlowScenario from(long seed) {
    return new FlowScenario(seed);
  }

  /** One scenario's choices, for a failure report. */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("scenario seed=").append(seed)
        .append(" claim=").append(claimOn ? "lease(" + LEASE_TIME + ")" : "none")
        .append(" processes=").append(processes).append(" clockOffsets=").append(List.of(clockOffsets))
        .append(" interval=").append(pollInterval).append(" firstPoll=").append(firstPoll)
        .append("\n  timings=").append(timings)
        .append("\n  rebootNeeded=").append(rebootNeeded).append(" crashChance=").append(String.format("%.3f", crashChance))
        .append(" overlapChance=").append(String.format("%.3f", overlapChance)).append(" usersWaits=").append(usersWaits)
        .append(" throttleShare=").append(throttleShare).append(" lagAtRestore=").append(lagAtRestoreSeconds).append("s")
        .append(" latency=").append(latencyMinMs).append("..").append(latencyMaxMs).append("ms")
        .append("\n  instanceFailure=").append(instanceFailure)
        .append("\n  prefix=").append(prefix).append(" userTags=").append(userTags).append(" updates=").append(updates)
        .append(" deferredChange=").append(deferredChange).append(" beginLag=").append(beginLag ? beginLagSeconds + "s" : "no")
        .append(" skewedProcess=").append(skewedProcess < 0 ? "none" : "e" + skewedProcess + " " + BEYOND_ALLOWANCE)
        .append(" rollingDeploy=").append(newDefinition == null ? "no" : java.util.Arrays.toString(newDefinition))
        .append("\n  faults=").append(faults);
    return b.toString();
  }
}
