package com.example.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rdstagflow.core.TagStateMachine;
import io.rdstagflow.testkit.FakeRds;
import io.rdstagflow.testkit.PollDriver;
import io.rdstagflow.testkit.PollHistory;
import io.rdstagflow.testkit.VirtualClock;
import io.rdstagflow.aws.SdkRdsGateway;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The broker on the test kit's fake RDS, as a platform polls it. */
class BrokerTest {

  @Test
  void restoreFromSnapshotThenItsOwnIamFlowBothSucceedAndTheIamSettingIsOnInRds() {
    VirtualClock clock = VirtualClock.create();
    FakeRds fake = FakeRds.builder().clock(clock).build();
    fake.givenSnapshot(s -> s.dbSnapshotIdentifier("nightly").engine("postgres").masterUsername("master"));
    Broker broker = new Broker(fake, clock);

    String restore = broker.provision("svc-1", "nightly");
    assertEquals("succeeded", pollUntilFinal(broker, fake, clock, restore));

    String iam = broker.enableIamAuth("svc-1");
    assertEquals("succeeded", pollUntilFinal(broker, fake, clock, iam));
    assertEquals(Boolean.TRUE, fake.describeDBInstances(r -> r.dbInstanceIdentifier("svc-1")).dbInstances().get(0)
        .iamDatabaseAuthenticationEnabled());
    assertEquals(400, broker.lastOperation("svc-1", "not-a-token").httpStatus());
    assertEquals("succeeded", broker.lastOperation("svc-1", "").state()); // no token: the instance status alone
  }

  /** The jars on this class path are the installed ones, and carry their stable module names. */
  @Test
  void installedJarsHaveStableModuleNames() throws Exception {
    assertEquals("io.rdstagflow.core", moduleName(TagStateMachine.class));
    assertEquals("io.rdstagflow.aws", moduleName(SdkRdsGateway.class));
    assertEquals("io.rdstagflow.testkit", moduleName(FakeRds.class));
  }

  private static String pollUntilFinal(Broker broker, FakeRds fake, VirtualClock clock, String operation) {
    AtomicReference<Broker.LastOperation> last = new AtomicReference<>();
    PollHistory history = PollDriver.on(clock).recordingCallsOf(fake).build().run(() -> {
      last.set(broker.lastOperation("svc-1", operation));
      return last.get().status();
    });
    assertTrue(history.succeeded(), history::render);
    return last.get().state();
  }

  private static String moduleName(Class<?> type) throws Exception {
    Path jar = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    assertTrue(jar.toString().contains("local-repo") && jar.toString().endsWith(".jar"),
        () -> type.getName() + " was not loaded from an installed jar: " + jar);
    return ModuleFinder.of(jar).findAll().iterator().next().descriptor().name();
  }
}
