package io.rdstagflow.examples.broker;

import io.rdstagflow.aws.DerivedPasswordSource;
import io.rdstagflow.aws.ModifySettingsStep;
import io.rdstagflow.aws.PasswordSource;
import io.rdstagflow.aws.RdsStarter;
import io.rdstagflow.aws.ReadyFlows;
import io.rdstagflow.aws.RebootIfPendingStep;
import io.rdstagflow.aws.SdkRdsGateway;
import io.rdstagflow.aws.users.BoundUsers;
import io.rdstagflow.aws.users.BoundUsersStep;
import io.rdstagflow.aws.users.DriverManagerConnectionFactory;
import io.rdstagflow.aws.users.OtherLoginUsers;
import io.rdstagflow.core.Flow;
import io.rdstagflow.core.StepContext;
import io.rdstagflow.core.TagStateMachine;
import io.rdstagflow.testkit.FakeRds;
import io.rdstagflow.testkit.LifecycleTimings;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.function.BiConsumer;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.cloud.servicebroker.model.catalog.Catalog;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.ModifyDbInstanceRequest;

/**
 * The broker's wiring: the RDS client (the embedded fake or the SDK's), the engine with its three
 * flows, the starter, the password source and the database work.
 */
@Configuration(proxyBeanMethods = false)
public class BrokerConfiguration {

  /** The flow that follows a CreateDBInstance. */
  public static final String CREATE = "create";
  /** The snapshot the fake backend offers for {@code restore_from_snapshot}. */
  public static final String DEMO_SNAPSHOT = "demo-snapshot";
  /** The master user of created instances. */
  public static final String MASTER_USER = "postgres";
  /** Flow parameters of the plan update; stored in tags, so never a secret. */
  static final String INSTANCE_CLASS = "instance-class";
  static final String STORAGE_GIB = "storage-gib";

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

  /** The embedded fake RDS with a demo snapshot and the broker's parameter group. */
  @Bean
  @ConditionalOnProperty(name = "rdstagflow.backend", havingValue = "fake", matchIfMissing = true)
  public FakeRds fakeRds(Clock clock, BrokerProperties properties) {
    FakeRds fake = FakeRds.builder().clock(clock).timings(FAKE_TIMINGS).build();
    fake.givenSnapshot(s -> s.dbSnapshotIdentifier(DEMO_SNAPSHOT).engine("postgres").allocatedStorage(20));
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
   * The engine and its flows. The same settings serve both ways of provisioning, so created and
   * restored instances end alike: after a create the settings step finds them already set and
   * makes no call.
   */
  @Bean
  public TagStateMachine engine(RdsClient rds, Clock clock, BrokerProperties properties, PasswordSource passwords,
      DatabaseUsers databaseUsers) {
    String parameterGroup = properties.parameterGroup();
    BiConsumer<StepContext, ModifyDbInstanceRequest.Builder> settings =
        (context, modify) -> modify.dbParameterGroupName(parameterGroup).backupRetentionPeriod(7);

    Flow restore = ReadyFlows.restoreFromSnapshot(rds)
        .settings(settings)
        .masterPassword(passwords)
        .boundUsers(usersStep(databaseUsers, passwords))
        .build();
    Flow create = Flow.builder(CREATE)
        .step(ModifySettingsStep.builder(rds).settings(settings).build())
        .step(new RebootIfPendingStep(rds))
        .build();
    Flow updatePlan = ReadyFlows.updatePlan(rds, (context, modify) -> {
      modify.dbInstanceClass(context.parameter(INSTANCE_CLASS));
      // RDS cannot shrink storage: a smaller plan keeps what the instance has.
      int wanted = Integer.parseInt(context.parameter(STORAGE_GIB));
      if (context.instance().allocatedStorageGib().orElse(0) < wanted) {
        modify.allocatedStorage(wanted);
      }
    });

    return TagStateMachine.builder(new SdkRdsGateway(rds))
        .flow(restore)
        .flow(create)
        .flow(updatePlan)
        .clock(clock)
        .settleTime(properties.settleTime())
        .clockSkew(properties.clockSkew())
        .build();
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

  /** Starts restores, creates and deletions with the flows' tags. */
  @Bean
  public RdsStarter rdsStarter(RdsClient rds, TagStateMachine engine) {
    return new RdsStarter(rds, engine);
  }

  /** The catalog Spring Cloud Open Service Broker serves. */
  @Bean
  public Catalog catalog() {
    return RdsCatalog.catalog();
  }
}
