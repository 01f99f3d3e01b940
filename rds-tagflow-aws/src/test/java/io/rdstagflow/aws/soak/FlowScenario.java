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

  /** The flow deadline the soak configures, so "within its deadline" is a bound worth checking. */
  static final Duration FLOW_DEADLINE = Duration.ofHours(2);
  /** The step deadline the soak configures. */
  static final Duration STEP_DEADLINE = Duration.ofMinutes(90);
  /** The engines' clock-skew allowance; each process's clock is off by less than a third of it. */
  static final Duration CLOCK_SKEW = Duration.ofSeconds(30);
  static final Duration SETTLE_TIME = Duration.ofSeconds(30);
  static final Duration LEASE_TIME = Duration.ofSeconds(90);

  enum FaultKind { THROTTLE_BURST, SERVER_ERROR, INVALID_STATE, DESCRIBE_LAG, TAG_EDIT }

  enum EditKind {
    /** Every flow tag removed by hand: an abort. */
    DELETE_ALL,
    /** The flow tag or one step tag removed by hand: a failure naming it. */
    DELETE_ONE,
    /** A step tag's value replaced by one the engine cannot accept: a failure naming it. */
    CORRUPT_STEP,
    /** A parameter or the lease tag removed: nothing the flow needs to go on. */
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
        .append("\n  faults=").append(faults);
    return b.toString();
  }
}
