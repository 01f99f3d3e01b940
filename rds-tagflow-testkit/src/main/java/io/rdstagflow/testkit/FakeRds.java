package io.rdstagflow.testkit;

import io.rdstagflow.testkit.internal.FakeRdsFactory;
import io.rdstagflow.testkit.internal.FleetOptions;
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
 * CreateDBParameterGroup and DescribeDBParameterGroups. Every other method, the SDK's
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
 * <h2>Fleets</h2>
 *
 * <p>The account's API budget ({@link Builder#accountRateLimit}, {@link #accountBudget()}), a
 * latency per call ({@link Builder#latency}), creating times spread per instance
 * ({@link Builder#creatingSpread}), {@link #givenInstances}, {@link Builder#onEachCall} and
 * {@link Builder#callLogCapacity}: a call costs about the same with 50,000 instances as with ten.
 *
 * <h2>Contract</h2>
 *
 * <p>Thread-safe: every call and every control method runs under one lock, so several pollers
 * (or a fleet harness's threads) may share a fake; each call is applied whole, none is lost. A seeded fake driven from one thread behaves identically on every run.
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

  /** Every call received so far (the latest ones with {@link Builder#callLogCapacity(int)}). */
  CallLog calls();

  /**
   * The account's API budget: the token bucket every call to this fake draws on, and how many
   * calls it admitted and throttled. Unlimited unless the fake was built with
   * {@link Builder#accountRateLimit(double, int)}.
   */
  AccountBudget accountBudget();

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
   * Creates {@code count} instances that are already {@code available}, as
   * {@link #givenInstance(Consumer)} creates one, from one template: for a fleet harness that
   * starts from many running databases. Each identifier is {@code prefix} followed by the
   * instance's number from 0, zero-padded to the width of the largest
   * ({@code givenInstances("fleet-", 1000, t)} makes {@code fleet-000} to {@code fleet-999});
   * the template's own {@code DBInstanceIdentifier} is ignored. Not recorded in the call log and
   * takes no token from the account's budget.
   *
   * <pre>{@code
   * List<String> ids = rds.givenInstances("fleet-", 50_000,
   *     t -> t.dbInstanceClass("db.t3.micro").engine("postgres").allocatedStorage(20));
   * }</pre>
   *
   * @return the identifiers, in order (lower-cased, as RDS stores them)
   * @throws IllegalArgumentException if {@code count} is negative
   * @throws software.amazon.awssdk.services.rds.model.RdsException with the error
   *         CreateDBInstance would give for an identifier or the template; then no instance was
   *         created
   * @throws UnsupportedByFakeRdsException if the template sets a field the fake does not
   *         simulate and the builder did not opt into; then no instance was created
   */
  List<String> givenInstances(String prefix, int count,
      Consumer<CreateDbInstanceRequest.Builder> template);

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
    private Double ratePerSecond;
    private int burst;
    private LatencyModel latency = LatencyModel.none();
    private double creatingSpread;
    private Consumer<RecordedCall> listener;
    private int callLogCapacity = Integer.MAX_VALUE;

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

    /**
     * The seed of the random sources behind {@link Faults#throttleShare(double)}, the
     * {@link #latency(LatencyModel) latencies} and the {@link #creatingSpread(double) creating
     * times}; 0 if not set.
     */
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

    /**
     * Limits the calls to the fake as RDS limits an account's: a token bucket of {@code burst}
     * tokens, full at the start, refilled at {@code perSecond} tokens a second on the fake's
     * clock and shared by every call of a supported operation, whatever thread or client makes
     * it. A call that finds the bucket dry fails with {@code Throttling} (HTTP 400,
     * {@code Rate exceeded}) and changes nothing; see {@link AccountBudget}. RDS documents a
     * burst of 300 and 12 requests a second: {@code accountRateLimit(12, 300)}. No limit if not
     * set.
     *
     * @param perSecond tokens added per second; 0 for a bucket that never refills
     * @param burst     the bucket's size, at least 1
     * @throws IllegalArgumentException if {@code perSecond} is negative or not finite, or
     *                                  {@code burst} is less than 1
     */
    public Builder accountRateLimit(double perSecond, int burst) {
      if (!(perSecond >= 0) || Double.isInfinite(perSecond)) {
        throw new IllegalArgumentException("perSecond must be finite and not negative: "
            + perSecond);
      }
      if (burst < 1) {
        throw new IllegalArgumentException("burst must be at least 1: " + burst);
      }
      this.ratePerSecond = perSecond;
      this.burst = burst;
      return this;
    }

    /**
     * The simulated latency of each call, recorded as {@link RecordedCall#latency()}, e.g.
     * {@link LatencyModel#rdsLike()}; drawn from a source seeded by {@link #seed(long)}. Nothing
     * sleeps. {@link LatencyModel#none()} if not set.
     */
    public Builder latency(LatencyModel model) {
      this.latency = Objects.requireNonNull(model, "model");
      return this;
    }

    /**
     * Makes each new instance (CreateDBInstance, either restore) {@code creating} for its own
     * time, as real restores of snapshots of varied sizes are: the timings'
     * {@link LifecycleTimings#creating()} times e<sup>sigma·Z</sup>, Z standard normal cut at
     * ±3, drawn from the seed and the instance identifier (so the same on every run, whatever
     * the order of the calls). With {@code sigma} 0.5 half the restores take between 0.7 and
     * 1.4 times the timings' value and one in a hundred more than 3.2 times. 0 (the default)
     * gives every instance exactly the timings' value.
     *
     * @throws IllegalArgumentException if {@code sigma} is negative or not finite
     */
    public Builder creatingSpread(double sigma) {
      if (!(sigma >= 0) || Double.isInfinite(sigma)) {
        throw new IllegalArgumentException("sigma must be finite and not negative: " + sigma);
      }
      this.creatingSpread = sigma;
      return this;
    }

    /**
     * Tells {@code listener} of each call once it is recorded, on the thread that made the call,
     * outside the fake's lock, before the call returns or throws: how a harness sums the
     * latencies of its own calls (in a thread-local, say) or counts calls without keeping the
     * log. An exception the listener throws reaches the caller in place of the call's outcome.
     * Replaces an earlier listener.
     */
    public Builder onEachCall(Consumer<RecordedCall> listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Keeps only the latest {@code capacity} calls in {@link FakeRds#calls()}, so a long fleet
     * run does not hold every request in memory; sequence numbers still count every call, and a
     * mark taken before the oldest kept call sees the kept ones. Every call is kept if not set.
     *
     * @throws IllegalArgumentException if {@code capacity} is less than 1
     */
    public Builder callLogCapacity(int capacity) {
      if (capacity < 1) {
        throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
      }
      this.callLogCapacity = capacity;
      return this;
    }

    /** A new fake with this configuration and no instances, snapshots or faults. */
    public FakeRds build() {
      Map<String, Map<String, FieldBehaviour>> copy = new LinkedHashMap<>();
      optIns.forEach((op, fields) -> copy.put(op, Map.copyOf(fields)));
      return FakeRdsFactory.create(clock == null ? VirtualClock.create() : clock, timings, seed,
          region, accountId, Map.copyOf(copy), new FleetOptions(ratePerSecond, burst, latency,
              creatingSpread, listener, callLogCapacity));
    }
  }
}
