package io.rdstagflow.testkit.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.rdstagflow.core.OperationStatus;
import io.rdstagflow.testkit.FakeRds;
import io.rdstagflow.testkit.PollDriver;
import io.rdstagflow.testkit.PollHistory;
import io.rdstagflow.testkit.RecordedCall;
import io.rdstagflow.testkit.LifecycleTimings;
import io.rdstagflow.testkit.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.Tag;

class FakeRdsExtensionTest {

  static final List<String> REPORTS = new CopyOnWriteArrayList<>();
  static final List<Object> SEEN = new CopyOnWriteArrayList<>();

  /** Run through the engine test kit only (a nested class, so Surefire does not pick it up). */
  static class ExampleTests {
    @RegisterExtension
    final FakeRdsExtension rds = FakeRdsExtension.builder()
        .timings(LifecycleTimings.defaults().withCreating(Duration.ofMinutes(1)))
        .startingAt(Instant.parse("2030-01-01T00:00:00Z"))
        .reportTo(REPORTS::add)
        .build();

    @Test
    void first(FakeRds fake, RdsClient client, VirtualClock clock) {
      SEEN.add(fake);
      assertThat(client).isSameAs(fake);
      assertThat(fake.clock()).isSameAs(clock);
      assertThat(clock.instant()).isEqualTo(Instant.parse("2030-01-01T00:00:00Z"));
      fake.createDBInstance(r -> r.dbInstanceIdentifier("db1").dbInstanceClass("db.t3.micro").engine("postgres"));
      clock.advance(Duration.ofMinutes(1));
      assertThat(fake.describeDBInstances().dbInstances().get(0).dbInstanceStatus()).isEqualTo("available");
    }

    @Test
    void second(FakeRds fake) {
      SEEN.add(fake);
      assertThat(fake.calls().all()).isEmpty();
    }

    @Test
    void failing(FakeRds fake) {
      fake.createDBInstance(r -> r.dbInstanceIdentifier("broken").dbInstanceClass("db.t3.micro")
          .engine("postgres").masterUserPassword("NeverPrintMe123")
          .tags(Tag.builder().key("tagflow:flow").value("name=x").build()));
      assertThat(fake.describeDBInstances().dbInstances()).isEmpty();
    }
  }

  static class DriverTests {
    @RegisterExtension
    final FakeRdsExtension rds = FakeRdsExtension.builder()
        .timings(LifecycleTimings.defaults().withCreating(Duration.ofMinutes(5)))
        .pollDriver(d -> d.interval(Duration.ofMinutes(2)))
        .build();

    @Test
    void driverRunsOnTheTestsClockAndRecordsTheTestsFake(FakeRds fake, VirtualClock clock, PollDriver driver) {
      fake.createDBInstance(r -> r.dbInstanceIdentifier("db1").dbInstanceClass("db.t3.micro").engine("postgres"));
      PollHistory h = driver.run(() -> {
        String status = fake.describeDBInstances(r -> r.dbInstanceIdentifier("db1")).dbInstances().get(0)
            .dbInstanceStatus();
        return status.equals("available") ? OperationStatus.succeeded(status) : OperationStatus.inProgress(status);
      });
      assertThat(h.succeeded()).isTrue();
      // Polls at 2, 4 and 6 minutes: the configured interval on the test's own clock.
      assertThat(h.polls()).hasSize(3);
      assertThat(h.elapsed()).isEqualTo(Duration.ofMinutes(6));
      assertThat(h.calls()).extracting(RecordedCall::operation).containsOnly("DescribeDBInstances").hasSize(3);
      SEEN.add(driver);
    }
  }

  static class ConfiguredFakeTests {
    @RegisterExtension
    final FakeRdsExtension rds = FakeRdsExtension.builder()
        .timings(LifecycleTimings.instant())
        .fake(f -> f.ignoring("CreateDBInstance", "LicenseModel"))
        .build();

    @Test
    void theFakeHasTheConfiguredOptIns(FakeRds fake, VirtualClock clock) {
      assertThat(fake.clock()).isSameAs(clock);
      fake.createDBInstance(r -> r.dbInstanceIdentifier("db1").dbInstanceClass("db.t3.micro").engine("postgres")
          .licenseModel("postgresql-license"));
      assertThat(fake.calls().all().get(0).ignoredFields()).containsExactly("LicenseModel");
    }
  }

  @ExtendWith(FakeRdsExtension.class)
  static class PlainTests {
    @Test
    void injected(FakeRds fake, VirtualClock clock) {
      assertThat(clock.instant()).isEqualTo(VirtualClock.DEFAULT_START);
      assertThat(fake.timings()).isEqualTo(LifecycleTimings.defaults());
    }
  }

  @Test
  void eachTestGetsAFreshInjectedFakeAndAFailingTestPrintsTheCallLogAndHistories() {
    REPORTS.clear();
    SEEN.clear();
    Events tests = EngineTestKit.engine("junit-jupiter").selectors(selectClass(ExampleTests.class))
        .execute().testEvents();

    tests.assertStatistics(s -> s.started(3).succeeded(2).failed(1));
    assertThat(SEEN).hasSize(2);
    assertThat(SEEN.get(0)).isNotSameAs(SEEN.get(1));
    assertThat(REPORTS).singleElement().satisfies(report -> assertThat(report)
        .contains("failing(FakeRds)")
        .contains("CreateDBInstance [broken] -> ok")
        .contains("DescribeDBInstances")
        .contains("instance broken")
        .contains("status creating")
        .contains("tagflow:flow=name=x")
        .doesNotContain("NeverPrintMe123"));
  }

  @Test
  void aTestCanReceiveAReadyPollDriver() {
    SEEN.clear();
    EngineTestKit.engine("junit-jupiter").selectors(selectClass(DriverTests.class)).execute()
        .testEvents().assertStatistics(s -> s.started(1).succeeded(1));
    assertThat(SEEN).singleElement().isInstanceOf(PollDriver.class);
  }

  @Test
  void eachTestsFakeTakesTheExtensionsFakeConfiguration() {
    EngineTestKit.engine("junit-jupiter").selectors(selectClass(ConfiguredFakeTests.class)).execute()
        .testEvents().assertStatistics(s -> s.started(1).succeeded(1));
  }

  @Test
  void extendWithGivesTheDefaults() {
    EngineTestKit.engine("junit-jupiter").selectors(selectClass(PlainTests.class)).execute()
        .testEvents().assertStatistics(s -> s.started(1).succeeded(1));
  }
}
