package com.example.broker;

import io.rdstagflow.aws.DerivedPasswordSource;
import io.rdstagflow.aws.RdsStarter;
import io.rdstagflow.aws.ReadyFlows;
import io.rdstagflow.aws.SdkRdsGateway;
import io.rdstagflow.core.Flow;
import io.rdstagflow.core.OperationStatus;
import io.rdstagflow.core.OperationToken;
import io.rdstagflow.core.TagStateMachine;
import java.time.Clock;
import java.util.Map;
import software.amazon.awssdk.services.rds.RdsClient;

/** A broker's wiring: the ready restore flow and one flow of its own, on the RdsClient it is given. */
public final class Broker {
  static final String RECORD_OWNER = "record-owner";

  private final OwnerStep owner = new OwnerStep();
  private final TagStateMachine engine;
  private final RdsStarter starter;

  public Broker(RdsClient rds, Clock clock) {
    Flow restore = ReadyFlows.restoreFromSnapshot(rds)
        .masterPassword(DerivedPasswordSource.fromSeed("consumer-check: not a real secret"))
        .build();
    Flow recordOwner = Flow.builder(RECORD_OWNER).step(owner).build();
    engine = TagStateMachine.builder(new SdkRdsGateway(rds)).flow(restore).flow(recordOwner).clock(clock).build();
    starter = new RdsStarter(rds, engine);
  }

  /** PUT /v2/service_instances/:id from a snapshot; returns OSB's "operation". */
  public String provision(String instanceId, String snapshot) {
    OperationToken token = starter.restoreFromSnapshot(ReadyFlows.RESTORE_FROM_SNAPSHOT, Map.of(),
        r -> r.dbInstanceIdentifier(instanceId).dbSnapshotIdentifier(snapshot).dbInstanceClass("db.t3.micro"));
    return token.encode();
  }

  /** PATCH /v2/service_instances/:id with a team; returns OSB's "operation". */
  public String recordOwner(String instanceId, String team) {
    return engine.begin(instanceId, RECORD_OWNER, Map.of("team", team)).encode();
  }

  /** GET /v2/service_instances/:id/last_operation?operation=... */
  public LastOperation lastOperation(String instanceId, String operation) {
    return new LastOperation(engine.poll(instanceId, operation));
  }

  /** The teams recorded by the broker's own step. */
  public OwnerStep ownerStep() {
    return owner;
  }

  /** The last_operation response body. */
  public record LastOperation(OperationStatus status) {
    public String state() {
      return status.state().osbValue();
    }

    public String description() {
      return status.description();
    }
  }
}
