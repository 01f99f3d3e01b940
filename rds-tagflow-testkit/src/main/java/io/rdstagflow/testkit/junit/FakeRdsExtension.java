package io.rdstagflow.testkit.junit;

import io.rdstagflow.testkit.FakeRds;
import io.rdstagflow.testkit.LifecycleTimings;
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
 * call log and every instance's status and tag history when the test fails.
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
 * type {@link FakeRds}, {@link RdsClient} (the same fake) and {@link VirtualClock}; within one
 * test they all receive the same objects. Constructor parameters are not supported (the fake is
 * per test, the instance may outlive it).
 *
 * <p>The report goes to {@code System.err} unless {@link Builder#reportTo(Consumer)} says
 * otherwise; it carries no secret. Thread-safe: the extension holds only its configuration; each
 * test's objects live in that test's extension store.
 */
public final class FakeRdsExtension implements BeforeEachCallback, ParameterResolver, TestWatcher {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(FakeRdsExtension.class);

  private record PerTest(FakeRds fake, VirtualClock clock) {}

  private final LifecycleTimings timings;
  private final long seed;
  private final Instant start;
  private final Consumer<String> report;

  /** An extension with {@link LifecycleTimings#defaults()}, seed 0 and reports to stderr. */
  public FakeRdsExtension() {
    this(builder());
  }

  private FakeRdsExtension(Builder b) {
    this.timings = b.timings;
    this.seed = b.seed;
    this.start = b.start;
    this.report = b.report;
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

  /** {@code true} for parameters of type {@link FakeRds}, {@link RdsClient} or {@link VirtualClock}. */
  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context)
      throws ParameterResolutionException {
    Class<?> type = parameter.getParameter().getType();
    return type == FakeRds.class || type == RdsClient.class || type == VirtualClock.class;
  }

  /** The test's fake (for {@link FakeRds} and {@link RdsClient}) or clock. */
  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context)
      throws ParameterResolutionException {
    if (context.getTestMethod().isEmpty()) {
      throw new ParameterResolutionException(
          "FakeRdsExtension gives a fake per test; it cannot inject into a constructor or a "
              + "@BeforeAll method");
    }
    PerTest t = perTest(context);
    return parameter.getParameter().getType() == VirtualClock.class ? t.clock() : t.fake();
  }

  /** Prints the failed test's call log and instance histories. */
  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    Optional.ofNullable(context.getStore(NAMESPACE).get(key(context), PerTest.class))
        .ifPresent(t -> report.accept("FakeRds report for " + context.getDisplayName() + ":\n"
            + t.fake().report()));
  }

  private PerTest perTest(ExtensionContext context) {
    return context.getStore(NAMESPACE).getOrComputeIfAbsent(key(context), k -> {
      VirtualClock clock = VirtualClock.startingAt(start);
      return new PerTest(FakeRds.builder().clock(clock).timings(timings).seed(seed).build(),
          clock);
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

    /** The configured extension. */
    public FakeRdsExtension build() {
      return new FakeRdsExtension(this);
    }
  }
}
