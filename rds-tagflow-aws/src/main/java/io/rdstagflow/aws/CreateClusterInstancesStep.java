package io.rdstagflow.aws;

import io.rdstagflow.core.Completion;
import io.rdstagflow.core.RdsInstance;
import io.rdstagflow.core.Step;
import io.rdstagflow.core.StepContext;
import io.rdstagflow.core.StepResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.CreateDbInstanceRequest;
import software.amazon.awssdk.services.rds.model.DbInstanceAlreadyExistsException;

/**
 * Creates an Aurora cluster's instances with CreateDBInstance and {@code DBClusterIdentifier}: a
 * restore or a CreateDBCluster makes a cluster without any ("You must invoke the CreateDBInstance
 * operation to create DB instances for the restored DB cluster"), and RDS accepts them only once
 * the cluster is available, which is when the engine runs a step. Two kinds, as
 * {@link ClusterMembers} names them:
 *
 * <ul>
 *   <li>{@link #writer} ({@value #WRITER}): the first instance, which Aurora makes the writer;
 *       nothing to do when the cluster already has its writer (this one, or any member the cluster
 *       names the writer);
 *   <li>{@link #readers} ({@value #READERS}): the readers the plan asks for, created together;
 *       nothing to do when there are none, or they all exist.
 * </ul>
 *
 * Each member gets the request {@link ClusterMembers} shapes (with its own {@code Tags}: an
 * instance is a resource of its own; the flow's state stays in the cluster's tags).
 *
 * <p><b>Complete</b> (see {@link #completion}) only when the cluster lists every member it created:
 * the engine asks on a settled describe, so they are {@code available} by then too. A describe
 * that lags behind the create (the member not listed yet) is not yet, naming the member.
 *
 * <p><b>Idempotent:</b> a member that exists is never created again: one the describe lists is
 * skipped, and {@code DBInstanceAlreadyExists} (one created a moment ago, not listed yet) counts
 * as created. Thread-safe.
 */
public final class CreateClusterInstancesStep implements Step {

  private static final Logger log = LoggerFactory.getLogger(CreateClusterInstancesStep.class);

  /** The writer step's name. */
  public static final String WRITER = "writer";
  /** The readers step's name. */
  public static final String READERS = "readers";

  private final RdsClient rds;
  private final ClusterMembers members;
  private final boolean writer;
  private final String name;

  private CreateClusterInstancesStep(RdsClient rds, ClusterMembers members, boolean writer, String name) {
    this.rds = Objects.requireNonNull(rds, "rds");
    this.members = Objects.requireNonNull(members, "members");
    this.writer = writer;
    this.name = Objects.requireNonNull(name, "name");
  }

  /** The step ({@value #WRITER}) that creates the cluster's writer. */
  public static CreateClusterInstancesStep writer(RdsClient rds, ClusterMembers members) {
    return new CreateClusterInstancesStep(rds, members, true, WRITER);
  }

  /** The step ({@value #READERS}) that creates the readers the plan asks for. */
  public static CreateClusterInstancesStep readers(RdsClient rds, ClusterMembers members) {
    return new CreateClusterInstancesStep(rds, members, false, READERS);
  }

  /** This step with another name (a flow with two steps of a kind, say). */
  public CreateClusterInstancesStep named(String otherName) {
    return new CreateClusterInstancesStep(rds, members, writer, otherName);
  }

  @Override
  public String name() {
    return name;
  }

  /** Creates the members that are missing, {@code started}; {@code done} without a call when none is. */
  @Override
  public StepResult run(StepContext context) {
    List<String> missing;
    try {
      missing = missing(context);
    } catch (IllegalArgumentException e) {
      return StepResult.failed(e.getMessage()); // the plan's count, named; nothing secret
    }
    if (missing.isEmpty()) {
      return StepResult.done();
    }
    for (String id : missing) {
      CreateDbInstanceRequest.Builder request = CreateDbInstanceRequest.builder();
      members.shape(context, request);
      request.dbInstanceIdentifier(id).dbClusterIdentifier(context.instanceId());
      if (request.build().engine() == null) {
        context.instance().engine().ifPresent(request::engine);
      }
      try {
        rds.createDBInstance(request.build());
        log.info("cluster {}: creating {} {}", context.instanceId(), writer ? "writer" : "reader", id);
      } catch (DbInstanceAlreadyExistsException e) {
        log.info("cluster {}: instance {} exists already; not created again", context.instanceId(), id);
      }
    }
    return StepResult.started();
  }

  /** Complete when the cluster lists every member this step creates; otherwise not yet, naming them. */
  @Override
  public Completion completion(StepContext context) {
    List<String> missing;
    try {
      missing = missing(context);
    } catch (IllegalArgumentException e) {
      return Completion.notYet(e.getMessage());
    }
    return missing.isEmpty() ? Completion.complete()
        : Completion.notYet("cluster " + context.instanceId() + " does not list " + String.join(" ", missing) + " yet");
  }

  private List<String> missing(StepContext context) {
    List<RdsInstance.Member> current = context.instance().members();
    Set<String> ids = current.stream().map(RdsInstance.Member::id).collect(Collectors.toSet());
    if (writer) {
      String id = members.writerId(context);
      boolean hasWriter = ids.contains(id) || current.stream().anyMatch(RdsInstance.Member::writer);
      return hasWriter ? List.of() : List.of(id);
    }
    List<String> missing = new ArrayList<>();
    for (String id : members.readerIds(context)) {
      if (!ids.contains(id)) {
        missing.add(id);
      }
    }
    return missing;
  }

  @Override
  public String toString() {
    return "CreateClusterInstancesStep[" + name + "]";
  }
}
