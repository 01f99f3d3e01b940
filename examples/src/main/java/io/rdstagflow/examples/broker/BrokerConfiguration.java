package io.rdstagflow.examples.broker;

import io.rdstagflow.aws.DerivedPasswordSource;
import io.rdstagflow.aws.PasswordSource;
import io.rdstagflow.aws.ReadyFlows;
import io.rdstagflow.aws.users.BoundUsers;
import io.rdstagflow.aws.users.BoundUsersStep;
import io.rdstagflow.aws.users.DriverManagerConnectionFactory;
import io.rdstagflow.aws.users.OtherLoginUsers;
import io.rdstagflow.core.Flow;
import io.rdstagflow.core.TagStateMachine;
import io.rdstagflow.spring.RdsTagflowCustomizer;
import io.rdstagflow.testkit.FakeRds;
import io.rdstagflow.testkit.LifecycleTimings;
import io.rdstagflow.testkit.VirtualClock;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.cloud.servicebroker.model.catalog.Catalog;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.services.rds.RdsClient;

/**
 * The broker's wiring: the RDS client (the embedded fake or the SDK's), the engine with its three
 * flows, the starter, the password source and the database work.
 */
@Configuration(proxyBeanMethods = false)
public class BrokerConfiguration {

  /** The snapshot the fake backend offers for {@code restore_from_snapshot}. */
  public static final String DEMO_SNAPSHOT = "demo-snapshot";
  /** The organization whose instance the demo snapshot is of. */
  public static final String DEMO_ORGANIZATION = "org-1";
  /** The space whose instance the demo snapshot is of (plan small). */
  public static final String DEMO_SPACE = "space-1";
  /** The master user of created instances. */
  public static final String MASTER_USER = "postgres";

  /**
   * The fake's lifecycle, short enough to watch with curl: the reference lifecycle's minutes as
   * seconds.
   */
  public static final LifecycleTimings FAKE_TIMINGS = new LifecycleTimings(Duration.ofSeconds(20),
      Duration.ofSeconds(6), Duration.ofSeconds(6), Duration.ofSeconds(4), Duration.ofSeconds(4),
      Duration.ofSeconds(6), Duration.ofSeconds(4));

  /*
   * The fake backend's seed: it protects nothing, since the fake keeps no password and runs no
   * database. On AWS the seed is a secret the operator supplies.
   */
  private static final byte[] FAKE_SEED = "rds-tagflow example broker: fake backend only".getBytes(StandardCharsets.UTF_8);

  /** Real time; tests replace it with a virtual clock. */
  @Bean
  public Clock clock() {
    return Clock.systemUTC();
  }

  /**
   * The embedded fake RDS with the broker's parameter group and a demo snapshot, as if of an
   * instance this broker provisioned on plan small for {@value #DEMO_ORGANIZATION} and
   * {@value #DEMO_SPACE}: restorable only there.
   */
  @Bean
  @ConditionalOnProperty(name = "rdstagflow.backend", havingValue = "fake", matchIfMissing = true)
  public FakeRds fakeRds(Clock clock, BrokerProperties properties, OsbProperties osb) {
    FakeRds fake = FakeRds.builder().clock(clock).timings(FAKE_TIMINGS).build();
    OwnerTags owner = OwnerTags.of(osb.name(), RdsCatalog.SERVICE_ID, RdsCatalog.SMALL.id(), DEMO_ORGANIZATION,
        DEMO_SPACE, Map.of());
    fake.givenSnapshot(s -> s.dbSnapshotIdentifier(DEMO_SNAPSHOT).engine("postgres").allocatedStorage(20)
        .tagList(owner.asSdkTags()));
    fake.createDBParameterGroup(r -> r.dbParameterGroupName(properties.parameterGroup())
        .dbParameterGroupFamily("postgres16").description("rds-tagflow example broker"));
    return fake;
  }

  /** Real RDS: credentials, region and endpoint from the SDK's default provider chains. */
  @Bean(destroyMethod = "close")
  @ConditionalOnProperty(name = "rdstagflow.backend", havingValue = "aws")
  public RdsClient awsRds() {
    return RdsClient.create();
  }

