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
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The broker on the test kit's fake RDS, as a platform polls it. */
class BrokerTest {

  @Test
  void restoreFromSnapshotThenItsOwnFlowBothSucceed() {
    VirtualClock clock = VirtualClock.create();
    FakeRds fake = FakeRds.builder().clock(clock).build();
    fake.givenSnapshot(s -> s.dbSnapshotIdentifier("nightly").engine("postgres").masterUsername("master"));
    Broker broker = new Broker(fake, clock);

    String restore = broker.provision("svc-1", "nightly");
    assertEquals("succeeded", pollUntilFinal(broker, fake, clock, restore));

    String owner = broker.recordOwner("svc-1", "payments");
    assertEquals("succeeded", pollUntilFinal(broker, fake, clock, owner));
    assertEquals(Set.of("svc-1=payments"), broker.ownerStep().owners());
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
