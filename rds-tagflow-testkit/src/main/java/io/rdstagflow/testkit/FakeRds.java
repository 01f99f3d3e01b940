package io.rdstagflow.testkit;

import io.rdstagflow.testkit.internal.FakeRdsFactory;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.CreateDbInstanceRequest;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DBParameterGroup;
import software.amazon.awssdk.services.rds.model.DBSnapshot;

/**
 * An in-memory RDS that <em>is</em> an SDK v2 {@link RdsClient}: hand it to a broker's own
 * wiring in place of the real client and the broker runs unchanged, without AWS, in virtual
 * time.
 *
 * <h2>What it simulates</h2>
 *
 * <p>These operations, with the SDK's own request and response types, through the request-object
 * methods, the {@code Consumer<Builder>} overloads and (for the describes) the paginators:
 * RestoreDBInstanceFromDBSnapshot, RestoreDBInstanceToPointInTime, CreateDBInstance,
 * DescribeDBInstances, ModifyDBInstance, RebootDBInstance, DeleteDBInstance, AddTagsToResource,
 * RemoveTagsFromResource, ListTagsForResource, CreateDBSnapshot, DescribeDBSnapshots,
 * CreateDBParameterGroup, DescribeDBParameterGroups, DescribeDBParameters, ModifyDBParameterGroup,
 * DescribeDBEngineVersions and DescribeOrderableDBInstanceOptions (from the
 * {@link #engineVersions() engine-version catalog}; a ModifyDBInstance that changes the engine
 * version is checked against it and goes {@code upgrading}). Every other method, the SDK's
 * {@code waiter()} included (it sleeps on the wall clock), throws
 * {@link UnsupportedByFakeRdsException} naming the operation.
 *
 * <h2>Request fields: simulated or refused, never silently ignored</h2>
 *
 * <p>The fake simulates the fields a broker commonly sends on these operations (for
 * CreateDBInstance, the restores and ModifyDBInstance: class, storage, storage type and IOPS,
 * Multi-AZ, engine version, parameter and option groups, subnet group, security groups, backup
 * retention and windows, maintenance window, IAM database authentication, deletion protection,
 * public accessibility, CA certificate, enhanced monitoring, Performance Insights, auto minor
 * version upgrade, copy tags to snapshot, maximum allocated storage, port, CloudWatch log exports,
 * master password, a master password managed in Secrets Manager),
 * each visible in DescribeDBInstances and, where RDS defers it, pending in
 * {@code PendingModifiedValues} until applied. A request that sets any other field is refused with
 * {@link UnsupportedByFakeRdsException} naming the operation and the field, because a fake that
 * answered "ok" and did nothing would let a test pass against behaviour RDS does not have. A test
 * opts in per field: {@link Builder#ignoring(String, String)} records the field and ignores it,
 * {@link Builder#handling(String, String, FieldBehaviour)} gives it the test's own behaviour.
 *
 * <p>Each instance has a lifecycle on the fake's {@link Clock} ({@code creating},
 * {@code modifying}, {@code resetting-master-credentials}, {@code rebooting}, {@code deleting},
 * a parameter group {@code applying} then {@code pending-reboot}), with durations from
 * {@link LifecycleTimings}. Status is derived from the clock whenever it is asked for, so the fake
 * runs as well on a {@link VirtualClock} that a test advances as on {@link Clock#systemUTC()}.
 * RDS's rules and errors (identifiers, tag rules, instance states) are enforced with the SDK's
 * exception types, error codes and HTTP statuses. {@code docs/fidelity.md} lists what is
 * simulated, what is not and every known difference from RDS.
 *
 * <h2>Around it</h2>
 *
 * <p>{@link #faults()} injects throttling, errors, describe lag and failed instances;
 * {@link #calls()} records every call for assertions; {@link #history(String)} keeps each
 * instance's status and tag history; {@link #report()} prints both.
 *
 * <h2>Contract</h2>
 *
 * <p>Thread-safe: every call and every control method runs under one lock, so several pollers
 * may share a fake. A seeded fake driven from one thread behaves identically on every run.
 * A password given to the fake is checked against RDS's password rules and then dropped: it is
 * never kept, returned, printed or part of a {@code toString()} or an exception message. {@link #close()} does
 * nothing: the fake holds no resources.
 */
