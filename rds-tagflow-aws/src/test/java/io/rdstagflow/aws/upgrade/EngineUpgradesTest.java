package io.rdstagflow.aws.upgrade;

import static io.rdstagflow.aws.upgrade.UpgradeFixture.ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.rdstagflow.aws.RdsStarter;
import io.rdstagflow.aws.ReadyFlows;
import io.rdstagflow.core.ConcurrentOperationException;
import io.rdstagflow.core.Flow;
import io.rdstagflow.core.OperationToken;
import io.rdstagflow.core.TagLimitException;
import io.rdstagflow.core.TagStateMachine;
import io.rdstagflow.testkit.CallLog;
import io.rdstagflow.testkit.RecordedCall;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DescribeOrderableDbInstanceOptionsRequest;
import software.amazon.awssdk.services.rds.model.DescribeOrderableDbInstanceOptionsResponse;
import software.amazon.awssdk.services.rds.model.Tag;

/** Upgrades refused before anything changes, the path RDS offers, and what cannot be checked. */
class EngineUpgradesTest {

  private final UpgradeFixture f = new UpgradeFixture();

  private UpgradeRefusedException refusal(String target) {
    TagStateMachine engine = f.engine();
    CallLog.Mark mark = f.rds.calls().mark();
    UpgradeRefusedException e = catchThrowableOfType(UpgradeRefusedException.class, () -> f.upgrade(engine, target));
    assertThat(e).as("refused").isNotNull();
    List<String> writes = f.rds.calls().since(mark).stream().map(RecordedCall::operation)
        .filter(o -> !o.startsWith("Describe")).toList();
    assertThat(writes).as("nothing changed before the refusal").isEmpty();
    assertThat(engine.inspect(ID).operation()).isEmpty();
    return e;
  }

  @Test
  void thePathFollowsValidUpgradeTargetsWithTheFewestHopsAndTheNewestVersions() {
    UpgradePlan plan = new EngineUpgrades(f.rds, f.engine()).plan(f.flow, ID, "17.2");

    assertThat(plan.path().describe()).isEqualTo("13.15 -> 14.12 -> 15.7 -> 16.3 -> 17.2");
    assertThat(plan.path().hops()).allMatch(UpgradePath.Hop::major);
    assertThat(plan.parameters()).containsExactly(Map.entry("upgrade-path",
        "13.15/postgres13 14.12/postgres14 15.7/postgres15 16.3/postgres16 17.2/postgres17"));
    assertThat(plan.unchecked()).isEmpty();
    assertThat(UpgradePath.parse(plan.path().encode())).isEqualTo(plan.path());
  }

  @Test
  void aDowngradeIsRefused() {
    UpgradeFixture g = new UpgradeFixture("15.7", "db.t3.medium");
    TagStateMachine engine = g.engine();
    UpgradeRefusedException e = catchThrowableOfType(UpgradeRefusedException.class, () -> g.upgrade(engine, "13.15"));

    assertThat(e.reason()).isEqualTo(UpgradeRefusedException.Reason.DOWNGRADE);
    assertThat(e).hasMessage("postgres 13.15 is older than instance svc-1's 15.7: RDS does not downgrade an engine;"
        + " restore a snapshot of the older version instead");
    assertThat(g.rds.calls().count("ModifyDBInstance")).isZero();
  }

  @Test
  void aVersionRdsDoesNotOfferIsRefused() {
    UpgradeRefusedException e = refusal("17.9");

    assertThat(e.reason()).isEqualTo(UpgradeRefusedException.Reason.NOT_OFFERED);
    assertThat(e).hasMessage("postgres 17.9 is not offered: DescribeDBEngineVersions lists no such version"
        + " (RDS offers from 13.15: 13.16, 14.12)");
  }

