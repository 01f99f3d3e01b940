package io.rdstagflow.core.internal;

import io.rdstagflow.core.ApiBudget;
import io.rdstagflow.core.ApiBudgetExhaustedException;
import io.rdstagflow.core.RdsCallException;
import io.rdstagflow.core.RdsInstance;
import io.rdstagflow.core.spi.ErrorClassification;
import io.rdstagflow.core.spi.RdsGateway;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Every RDS call the engine makes, charged to the engine's {@link ApiBudget} and classified once: a
 * failure becomes an {@link RdsCallException} naming the call and carrying the gateway's
 * classification (never the underlying message). A poll's describe waits its turn (or, with a
 * coalescing window, joins the batch of polls that arrive together); a poll pays ahead for new
 * work it is about to do; tag writes go first. One per engine; thread-safe.
 */
final class RdsCalls {

  private final RdsGateway gateway;
  private final ApiBudget budget;
  private final DescribeBatcher batcher;

  RdsCalls(RdsGateway gateway, ApiBudget budget, Duration coalescingWindow) {
    this.gateway = gateway;
    this.budget = budget;
    this.batcher = coalescingWindow.isZero() ? null : new DescribeBatcher(coalescingWindow, this::describeBatch);
  }

  /**
   * A poll's describe: a fresh call (or a share of one sent after this call began).
   *
   * @throws ApiBudgetExhaustedException if the budget has no token: nothing was sent
   */
  Optional<RdsInstance> describe(String instanceId) {
    if (batcher != null) {
      return batcher.describe(instanceId);
    }
    admit();
    return call("DescribeDBInstances", () -> gateway.describe(instanceId));
  }

  /**
   * Runs a described poll's decision: the calls inside it (the engine's and, through the SDK
   * interceptor, its steps') go first, spending what the poll paid ahead; what it did not spend
   * goes back to the budget when it ends.
   */
  <T> T inPoll(Supplier<T> decision) {
    try {
      return CallScope.POLL.run(decision);
    } finally {
      budget.releaseUnspent();
    }
  }

  /**
   * Makes sure this poll has paid ahead for its next {@code calls} calls of new work.
   *
   * @return {@link Duration#ZERO} if it has; otherwise the budget's wait (nothing was taken)
   */
  Duration payForWork(int calls) {
    int more = calls - budget.paidAhead();
    return more <= 0 ? Duration.ZERO : budget.tryAcquireForWork(more);
  }

  /** A describe that goes first: begin, an operator's action, a claim's read-back. */
  Optional<RdsInstance> describeFirst(String instanceId) {
    budget.acquireFirst();
    return call("DescribeDBInstances", () -> gateway.describe(instanceId));
  }

  void addTags(RdsInstance instance, Map<String, String> tags) {
    budget.acquireFirst();
    call("AddTagsToResource", () -> {
      gateway.addTags(instance, tags);
      return null;
    });
  }

  void removeTags(RdsInstance instance, Collection<String> keys) {
    budget.acquireFirst();
    call("RemoveTagsFromResource", () -> {
      gateway.removeTags(instance, keys);
      return null;
    });
  }

  ErrorClassification classify(Throwable e) {
    if (e instanceof RdsCallException r) {
      return r.classification();
    }
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ApiBudgetExhaustedException) {
        return ErrorClassification.transientError(ApiBudgetExhaustedException.CODE);
      }
    }
    ErrorClassification c = gateway.classify(e);
    if (c.isThrottling()) {
      budget.throttled();
    }
    return c;
  }

  private List<RdsInstance> describeBatch(Set<String> ids) {
    admit();
    return call("DescribeDBInstances", () -> gateway.describeAll(ids));
  }

  private void admit() {
    Duration wait = budget.tryAcquire();
    if (!wait.isZero()) {
      throw new ApiBudgetExhaustedException(wait);
    }
  }

  private <T> T call(String name, Supplier<T> call) {
    T result;
    try {
      result = CallScope.ENGINE.run(call);
    } catch (RuntimeException e) {
      ErrorClassification c = gateway.classify(e);
      if (c.isThrottling()) {
        budget.throttled();
      }
      throw new RdsCallException(name, c, e);
    }
    budget.succeeded();
    return result;
  }
}