public interface FakeRds extends RdsClient {

  /** A builder for a fake with a {@link VirtualClock}, the default timings and seed 0. */
  static Builder builder() {
    return new Builder();
  }

  /** A fake on a fresh {@link VirtualClock} with {@link LifecycleTimings#defaults()}. */
  static FakeRds create() {
    return builder().build();
  }

  /** The clock the fake derives every status from. */
  Clock clock();

  /** The lifecycle durations this fake uses. */
  LifecycleTimings timings();

  /** Where to inject faults. */
  Faults faults();

  /**
   * The engine versions the fake offers: families, valid upgrade targets, orderable instance
   * classes.
   */
  EngineCatalog engineVersions();

  /**
   * The databases inside the fake's PostgreSQL instances, as far as the fake models them
   * (extensions and their versions), with the work done on them.
   */
  FakeDatabases databases();

  /** Every call received so far. */
  CallLog calls();

  /**
   * The status and tag history of an instance, also after it was deleted.
   *
   * @param instanceId the identifier, in any case (RDS identifiers are case-insensitive)
   */
  Optional<InstanceHistory> history(String instanceId);

  /** The histories of all instances the fake has known, in the order they were created. */
  List<InstanceHistory> histories();

  /**
   * The call log and every instance's history as text, for a failure report. Carries no secret.
   */
  String report();

  /**
   * The ARN RDS would give the DB instance {@code instanceId} in this fake's region and account,
   * e.g. {@code arn:aws:rds:us-east-1:123456789012:db:mydb}, whether or not it exists.
   */
  String instanceArn(String instanceId);

  /**
   * Puts an {@code available} manual snapshot in place, as if it had been taken long ago, for a
   * test that restores from it. Not recorded in the call log. The snapshot's {@code TagList}
   * serves both as its own tags and as the tags of its source instance "at the time of snapshot
   * creation", which a restore without tags copies (as RDS does).
   *
   * <p>{@code DBSnapshotIdentifier} is required; {@code Engine} defaults to {@code postgres},
   * {@code AllocatedStorage} to 20, {@code MasterUsername} to {@code postgres},
   * {@code DBInstanceIdentifier} to the snapshot identifier.
   *
   * @return the snapshot as DescribeDBSnapshots shows it
   * @throws software.amazon.awssdk.services.rds.model.RdsException with the error RDS would give
   *         for an invalid identifier or tag, or an identifier already taken
   */
  DBSnapshot givenSnapshot(Consumer<DBSnapshot.Builder> snapshot);

  /**
   * Creates an instance that is already {@code available}, as if created long ago, for a test
   * that starts from a running database. Validated as CreateDBInstance validates; not recorded in
   * the call log.
   *
   * @return the instance as DescribeDBInstances shows it
   * @throws software.amazon.awssdk.services.rds.model.RdsException with the error CreateDBInstance
   *         would give
   */
  DBInstance givenInstance(Consumer<CreateDbInstanceRequest.Builder> request);

  /**
   * Puts a DB parameter group in place, as if created long ago, for a test whose code under test
   * expects it to exist. Validated as CreateDBParameterGroup validates it (name rules, family
   * required, no duplicate); <em>not</em> recorded in the call log, so call counts see only the
   * code under test. Its description is {@code "Parameter group <name> given by the test"}.
   *
   * @return the group as DescribeDBParameterGroups shows it
   * @throws software.amazon.awssdk.services.rds.model.RdsException with the error
   *         CreateDBParameterGroup would give
   */
  DBParameterGroup givenParameterGroup(String name, String family);

  /**
   * As {@link #givenParameterGroup(String, String)} with a description.
   *
   * @throws software.amazon.awssdk.services.rds.model.RdsException with the error
   *         CreateDBParameterGroup would give
   */
  DBParameterGroup givenParameterGroup(String name, String family, String description);

  /**
   * Applies the instance's deferred modifications (those sent with {@code ApplyImmediately}
   * false) as its maintenance window would: the instance goes {@code modifying} for the
   * modifying time. RDS never applies them on a reboot, and neither does the fake.
   *
   * @throws IllegalArgumentException if there is no such instance
   */
  void runMaintenance(String instanceId);