  @Test
  void aTargetNoPathReachesIsRefused() {
    f.rds.engineVersions().offer("postgres", "18.0", "postgres18", List.of()); // offered, but no version leads to it

    UpgradeRefusedException e = refusal("18.0");

    assertThat(e.reason()).isEqualTo(UpgradeRefusedException.Reason.NO_PATH);
    assertThat(e).hasMessage("no sequence of upgrades RDS offers leads from postgres 13.15 to 18.0"
        + " (RDS offers from 13.15: 13.16, 14.12)");
  }

  @Test
  void theVersionTheInstanceRunsIsRefused() {
    UpgradeRefusedException e = refusal("13.15");

    assertThat(e.reason()).isEqualTo(UpgradeRefusedException.Reason.ALREADY_AT_TARGET);
    assertThat(e).hasMessage("instance svc-1 already runs postgres 13.15");
  }

  @Test
  void anInstanceClassAVersionOnThePathDoesNotRunOnIsRefused() {
    UpgradeFixture g = new UpgradeFixture("13.15", "db.m4.large");
    TagStateMachine engine = g.engine();
    UpgradeRefusedException e = catchThrowableOfType(UpgradeRefusedException.class, () -> g.upgrade(engine, "17.2"));

    assertThat(e.reason()).isEqualTo(UpgradeRefusedException.Reason.INSTANCE_CLASS_UNSUPPORTED);
    assertThat(e).hasMessage("instance class db.m4.large is not offered for postgres 14.12 (on the path 13.15 -> 14.12"
        + " -> 15.7 -> 16.3 -> 17.2): move the instance to a current class first, for example db.m5.large,"
        + " db.m5.xlarge, db.m6g.large");
    // It can still go as far as it runs.
    assertThat(new EngineUpgrades(g.rds, engine).plan(g.flow, ID, "13.16").path().describe())
        .isEqualTo("13.15 -> 13.16");
  }

  @Test
  void anEmptyOrderableAnswerMeansUnknownAndTheUpgradeGoesOn() {
    RdsClient noOrderable = withoutOrderableOptions(f.rds);
    Flow flow = f.flow(noOrderable, b -> { });
    TagStateMachine engine = TagStateMachine.builder(new io.rdstagflow.aws.SdkRdsGateway(noOrderable)).flow(flow)
        .clock(f.clock).build();

    UpgradePlan plan = new EngineUpgrades(noOrderable, engine).plan(flow, ID, "15.7");

    assertThat(plan.unchecked()).containsExactly(
        "instance class db.t3.medium on 14.12 (DescribeOrderableDBInstanceOptions lists no classes)",
        "instance class db.t3.medium on 15.7 (DescribeOrderableDBInstanceOptions lists no classes)");
    assertThat(new RdsStarter(noOrderable, engine).upgradeEngine(flow, ID, "15.7")).isNotNull();
  }

  @Test
  void anOptionGroupOfTheInstancesOwnNeedsARuleForTheNewMajorVersions() {
    f.rds.givenParameterGroup("broker-mysql5-7", "mysql5.7");
    f.rds.givenInstance(r -> r.dbInstanceIdentifier("my-1").engine("mysql").engineVersion("5.7.44")
        .dbInstanceClass("db.t3.medium").masterUsername("admin").dbParameterGroupName("broker-mysql5-7")
        .optionGroupName("broker-mysql-5-7"));
    Flow without = f.flow(b -> { });
    f.flow = without;
    TagStateMachine engine = f.engine();

    UpgradeRefusedException e = catchThrowableOfType(UpgradeRefusedException.class,
        () -> new RdsStarter(f.rds, engine).upgradeEngine(without, "my-1", "8.4.3"));

    assertThat(e.reason()).isEqualTo(UpgradeRefusedException.Reason.OPTION_GROUP_NEEDED);
    assertThat(e).hasMessageStartingWith("instance my-1 uses option group broker-mysql-5-7, and a major upgrade needs"
        + " one of the new major version");

    // With a rule: each major hop names the option group of its version; the groups carry the custom parameters.
    f.flow = f.flow(b -> b.optionGroups((id, current, hop) -> "broker-mysql-" + hop.to().replaceAll("\\.\\d+$", "")
        .replace('.', '-')));
    TagStateMachine withRule = f.engine();
    OperationToken token = new RdsStarter(f.rds, withRule).upgradeEngine(f.flow, "my-1", "8.4.3");
    assertThat(f.pollUntilDone(() -> withRule.poll("my-1", token)).succeeded()).isTrue();
    assertThat(f.rds.calls().all().stream().filter(c -> c.operation().equals("ModifyDBInstance") && !c.threw())
        .map(c -> ((software.amazon.awssdk.services.rds.model.ModifyDbInstanceRequest) c.request()).optionGroupName())
        .toList()).containsExactly("broker-mysql-8-0", "broker-mysql-8-4");
    assertThat(f.rds.describeDBInstances(r -> r.dbInstanceIdentifier("my-1")).dbInstances().get(0)
        .dbParameterGroups().get(0).dbParameterGroupName()).isEqualTo("broker-mysql8-4");
  }

