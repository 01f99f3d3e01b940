package io.rdstagflow.examples.operator;

import io.rdstagflow.aws.DerivedPasswordSource;
import io.rdstagflow.aws.PasswordSource;
import io.rdstagflow.aws.RdsStarter;
import io.rdstagflow.aws.ReadyFlows;
import io.rdstagflow.aws.SdkRdsGateway;
import io.rdstagflow.aws.upgrade.EngineUpgradeStep;
import io.rdstagflow.aws.upgrade.UpgradeProgress;
import io.rdstagflow.aws.users.BoundUsersStep;
import io.rdstagflow.core.Inspection;
import io.rdstagflow.core.InstanceNotFoundException;
import io.rdstagflow.core.OperationToken;
import io.rdstagflow.core.OperatorActionException;
import io.rdstagflow.core.RdsCallException;
import io.rdstagflow.core.TagStateMachine;
import io.rdstagflow.examples.ConsoleLogging;
import io.rdstagflow.examples.broker.ExampleFlows;
import io.rdstagflow.testkit.FakeRds;
import io.rdstagflow.testkit.LifecycleTimings;
import io.rdstagflow.testkit.VirtualClock;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.rds.RdsClient;

/**
 * The operator's tool for the example broker's instances: {@code inspect}, {@code retry},
 * {@code abort} and {@code move}, each one engine call (one describe, at most one tag write), against real RDS
 * through the SDK's default chains, or with {@code --fake} against an embedded fake RDS that holds
 * demo instances. Plain argument parsing: four commands and two options need no CLI library.
 *
 * <p>Exit codes: {@value #OK} done (for {@code inspect}: no failed operation); {@value #NOT_APPLICABLE}
 * the operation failed ({@code inspect}) or the command does not apply ({@code retry} without a
 * failed flow, {@code abort} without a running operation); {@value #USAGE} usage error; {@value #RDS_ERROR} an
 * RDS call failed (credentials, permissions, throttling); {@value #NOT_FOUND} no such instance.
 */
public final class OperatorTool {

  /** Done; for {@code inspect}, no failed operation. */
  public static final int OK = 0;
  /** The operation failed, or the command does not apply to the instance. */
  public static final int NOT_APPLICABLE = 1;
  /** The command line was wrong. */
  public static final int USAGE = 2;
  /** An RDS call failed. */
  public static final int RDS_ERROR = 3;
  /** No such instance. */
  public static final int NOT_FOUND = 4;

  /** The fake's instance whose restore failed at its settings step. */
  public static final String FAKE_FAILED = "demo-failed";
  /** The fake's instance whose restore is still running. */
  public static final String FAKE_RUNNING = "demo-running";
  /** The fake's instance without a flow. */
  public static final String FAKE_IDLE = "demo-idle";
  /** The fake's instance in the middle of an engine upgrade from PostgreSQL 13.15 to 16.3. */
  public static final String FAKE_UPGRADING = "demo-upgrading";

  private static final String FAKE_PARAMETER_GROUP = "broker-postgres16";
  private static final String FAKE_OLD_PARAMETER_GROUP = "broker-postgres13";
  // Protects nothing: the fake keeps no password.
  private static final byte[] FAKE_SEED = "operator tool demo seed, fake only".getBytes(StandardCharsets.UTF_8);

  private static final String USAGE_TEXT = String.join("\n",
      "usage: operator [--fake] <command> <db-instance-id> [<definition>]",
      "",
      "commands:",
      "  inspect   show the operation the instance's tags record: flow, steps, tries, reasons, times",
      "  retry     run the failed step of a failed flow again (on the platform's next poll)",
      "  abort     end the running operation as failed, touching nothing else; polls with its token answer failed",
      "  move      move the operation to another registered definition of its flow, e.g. 'move db-1 2': steps",
      "            done in a row from the start stay done, every later one runs (again)",
      "",
      "options:",
      "  --fake    use an embedded fake RDS with demo instances " + FAKE_FAILED + ", " + FAKE_RUNNING + ", "
          + FAKE_UPGRADING + " and " + FAKE_IDLE + " (changes last as long as the command)",
      "  --help    show this text",
      "",
      "Without --fake the tool calls RDS with the AWS SDK's default credentials, region and endpoint",
      "(AWS_PROFILE, AWS_REGION, ...). It decodes the example broker's flows under the tag prefix tagflow:.",
      "",
      "exit codes: 0 done (inspect: no failed operation), 1 operation failed or command not applicable,",
      "            2 usage error, 3 RDS call failed, 4 no such instance");

