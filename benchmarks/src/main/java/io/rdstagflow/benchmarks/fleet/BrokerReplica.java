package io.rdstagflow.benchmarks.fleet;

import io.rdstagflow.aws.DerivedPasswordSource;
import io.rdstagflow.aws.RdsTagflow;
import io.rdstagflow.aws.users.BoundUsersStep;
import io.rdstagflow.core.ApiBudget;
import io.rdstagflow.core.Flow;
import io.rdstagflow.core.TagStateMachine;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import io.rdstagflow.core.Sleeper;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.rds.RdsClient;

/**
 * One broker replica as a broker on the library wires itself: its own {@link RdsClient} (here the
 * shared fake behind a {@link BrokerRdsClient} that charges this replica's budget), its own
 * {@link RdsTagflow} with the ready restore flow, its own engine with its share of the account's
 * budget and, with coalescing, its own batcher, pausing between write retries in virtual time; and
 * its request threads, which serve the platform's restore requests and polls that the load balancer
 * sends it.
 */
final class BrokerReplica implements AutoCloseable {

  /** The broker's parameter group; assigning it leaves the instance {@code pending-reboot}. */
  static final String PARAMETER_GROUP = "broker-postgres16";
  /** The engine's settle time (its default, as in the reference figures). */
  static final Duration SETTLE_TIME = Duration.ofSeconds(30);
  /* Protects nothing: the fake keeps no password. */
  private static final byte[] SEED = "rds-tagflow fleet harness: protects nothing".getBytes(StandardCharsets.UTF_8);

  final int number;
  final ApiBudget budget;
  final RdsTagflow tagflow;
  final Flow flow;
  final ExecutorService threads;
  final Semaphore permits;

  BrokerReplica(int number, FleetConfig config, RdsClient fake, Clock clock, FleetRecorder recorder,
      Sleeper sleeper) {
    this.number = number;
    this.budget = ApiBudget.perSecond(config.replicaRate(), config.replicaBurst(), clock);
    RdsClient client = BrokerRdsClient.over(fake, budget, recorder);
    this.tagflow = RdsTagflow.builder(client)
        .flow(ready -> ready.restoreFromSnapshot()
            .settings(s -> s.dbParameterGroupName(PARAMETER_GROUP).backupRetentionPeriod(7))
            .masterPassword(DerivedPasswordSource.fromSeed(SEED))
            .boundUsers(BoundUsersStep.none())
            .build())
        .engine(b -> {
          b.clock(clock).sleeper(sleeper).settleTime(SETTLE_TIME).apiBudget(budget).ownerId("replica-" + number);
          if (config.coalesce()) {
            b.coalesceDescribes(config.realWindow());
          }
        })
        .build();
    this.flow = tagflow.flows().get(0);
    AtomicInteger n = new AtomicInteger();
    ThreadFactory factory = r -> {
      Thread t = new Thread(r, "replica-" + number + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    // As many requests at once as the replica has request threads (the permits); the threads
    // themselves on demand, because a poll pausing between write retries keeps its thread (not its
    // permit) into later ticks.
    this.permits = new Semaphore(config.threadsPerReplica(), true);
    this.threads = new ThreadPoolExecutor(Math.min(config.threadsPerReplica(), 200), Integer.MAX_VALUE, 60,
        TimeUnit.SECONDS, new SynchronousQueue<>(), factory);
  }

  TagStateMachine engine() {
    return tagflow.engine();
  }

  @Override
  public void close() {
    threads.shutdownNow();
    try {
      threads.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