  @Test
  void anotherOperationRunningIsAConcurrencyErrorAndTheSameUpgradeAgainIsTheSameOperation() {
    TagStateMachine engine = f.engine();
    OperationToken token = f.upgrade(engine, "17.2");

    assertThat(f.upgrade(engine, "17.2")).as("repeated before any poll").isEqualTo(token);
    assertThatThrownBy(() -> f.upgrade(engine, "15.7")).isInstanceOf(ConcurrentOperationException.class);
  }

  @Test
  void theHopTagIsCountedWhenTheUpgradeBegins() {
    // 50 tags less what the operation needs (flow, 3 steps, 1 parameter) leaves 45: with the hop tag, one too many.
    List<Tag> tags = IntStream.range(0, 45).mapToObj(k -> Tag.builder().key("team-" + k).value("v").build()).toList();
    f.rds.addTagsToResource(r -> r.resourceName(f.rds.instanceArn(ID)).tags(tags));

    assertThatThrownBy(() -> f.upgrade(f.engine(), "17.2")).isInstanceOf(TagLimitException.class);
    assertThat(f.rds.calls().count("ModifyDBInstance")).isZero();
  }

  @Test
  void theFlowNeedsAChoiceAboutExtensions() {
    assertThatThrownBy(() -> ReadyFlows.engineUpgrade(f.rds).build()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("extensions(step) or withoutExtensionUpdates()");
    assertThat(ReadyFlows.engineUpgrade(f.rds).withoutExtensionUpdates().build().steps())
        .extracting(io.rdstagflow.core.Step::name).containsExactly("upgrade");
    assertThat(f.flow.steps()).extracting(io.rdstagflow.core.Step::name)
        .containsExactly("snapshot", "upgrade", "extensions");
    assertThat(f.flow.policy(1).deadline().forInstance(f.engine().inspect(ID).instance()))
        .isEqualTo(Duration.ofHours(12));
  }

  /** The fake, answering DescribeOrderableDBInstanceOptions with nothing, as moto does. */
  private static RdsClient withoutOrderableOptions(RdsClient rds) {
    return (RdsClient) Proxy.newProxyInstance(RdsClient.class.getClassLoader(), new Class<?>[] {RdsClient.class},
        (proxy, method, args) -> {
          if (method.getName().equals("describeOrderableDBInstanceOptions") && args != null && args.length == 1
              && args[0] instanceof DescribeOrderableDbInstanceOptionsRequest) {
            return DescribeOrderableDbInstanceOptionsResponse.builder().build();
          }
          if (method.isDefault() && method.getName().equals("describeOrderableDBInstanceOptions")) {
            return java.lang.reflect.InvocationHandler.invokeDefault(proxy, method, args);
          }
          try {
            return method.invoke(rds, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }
}