  private final PrintStream out;
  private final PrintStream err;
  private final Supplier<RdsClient> realRds;

  /**
   * A tool printing to {@code out} and {@code err}.
   *
   * @param realRds the client to use without {@code --fake}
   */
  public OperatorTool(PrintStream out, PrintStream err, Supplier<RdsClient> realRds) {
    this.out = Objects.requireNonNull(out, "out");
    this.err = Objects.requireNonNull(err, "err");
    this.realRds = Objects.requireNonNull(realRds, "realRds");
  }

  /** Runs one command and exits with its code. */
  public static void main(String[] args) {
    if (List.of(args).contains("--fake")) {
      ConsoleLogging.errorsOnly(); // setting up the demo instances fails one on purpose: no warning for it
    } else {
      ConsoleLogging.warningsOnly();
    }
    System.exit(new OperatorTool(System.out, System.err, RdsClient::create).run(args));
  }

  /** Runs one command; returns the exit code. */
  public int run(String... args) {
    boolean fake = false;
    List<String> words = new ArrayList<>();
    for (String arg : args) {
      switch (arg) {
        case "--help", "-h" -> {
          out.println(USAGE_TEXT);
          return OK;
        }
        case "--fake" -> fake = true;
        default -> {
          if (arg.startsWith("-")) {
            return usage("unknown option " + arg);
          }
          words.add(arg);
        }
      }
    }
    if (words.isEmpty()) {
      return usage("no command given");
    }
    String command = words.get(0);
    if (!List.of("inspect", "retry", "abort", "move").contains(command)) {
      return usage("unknown command " + command);
    }
    int expected = command.equals("move") ? 3 : 2;
    if (words.size() != expected) {
      return usage(command.equals("move") ? "move takes an instance id and a definition version, got " + words
          : "expected a command and one instance id, got " + words);
    }
    String instanceId = words.get(1);
    if (command.equals("move") && !words.get(2).matches("[1-9][0-9]{0,3}")) {
      return usage("'" + words.get(2) + "' is not a definition version (1 to 9999)");
    }

    try (RdsClient rds = fake ? fakeWithDemoInstances() : realRds.get()) {
      Clock clock = rds instanceof FakeRds f ? f.clock() : Clock.systemUTC();
      TagStateMachine engine = engine(rds, clock, NO_PASSWORDS);
      return switch (command) {
        case "inspect" -> inspect(engine, instanceId);
        case "retry" -> retry(engine, instanceId);
        case "move" -> move(engine, instanceId, Integer.parseInt(words.get(2)));
        default -> abort(engine, instanceId);
      };
    } catch (InstanceNotFoundException e) {
      err.println("no DB instance " + instanceId + " (RDS identifiers are lower case)");
      return NOT_FOUND;
    } catch (RdsCallException | SdkException e) {
      err.println("RDS call failed: " + e.getMessage());
      return RDS_ERROR;
    }
  }

  private int usage(String problem) {
    err.println(problem);
    err.println(USAGE_TEXT);
    return USAGE;
  }

  private int inspect(TagStateMachine engine, String instanceId) {
    Inspection inspection = engine.inspect(instanceId);
    print(inspection, engine.tagPrefix());
    boolean failed = inspection.problem().isPresent()
        || inspection.operation().map(op -> op.state() == Inspection.OperationState.FAILED).orElse(false);
    return failed ? NOT_APPLICABLE : OK;
  }

  private int retry(TagStateMachine engine, String instanceId) {
    try {
      engine.retry(instanceId);
    } catch (OperatorActionException e) {
      err.println("retry does not apply: " + e.getMessage());
      return NOT_APPLICABLE;
    }
    out.println("retried: the failed step is pending again and runs on the platform's next poll");
    print(engine.inspect(instanceId), engine.tagPrefix());
    return OK;
  }