  /** Where master and bound-user passwords come from. */
  @Bean
  public PasswordSource passwordSource(BrokerProperties properties) {
    if (properties.passwordSeed() != null) {
      return DerivedPasswordSource.fromSeed(Base64.getDecoder().decode(properties.passwordSeed()));
    }
    if (properties.backend() == BrokerProperties.Backend.FAKE) {
      return DerivedPasswordSource.fromSeed(FAKE_SEED);
    }
    throw new IllegalStateException("rdstagflow.password-seed is required with rdstagflow.backend=aws:"
        + " base64 of at least 16 random bytes, kept in your secret store");
  }

  /** Database work: recorded on the fake, executed over JDBC on AWS. */
  @Bean
  public DatabaseUsers databaseUsers(BrokerProperties properties) {
    return properties.backend() == BrokerProperties.Backend.FAKE
        ? new RecordedDatabaseWork() : new PostgresDatabaseUsers(DriverManagerConnectionFactory.create());
  }

  /**
   * The broker's flows, as beans: the Spring Boot starter builds the engine, the gateway and the
   * starter of restores from them and the {@code RdsClient} bean.
   */
  @Bean
  public Flow createFlow(RdsClient rds, BrokerProperties properties, PasswordSource passwords,
      DatabaseUsers databaseUsers) {
    return flow(ExampleFlows.CREATE, rds, properties, passwords, databaseUsers);
  }

  /** See {@link #createFlow}. */
  @Bean
  public Flow restoreFlow(RdsClient rds, BrokerProperties properties, PasswordSource passwords,
      DatabaseUsers databaseUsers) {
    return flow(ReadyFlows.RESTORE_FROM_SNAPSHOT, rds, properties, passwords, databaseUsers);
  }

  /** See {@link #createFlow}. */
  @Bean
  public Flow updatePlanFlow(RdsClient rds, BrokerProperties properties, PasswordSource passwords,
      DatabaseUsers databaseUsers) {
    return flow(ReadyFlows.UPDATE_PLAN, rds, properties, passwords, databaseUsers);
  }

  private static Flow flow(String name, RdsClient rds, BrokerProperties properties, PasswordSource passwords,
      DatabaseUsers databaseUsers) {
    return ExampleFlows.all(rds, properties.parameterGroup(), passwords, usersStep(databaseUsers, passwords))
        .stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow();
  }

  /**
   * The engine's settings the starter's properties do not hold: the broker's clock (virtual on the
   * embedded fake, where a retried tag write pauses in virtual time) and its settle time and skew
   * (2 s and none on the fake, 30 s each on AWS).
   */
  @Bean
  public RdsTagflowCustomizer engineSettings(Clock clock, BrokerProperties properties) {
    return engine -> {
      engine.clock(clock).settleTime(properties.settleTime()).clockSkew(properties.clockSkew());
      if (clock instanceof VirtualClock virtual) {
        engine.sleeper(virtual::advance);
      }
    };
  }

  /**
   * After a restore, the database holds the source's users with the source's passwords: on AWS
   * every login user but the master is locked (their credentials belong to the source's apps; this
   * broker's own bindings create new users). On the fake the step is recorded.
   */
  private static BoundUsersStep usersStep(DatabaseUsers databaseUsers, PasswordSource passwords) {
    if (databaseUsers instanceof RecordedDatabaseWork recorded) {
      return recorded.usersStep();
    }
    return BoundUsersStep.jdbc()
        .boundUsers(BoundUsers.of(List.of()))
        .masterPasswords(passwords)
        .userPasswords(passwords)
        .otherLoginUsers(OtherLoginUsers.LOCK)
        .build();
  }

  /** The snapshots a provision may restore from. */
  @Bean
  public OwnedSnapshots ownedSnapshots(RdsClient rds) {
    return new OwnedSnapshots(rds);
  }

  /** Starts restores, creates and deletions with the flows' tags. */

  /** The catalog Spring Cloud Open Service Broker serves. */
  @Bean
  public Catalog catalog() {
    return RdsCatalog.catalog();
  }
}
