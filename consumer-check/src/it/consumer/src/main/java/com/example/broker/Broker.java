package com.example.broker;

import io.rdstagflow.aws.DerivedPasswordSource;
import io.rdstagflow.aws.RdsTagflow;
import io.rdstagflow.aws.ReadyFlows;
import io.rdstagflow.core.Flow;
import io.rdstagflow.core.InvalidOperationTokenException;
import io.rdstagflow.core.OperationStatus;
import io.rdstagflow.core.OperationToken;
import io.rdstagflow.core.RdsCallException;
import java.time.Clock;
import java.util.Map;
import software.amazon.awssdk.services.rds.RdsClient;

/** A broker's wiring: the ready restore flow and one flow of its own, on the RdsClient it is given once. */
public final class Broker {
  static final String IAM_AUTH = "iam-auth";

  private final RdsTagflow tagflow;
  private final Flow iamAuth;

  public Broker(RdsClient rds, Clock clock) {
    iamAuth = Flow.builder(IAM_AUTH).step(new IamAuthStep(rds)).build();
    tagflow = RdsTagflow.builder(rds)
        .flow(ready -> ready.restoreFromSnapshot()
            .masterPassword(DerivedPasswordSource.fromSeed("consumer-check: not a real secret"))
            .build())
        .flow(iamAuth)
        .engine(b -> b.clock(clock))
        .build();
  }

  /** PUT /v2/service_instances/:id from a snapshot; returns OSB's "operation". */
  public String provision(String instanceId, String snapshot) {
    OperationToken token = tagflow.starter().restoreFromSnapshot(tagflow.flow(ReadyFlows.RESTORE_FROM_SNAPSHOT),
        Map.of(), r -> r.dbInstanceIdentifier(instanceId).dbSnapshotIdentifier(snapshot).dbInstanceClass("db.t3.micro"));
    return token.encode();
  }

  /** PATCH /v2/service_instances/:id turning on IAM authentication; returns OSB's "operation". */
  public String enableIamAuth(String instanceId) {
    return tagflow.engine().begin(instanceId, iamAuth, Map.of()).encode();
  }

  /** GET /v2/service_instances/:id/last_operation?operation=... (the operation may be absent or empty). */
  public LastOperation lastOperation(String instanceId, String operation) {
    try {
      return new LastOperation(200, tagflow.engine().poll(instanceId, operation));
    } catch (InvalidOperationTokenException e) {
      return new LastOperation(400, OperationStatus.failed(e.getMessage()));
    } catch (RdsCallException e) {
      return new LastOperation(500, OperationStatus.failed(e.getMessage()));
    }
  }

  /** The last_operation response: HTTP status and body. */
  public record LastOperation(int httpStatus, OperationStatus status) {
    public String state() {
      return status.state().osbValue();
    }
  }
}