  private int move(TagStateMachine engine, String instanceId, int definition) {
    try {
      engine.moveToDefinition(instanceId, definition);
    } catch (OperatorActionException e) {
      err.println("move does not apply: " + e.getMessage());
      return NOT_APPLICABLE;
    }
    out.println("moved to definition " + definition + ": its remaining steps run on the platform's next poll");
    print(engine.inspect(instanceId), engine.tagPrefix());
    return OK;
  }

  private int abort(TagStateMachine engine, String instanceId) {
    if (!engine.abort(instanceId)) {
      err.println("abort does not apply: instance " + instanceId + " has no running operation");
      return NOT_APPLICABLE;
    }
    out.println("aborted: the operation has ended as failed; polls with its token answer failed");
    print(engine.inspect(instanceId), engine.tagPrefix());
    return OK;
  }

  private void print(Inspection inspection, String prefix) {
    out.println("instance " + inspection.instance().id() + ": " + inspection.instance().status());
    inspection.problem().ifPresent(problem -> out.println("tags not understood: " + problem));
    inspection.operation().ifPresentOrElse(op -> {
      out.println("operation " + op.token().operationId().orElse("") + " of flow " + op.flowName() + " (definition "
          + op.definition() + "), began " + op.since() + op.restartedAt().map(r -> ", retried " + r).orElse(""));
      out.println("  " + switch (op.state()) {
        case FAILED -> "FAILED: " + op.failure().orElse("");
        case SUCCEEDED -> "succeeded" + op.endedAt().map(t -> " at " + t).orElse("");
        case RUNNING -> op.running() ? "in progress, flow deadline " + op.flowDeadline()
            : "past its flow deadline " + op.flowDeadline() + ": the next begin replaces it";
      });
      for (Inspection.StepView step : op.steps()) {
        out.printf("  %d %-10s %-8s tries %d%s%s%s%s%n", step.position(), step.name(),
            step.state().name().toLowerCase(java.util.Locale.ROOT),
            step.tries(),
            step.firstAttemptAt().map(t -> ", first attempt " + t).orElse(""),
            step.startedAt().map(t -> ", started " + t).orElse(""),
            step.dueAt().map(t -> ", next attempt " + t).orElse(""),
            step.reason().map(r -> ", reason: " + r).orElse(""));
      }
      if (!op.parameters().isEmpty()) {
        out.println("  parameters " + new TreeMap<>(op.parameters()));
      }
      UpgradeProgress.of(inspection).ifPresent(progress -> printHops(progress, inspection));
      if (op.state() == Inspection.OperationState.FAILED) {
        out.println("  next: 'retry " + inspection.instance().id() + "' runs the failed step again");
      } else if (op.running()) {
        out.println("  next: 'abort " + inspection.instance().id() + "' ends it as failed");
      }
    }, () -> {
      if (inspection.problem().isEmpty()) {
        out.println("no operation: polls answer from the instance status alone");
      }
    });
    if (!inspection.libraryTags().isEmpty()) {
      out.println("tags (prefix " + prefix + "):");
      new TreeMap<>(inspection.libraryTags()).forEach((key, value) -> out.println("  " + key + " = " + value));
    }
  }

  /** An engine upgrade's hops: which are done, which RDS is working on, which are to come. */
  private void printHops(UpgradeProgress progress, Inspection inspection) {
    out.println("  upgrade " + progress.path().describe() + ", the instance runs " + progress.running() + ":");
    for (UpgradeProgress.HopProgress hop : progress.hops()) {
      String state = switch (hop.state()) {
        case DONE -> "done";
        case SENT -> "sent" + hop.sentAt().map(t -> " " + t).orElse("") + ", RDS is upgrading";
        case PENDING -> "to come";
      };
      out.println("    hop " + hop.hop().number() + " of " + hop.hop().of() + "  " + hop.hop().from() + " -> "
          + hop.hop().to() + "  " + state + hop.parameterGroup().map(g -> ", parameter group " + g).orElse(""));
    }
    // The upgrade step's own tag: the library's, but not one of the engine's, so not among libraryTags.
    String hopTag = inspection.instance().tags().get(EngineUpgradeStep.DEFAULT_HOP_TAG);
    if (hopTag != null) {
      out.println("  " + EngineUpgradeStep.DEFAULT_HOP_TAG + " = " + hopTag);
    }
  }

