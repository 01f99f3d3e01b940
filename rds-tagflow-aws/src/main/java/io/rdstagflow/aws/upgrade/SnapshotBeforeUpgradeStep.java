package io.rdstagflow.aws.upgrade;

import io.rdstagflow.core.Completion;
import io.rdstagflow.core.StepContext;
import io.rdstagflow.core.StepResult;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBSnapshot;
import software.amazon.awssdk.services.rds.model.DbSnapshotAlreadyExistsException;
import software.amazon.awssdk.services.rds.model.DbSnapshotNotFoundException;

/**
 * Takes a manual snapshot of the instance before its upgrade and completes once RDS shows it
 * {@code available}, so the first hop never starts before there is a way back. The snapshot is
 * named from the instance and the step's first attempt, {@code <instance>-before-upgrade-<yyyyMMddHHmmss>}
 * (UTC), so every poll, restart and replica names the same one: a run that finds it already
 * taken waits for it instead of taking another; a snapshot a run finds {@code failed} fails the
 * step (one that fails while the step waits for it keeps the step waiting, naming its status,
 * until the step's deadline fails it). The snapshot is kept (deleting it is the operator's choice). RDS takes the snapshot with
 * the instance's tags only when the instance copies tags to snapshots.
 *
 * <p>Thread-safe.
 */
public final class SnapshotBeforeUpgradeStep implements io.rdstagflow.core.Step {

  private static final Logger log = LoggerFactory.getLogger(SnapshotBeforeUpgradeStep.class);
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);

  /** The step's name. */
  public static final String DEFAULT_NAME = "snapshot";

  private final RdsClient rds;

  /** A step calling RDS through the broker's client. */
  public SnapshotBeforeUpgradeStep(RdsClient rds) {
    this.rds = Objects.requireNonNull(rds, "rds");
  }

  @Override
  public String name() {
    return DEFAULT_NAME;
  }

  /** The snapshot's identifier for this attempt of the step. */
  static String snapshotId(StepContext context) {
    String id = context.instanceId() + "-before-upgrade-" + STAMP.format(context.firstAttemptAt());
    return id.length() > 255 ? id.substring(id.length() - 255).replaceAll("^[^A-Za-z]+", "s") : id;
  }

  @Override
  public StepResult run(StepContext context) {
    String id = snapshotId(context);
    Optional<DBSnapshot> existing = find(id);
    if (existing.isPresent()) {
      return answer(existing.get());
    }
    try {
      rds.createDBSnapshot(r -> r.dbSnapshotIdentifier(id).dbInstanceIdentifier(context.instanceId()));
      log.info("instance {}: taking snapshot {} before the upgrade", context.instanceId(), id);
    } catch (DbSnapshotAlreadyExistsException e) {
      log.info("instance {}: snapshot {} was already being taken", context.instanceId(), id);
    }
    return StepResult.started();
  }

  private static StepResult answer(DBSnapshot s) {
    return switch (String.valueOf(s.status())) {
      case "available" -> StepResult.done();
      case "failed", "error" -> StepResult.failed("snapshot " + s.dbSnapshotIdentifier() + " is " + s.status());
      default -> StepResult.started();
    };
  }

  /** Complete once the snapshot is {@code available}. */
  @Override
  public Completion completion(StepContext context) {
    String id = snapshotId(context);
    Optional<DBSnapshot> s = find(id);
    if (s.isEmpty()) {
      return Completion.notYet("snapshot " + id + " is not listed yet");
    }
    return "available".equals(s.get().status()) ? Completion.complete()
        : Completion.notYet("snapshot " + id + " is " + s.get().status()
            + (s.get().percentProgress() == null ? "" : " (" + s.get().percentProgress() + "%)"));
  }

  private Optional<DBSnapshot> find(String id) {
    try {
      return rds.describeDBSnapshots(r -> r.dbSnapshotIdentifier(id)).dbSnapshots().stream().findFirst();
    } catch (DbSnapshotNotFoundException e) {
      return Optional.empty();
    }
  }

  @Override
  public String toString() {
    return "SnapshotBeforeUpgradeStep[" + DEFAULT_NAME + "]";
  }
}
