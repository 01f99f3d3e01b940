package io.rdstagflow.aws.upgrade;

import io.rdstagflow.core.Inspection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.rds.model.DBInstance;

/**
 * Where an engine upgrade stands, hop by hop, as an operator (or a broker's status page) reads it
 * from one {@link Inspection}: the path from the operation's parameter, the version the instance
 * runs, and the hop the upgrade step last sent from its hop tag. No call is made.
 *
 * <p>Immutable.
 *
 * @param path    the upgrade's path
 * @param running the version the instance runs, as described
 * @param hops    each hop with where it stands, in order
 */
public record UpgradeProgress(UpgradePath path, String running, List<HopProgress> hops) {

  /** Where one hop stands. */
  public enum HopState {
    /** The instance runs the hop's version or a later one on the path. */
    DONE,
    /** Sent: RDS accepted its modify and the describe does not show its version yet. */
    SENT,
    /** Not sent yet. */
    PENDING
  }

  /**
   * One hop and where it stands.
   *
   * @param hop            the hop
   * @param state          where it stands
   * @param sentAt         when RDS accepted its modify, if the hop tag records it
   * @param parameterGroup the parameter group sent with it, if the hop tag records it
   */
  public record HopProgress(UpgradePath.Hop hop, HopState state, Optional<Instant> sentAt,
      Optional<String> parameterGroup) {
    /** @throws NullPointerException if an argument is {@code null} */
    public HopProgress {
      Objects.requireNonNull(hop, "hop");
      Objects.requireNonNull(state, "state");
      Objects.requireNonNull(sentAt, "sentAt");
      Objects.requireNonNull(parameterGroup, "parameterGroup");
    }
  }

  /** Copies the list. */
  public UpgradeProgress {
    Objects.requireNonNull(path, "path");
    hops = List.copyOf(hops);
  }

  /** As {@link #of(Inspection, String)} with the default hop tag, {@value EngineUpgradeStep#DEFAULT_HOP_TAG}. */
  public static Optional<UpgradeProgress> of(Inspection inspection) {
    return of(inspection, EngineUpgradeStep.DEFAULT_HOP_TAG);
  }

  /**
   * The progress of the upgrade the instance's tags record (running or ended); empty when the
   * operation is not an upgrade (it has no {@value EngineUpgradeStep#PATH_PARAMETER} parameter)
   * or the inspection has no SDK description of the instance.
   */
  public static Optional<UpgradeProgress> of(Inspection inspection, String hopTagKey) {
    Optional<Inspection.OperationView> op = inspection.operation();
    String encoded = op.map(o -> o.parameters().get(EngineUpgradeStep.PATH_PARAMETER)).orElse(null);
    DBInstance db = inspection.instance().detail(DBInstance.class).orElse(null);
    if (encoded == null || db == null) {
      return Optional.empty();
    }
    UpgradePath path;
    try {
      path = UpgradePath.parse(encoded);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    Instant since = op.get().restartedAt().orElse(op.get().since());
    Optional<HopRecord> record = HopRecord.parse(inspection.instance().tags().get(hopTagKey))
        .filter(r -> !r.sentAt().isBefore(since));
    int at = path.indexOf(db.engineVersion());
    List<HopProgress> hops = new ArrayList<>();
    for (UpgradePath.Hop hop : path.hops()) {
      Optional<HopRecord> mine = record.filter(r -> r.isFor(hop));
      HopState state = at >= hop.number() ? HopState.DONE : mine.isPresent() ? HopState.SENT : HopState.PENDING;
      hops.add(new HopProgress(hop, state, mine.map(HopRecord::sentAt),
          mine.map(HopRecord::group)));
    }
    return Optional.of(new UpgradeProgress(path, db.engineVersion(), hops));
  }
}
