package io.rdstagflow.examples.broker;

import io.rdstagflow.aws.users.BoundUsersStep;
import io.rdstagflow.core.RdsInstance;
import io.rdstagflow.core.StepContext;
import io.rdstagflow.core.StepResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database work of the fake backend: the fake RDS runs no database, so binding, unbinding and
 * the restore flow's {@code users} step are recorded here (user names and actions, never a
 * password) instead of executed, and the users they would leave (whether each may log in, its
 * comment) are kept here, standing in for the database. Thread-safe.
 */
public final class RecordedDatabaseWork implements DatabaseUsers {

  private static final Logger log = LoggerFactory.getLogger(RecordedDatabaseWork.class);

  /**
   * One piece of database work that was recorded.
   *
   * @param instanceId the instance
   * @param action     what would have run, e.g. {@code create-login}
   * @param user       the database user, or empty for work on all bound users
   */
  public record Work(String instanceId, String action, String user) {}

  private final List<Work> recorded = new ArrayList<>();
  // instance id, then user: what the database would hold
  private final Map<String, Map<String, Login>> users = new HashMap<>();

  @Override
  public synchronized Optional<Login> login(RdsInstance instance, String masterPassword, String user) {
    return Optional.ofNullable(users.getOrDefault(instance.id(), Map.of()).get(user));
  }

  @Override
  public synchronized void createLogin(RdsInstance instance, String masterPassword, String user, String password,
      String comment) {
    users.computeIfAbsent(instance.id(), id -> new HashMap<>()).put(user, new Login(true, comment));
    record(new Work(instance.id(), "create-login", user));
  }

  @Override
  public synchronized void lockLogin(RdsInstance instance, String masterPassword, String user) {
    users.getOrDefault(instance.id(), new HashMap<>()).computeIfPresent(user, (u, login) -> new Login(false,
        login.comment()));
    record(new Work(instance.id(), "lock-login", user));
  }

  /**
   * The restore flow's {@code users} step on the fake: records that the bound users' passwords would
   * be reset (and the source's other login users locked), and is done.
   */
  public BoundUsersStep usersStep() {
    return new BoundUsersStep() {
      @Override
      public String name() {
        return DEFAULT_NAME;
      }

      @Override
      public StepResult run(StepContext context) {
        record(new Work(context.instanceId(), "reset-bound-users", ""));
        return StepResult.done();
      }
    };
  }

  /** Everything recorded so far, oldest first. */
  public synchronized List<Work> recorded() {
    return List.copyOf(recorded);
  }

  private synchronized void record(Work work) {
    recorded.add(work);
    log.info("instance {}: {}{} recorded, not executed (the fake RDS runs no database)", work.instanceId(),
        work.action(), work.user().isEmpty() ? "" : " " + work.user());
  }
}
