package io.rdstagflow.core.internal;

import io.rdstagflow.core.RdsCallException;
import io.rdstagflow.core.RdsInstance;
import io.rdstagflow.core.spi.ErrorClassification;
import io.rdstagflow.core.spi.RdsGateway;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * Every RDS call the engine makes, classified once: a failure becomes an {@link RdsCallException}
 * naming the call and carrying the gateway's classification (never the underlying message).
 */
final class RdsCalls {

  private final RdsGateway gateway;

  RdsCalls(RdsGateway gateway) {
    this.gateway = gateway;
  }

  Optional<RdsInstance> describe(String instanceId) {
    try {
      return gateway.describe(instanceId);
    } catch (RuntimeException e) {
      throw failure("DescribeDBInstances", e);
    }
  }

  void addTags(RdsInstance instance, Map<String, String> tags) {
    try {
      gateway.addTags(instance, tags);
    } catch (RuntimeException e) {
      throw failure("AddTagsToResource", e);
    }
  }

  void removeTags(RdsInstance instance, Collection<String> keys) {
    try {
      gateway.removeTags(instance, keys);
    } catch (RuntimeException e) {
      throw failure("RemoveTagsFromResource", e);
    }
  }

  ErrorClassification classify(Throwable e) {
    if (e instanceof RdsCallException r) {
      return r.classification();
    }
    return gateway.classify(e);
  }

  private RdsCallException failure(String call, RuntimeException e) {
    return new RdsCallException(call, gateway.classify(e), e);
  }
}