  /**
   * Builds a {@link FakeRds}. Not thread-safe; the fake it builds is.
   */
  final class Builder {
    private Clock clock;
    private LifecycleTimings timings = LifecycleTimings.defaults();
    private long seed;
    private String region = "us-east-1";
    private String accountId = "123456789012";
    private final Map<String, Map<String, FieldBehaviour>> optIns = new LinkedHashMap<>();

    private Builder() {}

    /** The clock to derive statuses from; a new {@link VirtualClock} if not set. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The lifecycle durations; {@link LifecycleTimings#defaults()} if not set. */
    public Builder timings(LifecycleTimings timings) {
      this.timings = Objects.requireNonNull(timings, "timings");
      return this;
    }

    /** The seed of the random source behind {@link Faults#throttleShare(double)}; 0 if not set. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** The region in ARNs and endpoints; {@code us-east-1} if not set. */
    public Builder region(String region) {
      this.region = Objects.requireNonNull(region, "region");
      return this;
    }

    /** The account in ARNs; {@code 123456789012} (moto's default) if not set. */
    public Builder accountId(String accountId) {
      this.accountId = Objects.requireNonNull(accountId, "accountId");
      return this;
    }

    /**
     * Lets {@code operation}'s requests set {@code field}, which the fake does not simulate: it is
     * recorded (the request is in the call log, and {@link RecordedCall#ignoredFields()} names the
     * field) and otherwise ignored. Without this, such a request is refused with
     * {@link UnsupportedByFakeRdsException}. Use it for fields whose effect the test does not
     * depend on; {@link #handling} for those it does.
     *
     * <pre>{@code
     * FakeRds rds = FakeRds.builder().ignoring("CreateDBInstance", "LicenseModel").build();
     * }</pre>
     *
     * @param operation the RDS operation, e.g. {@code ModifyDBInstance}
     * @param field     the request member as the RDS API names it, e.g. {@code Domain}
     * @throws IllegalArgumentException if the fake does not support {@code operation}, its request
     *                                  has no {@code field}, or the fake already simulates it
     */
    public Builder ignoring(String operation, String field) {
      FakeRdsFactory.checkOptIn(operation, field, false);
      optIns.computeIfAbsent(operation, k -> new LinkedHashMap<>())
          .put(field, FakeRdsFactory.ignoring());
      return this;
    }

    /**
     * Gives {@code field} of {@code operation}'s requests the test's own {@code behaviour},
     * called after the fake has carried out the rest of each request that sets the field; the
     * behaviour usually makes the field visible with {@link SimulatedInstance#show}. Replaces an
     * earlier opt-in for the same field.
     *
     * <pre>{@code
     * FakeRds rds = FakeRds.builder()
     *     .handling("ModifyDBInstance", "Domain", (request, instance) -> instance.show(d -> d
     *         .domainMemberships(DomainMembership.builder().domain("d-123").status("joined").build())))
     *     .build();
     * }</pre>
     *
     * @param operation one of the operations on a DB instance: CreateDBInstance,
     *                  RestoreDBInstanceFromDBSnapshot, RestoreDBInstanceToPointInTime,
     *                  ModifyDBInstance, RebootDBInstance, DeleteDBInstance
     * @param field     the request member as the RDS API names it
     * @throws IllegalArgumentException if {@code operation} is not one of those, its request has
     *                                  no {@code field}, or the fake already simulates it
     */
    public Builder handling(String operation, String field, FieldBehaviour behaviour) {
      Objects.requireNonNull(behaviour, "behaviour");
      FakeRdsFactory.checkOptIn(operation, field, true);
      optIns.computeIfAbsent(operation, k -> new LinkedHashMap<>()).put(field, behaviour);
      return this;
    }

    /** A new fake with this configuration and no instances, snapshots or faults. */
    public FakeRds build() {
      Map<String, Map<String, FieldBehaviour>> copy = new LinkedHashMap<>();
      optIns.forEach((op, fields) -> copy.put(op, Map.copyOf(fields)));
      return FakeRdsFactory.create(clock == null ? VirtualClock.create() : clock, timings, seed,
          region, accountId, Map.copyOf(copy));
    }
  }
}
