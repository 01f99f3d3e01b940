package io.rdstagflow.testkit.junit;

import io.rdstagflow.testkit.FakeRds;
import io.rdstagflow.testkit.LifecycleTimings;
import io.rdstagflow.testkit.PollDriver;
import io.rdstagflow.testkit.VirtualClock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestWatcher;
import software.amazon.awssdk.services.rds.RdsClient;

/**
 * Gives each test a fresh {@link FakeRds} on a fresh {@link VirtualClock}, and prints the fake's
 * call log and every instance's and cluster's status and tag history when the test fails.
 *
 * <p>Use it plainly with {@code @ExtendWith(FakeRdsExtension.class)} (default timings, seed 0)
 * or configured with {@code @RegisterExtension}:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final FakeRdsExtension RDS = FakeRdsExtension.builder()
 *     .timings(LifecycleTimings.defaults().withCreating(Duration.ofMinutes(30)))
 *     .seed(42)
 *     .build();
 *
 * @Test
 * void restoreSucceeds(FakeRds rds, VirtualClock clock) { ... }
 * }</pre>
 *
 * <p>Test methods, {@code @BeforeEach} and {@code @AfterEach} methods may declare parameters of
 * type {@link FakeRds}, {@link RdsClient} (the same fake), {@link VirtualClock} and
 * {@link PollDriver} (on the test's clock, recording the fake's calls per poll, configured by
 * {@link Builder#pollDriver(Consumer)}); within one test they all receive the same objects. Constructor parameters are not supported (the fake is
 * per test, the instance may outlive it).
 *
 * <p>The report goes to {@code System.err} unless {@link Builder#reportTo(Consumer)} says
 * otherwise; it carries no secret. Thread-safe: the extension holds only its configuration; each
 * test's objects live in that test's extension store.
 */
public final class FakeRdsExtension implements BeforeEachCallback, ParameterResolver, TestWatcher {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(FakeRdsExtension.class);

  private record PerTest(FakeRds fake, VirtualClock clock, PollDriver driver) {}

  private final LifecycleTimings timings;
  private final long seed;
  private final Instant start;
  private final Consumer<String> report;
  private final Consumer<FakeRds.Builder> fake;
  private final Consumer<PollDriver.Builder> driver;

  /** An extension with {@link LifecycleTimings#defaults()}, seed 0 and reports to stderr. */
  public FakeRdsExtension() {
    this(builder());
  }

  private FakeRdsExtension(Builder b) {
    this.timings = b.timings;
    this.seed = b.seed;
    this.start = b.start;
    this.report = b.report;
    this.fake = b.fake;
    this.driver = b.driver;
  }

  /** A builder for a configured extension. */
  public static Builder builder() {
    return new Builder();
  }

  /** Creates the test's fake and clock. */
  @Override
  public void beforeEach(ExtensionContext context) {
    perTest(context);
  }

  /**
   * {@code true} for parameters of type {@link FakeRds}, {@link RdsClient}, {@link VirtualClock}
   * or {@link PollDriver}.
   */
  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context)
      throws ParameterResolutionException {
    Class<?> type = parameter.getParameter().getType();
    return type == FakeRds.class || type == RdsClient.class || type == VirtualClock.class
        || type == PollDriver.class;
  }

  /** The test's fake (for {@link FakeRds} and {@link RdsClient}), clock or poll driver. */
  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context)
      throws ParameterResolutionException {
    if (context.getTestMethod().isEmpty()) {
      throw new ParameterResolutionException(
          "FakeRdsExtension gives a fake per test; it cannot inject into a constructor or a "
              + "@BeforeAll method");
    }
    PerTest t = perTest(context);
    Class<?> type = parameter.getParameter().getType();
    if (type == VirtualClock.class) {
      return t.clock();
    }
    return type == PollDriver.class ? t.driver() : t.fake();
  }

  /** Prints the failed test's call log and instance and cluster histories. */
  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    Optional.ofNullable(context.getStore(NAMESPACE).get(key(context), PerTest.class))
        .ifPresent(t -> report.accept("FakeRds report for " + context.getDisplayName() + ":\n"
            + t.fake().report()));
  }

  private PerTest perTest(ExtensionContext context) {
    return context.getStore(NAMESPACE).getOrComputeIfAbsent(key(context), k -> {
      VirtualClock clock = VirtualClock.startingAt(start);
      FakeRds.Builder fakeBuilder = FakeRds.builder().clock(clock).timings(timings).seed(seed);
      fake.accept(fakeBuilder);
      FakeRds built = fakeBuilder.clock(clock).build();
      PollDriver.Builder driverBuilder = PollDriver.on(clock).recordingCallsOf(built);
      driver.accept(driverBuilder);
      return new PerTest(built, clock, driverBuilder.build());
    }, PerTest.class);
  }

  private static String key(ExtensionContext context) {
    return context.getUniqueId();
  }

  /** Configures a {@link FakeRdsExtension}. Not thread-safe. */
  public static final class Builder {
    private LifecycleTimings timings = LifecycleTimings.defaults();
    private long seed;
    private Instant start = VirtualClock.DEFAULT_START;
    private Consumer<String> report = System.err::println;
    private Consumer<FakeRds.Builder> fake = b -> { };
    private Consumer<PollDriver.Builder> driver = b -> { };

    private Builder() {}

    /** The lifecycle durations of each test's fake. */
    public Builder timings(LifecycleTimings timings) {
      this.timings = Objects.requireNonNull(timings, "timings");
      return this;
    }

    /** The seed of each test's fake (each test starts from the same seed). */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Where each test's clock starts; {@link VirtualClock#DEFAULT_START} if not set. */
    public Builder startingAt(Instant start) {
      this.start = Objects.requireNonNull(start, "start");
      return this;
    }

    /** Where a failed test's report goes; {@code System.err} if not set. */
    public Builder reportTo(Consumer<String> sink) {
      this.report = Objects.requireNonNull(sink, "sink");
      return this;
    }

    /**
     * Further configuration of each test's fake, e.g. the request fields it may ignore
     * ({@link FakeRds.Builder#ignoring(String, String)}). Applied after {@link #timings} and
     * {@link #seed}; the clock is always the test's own {@link VirtualClock}.
     */
    public Builder fake(Consumer<FakeRds.Builder> configuration) {
      this.fake = Objects.requireNonNull(configuration, "configuration");
      return this;
    }

    /**
     * Configures the {@link PollDriver} a test receives as a parameter (interval, limits, hooks).
     * It always runs on the test's clock and records the test's fake's calls per poll; the
     * defaults are {@link PollDriver.Builder}'s (60 s, Cloud Foundry's).
     */
    public Builder pollDriver(Consumer<PollDriver.Builder> configuration) {
      this.driver = Objects.requireNonNull(configuration, "configuration");
      return this;
    }

    /** The configured extension. */
    public FakeRdsExtension build() {
      return new FakeRdsExtension(this);
    }
  }
}