  /** The tool runs no step (inspect, retry and abort only read and write tags), so it holds no password. */
  private static final PasswordSource NO_PASSWORDS = (instance, user) -> {
    throw new IllegalStateException("the operator tool runs no step and holds no password");
  };

  /** The engine with the example broker's flows. */
  private static TagStateMachine engine(RdsClient rds, Clock clock, PasswordSource passwords) {
    TagStateMachine.Builder engine = TagStateMachine.builder(new SdkRdsGateway(rds)).clock(clock);
    ExampleFlows.all(rds, FAKE_PARAMETER_GROUP, passwords, BoundUsersStep.none()).forEach(engine::flow);
    return engine.build();
  }

  /**
   * A fake RDS holding four demo instances: a restore that failed at its settings step (RDS
   * refused the modify for good), a restore still running, an engine upgrade in its second hop, and
   * an instance without a flow.
   */
  static FakeRds fakeWithDemoInstances() {
    VirtualClock clock = VirtualClock.create();
    // The reference lifecycle, with a short snapshot and upgrade so that the demo upgrade is in its
    // second hop when the restores are where the demo wants them.
    FakeRds fake = FakeRds.builder().clock(clock).timings(LifecycleTimings.defaults()
        .withSnapshotting(Duration.ofMinutes(1)).withUpgrading(Duration.ofMinutes(8))).build();
    fake.givenSnapshot(s -> s.dbSnapshotIdentifier("nightly").engine("postgres"));
    fake.givenInstance(r -> r.dbInstanceIdentifier(FAKE_IDLE).engine("postgres").dbInstanceClass("db.t3.micro")
        .allocatedStorage(20).masterUsername("postgres"));
    fake.createDBParameterGroup(r -> r.dbParameterGroupName(FAKE_PARAMETER_GROUP).dbParameterGroupFamily("postgres16")
        .description("the demo broker's settings"));
    fake.createDBParameterGroup(r -> r.dbParameterGroupName(FAKE_OLD_PARAMETER_GROUP)
        .dbParameterGroupFamily("postgres13").description("the demo broker's settings, for PostgreSQL 13"));
    fake.givenInstance(r -> r.dbInstanceIdentifier(FAKE_UPGRADING).engine("postgres").engineVersion("13.15")
        .dbInstanceClass("db.t3.micro").allocatedStorage(20).masterUsername("postgres")
        .dbParameterGroupName(FAKE_OLD_PARAMETER_GROUP));
    // The demo instances' flows run their first steps here, so this engine needs a (demo) password.
    TagStateMachine engine = engine(fake, clock, DerivedPasswordSource.fromSeed(FAKE_SEED));
    RdsStarter starter = new RdsStarter(fake, engine);
    OperationToken upgrade = starter.upgradeEngine(engine.flow(ReadyFlows.ENGINE_UPGRADE), FAKE_UPGRADING, "16.3");
    starter.restoreFromSnapshot(ReadyFlows.RESTORE_FROM_SNAPSHOT, Map.of(),
        r -> r.dbInstanceIdentifier(FAKE_FAILED).dbSnapshotIdentifier("nightly"));
    minutes(5, clock, () -> engine.poll(FAKE_UPGRADING, upgrade));
    starter.restoreFromSnapshot(ReadyFlows.RESTORE_FROM_SNAPSHOT, Map.of(),
        r -> r.dbInstanceIdentifier(FAKE_RUNNING).dbSnapshotIdentifier("nightly"));
    // demo-failed is restored, demo-running is not; the upgrade's snapshot and first hop are done.
    minutes(6, clock, () -> engine.poll(FAKE_UPGRADING, upgrade));
    fake.faults().failNext("ModifyDBInstance", "InvalidParameterCombination");
    engine.poll(FAKE_FAILED);
    engine.poll(FAKE_RUNNING);
    return fake;
  }

  /** Moves the clock a minute at a time, polling after each, as a platform polls. */
  private static void minutes(int minutes, VirtualClock clock, Runnable poll) {
    for (int m = 0; m < minutes; m++) {
      clock.advance(Duration.ofMinutes(1));
      poll.run();
    }
  }
}
