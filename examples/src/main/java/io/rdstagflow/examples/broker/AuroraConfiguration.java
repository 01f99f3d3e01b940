package io.rdstagflow.examples.broker;

import io.rdstagflow.aws.PasswordSource;
import io.rdstagflow.aws.RdsTagflow;
import io.rdstagflow.aws.ReadyClusterFlows;
import io.rdstagflow.aws.osb.LastOperation;
import io.rdstagflow.core.FlowListener;
import io.rdstagflow.core.TagStateMachine;
import io.rdstagflow.spring.CompositeFlowListener;
import io.rdstagflow.spring.ObservedLastOperation;
import io.rdstagflow.spring.RdsTagflowCustomizer;
import io.rdstagflow.spring.RdsTagflowObservations;
import io.rdstagflow.spring.RdsTagflowProperties;
import io.rdstagflow.spring.servicebroker.ServiceBrokerLastOperation;
import io.rdstagflow.testkit.FakeRds;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.services.rds.RdsClient;

/**
 * The Aurora service's wiring, beside the instance service's ({@link BrokerConfiguration}): the
 * cluster engine on the same {@code RdsClient}, with the same engine settings (the starter's
 * {@code rdstagflow.*} timing properties, every {@link RdsTagflowCustomizer}, the
 * {@link FlowListener} beans) and the instance engine's API budget, so the two share the account's
 * rate; on the fake backend, a cluster parameter group and a demo cluster snapshot.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AuroraProperties.class)
public class AuroraConfiguration {

  /** The cluster snapshot the fake backend offers for an Aurora {@code restore_from_snapshot}. */
  public static final String DEMO_CLUSTER_SNAPSHOT = "demo-cluster-snapshot";

  /** The cluster engine, its starter and its OSB answer. */
  @Bean
  public AuroraClusters auroraClusters(RdsClient rds, TagStateMachine instanceEngine, AuroraProperties aurora,
      PasswordSource passwords, DatabaseUsers databaseUsers, OsbProperties osb, RdsTagflowProperties properties,
      ObjectProvider<RdsTagflowCustomizer> customizers, ObjectProvider<FlowListener> listeners,
      RdsTagflowObservations observations) {
    if (rds instanceof FakeRds fake) {
      demoFixtures(fake, aurora, osb);
    }
    RdsTagflow.Builder b = RdsTagflow.builder(rds);
    AuroraFlows.all(rds, aurora.clusterParameterGroup(), passwords, BrokerConfiguration.usersStep(databaseUsers,
        passwords)).forEach(b::clusterFlow);
    b.engine(engine -> {
      set(properties.getTagPrefix(), engine::tagPrefix);
      set(properties.getSettleTime(), engine::settleTime);
      set(properties.getPollBudget(), engine::pollBudget);
      set(properties.getClockSkew(), engine::clockSkew);
      set(properties.getTransientRetryAfter(), engine::transientRetryAfter);
      set(properties.getOwnerId(), engine::ownerId);
      engine.apiBudget(instanceEngine.apiBudget());
    });
    List<FlowListener> all = listeners.orderedStream().toList();
    if (!all.isEmpty()) {
      b.engine(engine -> engine.listener(all.size() == 1 ? all.get(0) : new CompositeFlowListener(all)));
    }
    customizers.orderedStream().forEach(c -> b.engine(c::customize));
    RdsTagflow tagflow = b.build();
    LastOperation answer = LastOperation.builder(tagflow.clusterEngine())
        .updateFlows(List.of(ReadyClusterFlows.UPDATE_PLAN)).build();
    return new AuroraClusters(tagflow.clusterEngine(), tagflow.clusterStarter(),
        new ServiceBrokerLastOperation(new ObservedLastOperation(answer, observations)));
  }

  /** The cluster snapshots an Aurora provision may restore from. */
  @Bean
  public OwnedClusterSnapshots ownedClusterSnapshots(RdsClient rds) {
    return new OwnedClusterSnapshots(rds);
  }

  /**
   * The fake backend's cluster parameter group and a demo cluster snapshot, as if of a cluster this
   * broker provisioned on plan standard for {@value BrokerConfiguration#DEMO_ORGANIZATION} and
   * {@value BrokerConfiguration#DEMO_SPACE}.
   */
  private static void demoFixtures(FakeRds fake, AuroraProperties aurora, OsbProperties osb) {
    fake.givenClusterParameterGroup(aurora.clusterParameterGroup(), "aurora-postgresql16");
    OwnerTags owner = OwnerTags.of(osb.name(), AuroraCatalog.SERVICE_ID, AuroraCatalog.STANDARD.id(),
        BrokerConfiguration.DEMO_ORGANIZATION, BrokerConfiguration.DEMO_SPACE, Map.of());
    fake.givenClusterSnapshot(s -> s.dbClusterSnapshotIdentifier(DEMO_CLUSTER_SNAPSHOT).engine(AuroraFlows.ENGINE)
        .engineVersion("16.4").masterUsername(BrokerConfiguration.MASTER_USER).tagList(owner.asSdkTags()));
  }

  private static <T> void set(T value, java.util.function.Consumer<T> setter) {
    if (value != null) {
      setter.accept(value);
    }
  }
}
