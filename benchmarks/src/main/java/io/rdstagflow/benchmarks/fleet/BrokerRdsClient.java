package io.rdstagflow.benchmarks.fleet;

import io.rdstagflow.core.ApiBudget;
import io.rdstagflow.core.ApiBudgetExhaustedException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.AddTagsToResourceRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesRequest;
import software.amazon.awssdk.services.rds.model.Filter;
import software.amazon.awssdk.services.rds.model.ListTagsForResourceRequest;
import software.amazon.awssdk.services.rds.model.ModifyDbInstanceRequest;
import software.amazon.awssdk.services.rds.model.RdsRequest;
import software.amazon.awssdk.services.rds.model.RebootDbInstanceRequest;
import software.amazon.awssdk.services.rds.model.RemoveTagsFromResourceRequest;
import software.amazon.awssdk.services.rds.model.RestoreDbInstanceFromDbSnapshotRequest;

/**
 * One broker replica's {@link RdsClient}: the shared fake RDS behind what a real client with the
 * aws module's {@code ApiBudgetInterceptor} does, plus the harness's recording.
 *
 * <ul>
 *   <li><b>The interceptor's charging</b>, step for step: {@link ApiBudget#chargeClientCall()}
 *       before the call (the engine's own calls are not charged twice, a step's calls inside a poll
 *       go first, any other call, such as the platform's restore request, takes a token or is
 *       refused with {@link ApiBudgetExhaustedException} before it is sent), then
 *       {@link ApiBudget#succeeded()} or, on a throttling answer, {@link ApiBudget#throttled()}.
 *       The fake is no SDK client, so the interceptor itself cannot be registered on it.
 *   <li><b>The recording</b>: each DescribeDBInstances is numbered in the harness's sequence
 *       before it reaches the fake, with the instances it names; each call is counted per virtual
 *       second, its simulated latency attributed to the polls of the instances it names, and the
 *       CPU spent inside the fake noted for the calling thread.
 * </ul>
 *
 * The SDK's {@code Consumer<Builder>} overloads are the interface's own default methods: they
 * build the request and come back through the request-object method, so every call is seen once.
 */
final class BrokerRdsClient implements InvocationHandler {

  private final RdsClient fake;
  private final ApiBudget budget;
  private final FleetRecorder recorder;

  private BrokerRdsClient(RdsClient fake, ApiBudget budget, FleetRecorder recorder) {
    this.fake = fake;
    this.budget = budget;
    this.recorder = recorder;
  }

  /** A replica's client over the shared fake, charging {@code budget}. */
  static RdsClient over(RdsClient fake, ApiBudget budget, FleetRecorder recorder) {
    return (RdsClient) Proxy.newProxyInstance(BrokerRdsClient.class.getClassLoader(), new Class<?>[] {RdsClient.class},
        new BrokerRdsClient(Objects.requireNonNull(fake), Objects.requireNonNull(budget),
            Objects.requireNonNull(recorder)));
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    if (method.getDeclaringClass() == Object.class) {
      return switch (method.getName()) {
        case "equals" -> proxy == args[0];
        case "hashCode" -> System.identityHashCode(proxy);
        default -> "BrokerRdsClient[" + budget + "]";
      };
    }
    if (args != null && args.length == 1 && args[0] instanceof RdsRequest request) {
      return call(method, request);
    }
    if (args != null && args.length == 1 && args[0] instanceof Consumer<?> && method.isDefault()) {
      return InvocationHandler.invokeDefault(proxy, method, args);
    }
    try {
      return method.invoke(fake, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private Object call(Method method, RdsRequest request) throws Throwable {
    boolean charged;
    try {
      charged = budget.chargeClientCall();
    } catch (ApiBudgetExhaustedException e) {
      recorder.clientCallRefused();
      throw e;
    }
    boolean describe = request instanceof DescribeDbInstancesRequest;
    List<String> ids = instanceIds(request);
    if (describe) {
      recorder.describeSent(ids, recorder.next());
    }
    FleetRecorder.takeLatencyOfCurrentCall();
    boolean throttled = false;
    String outcome = null;
    long cpu0 = FleetRecorder.threadCpu();
    try {
      Object result = method.invoke(fake, request);
      if (charged) {
        budget.succeeded();
      }
      return result;
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      outcome = cause instanceof AwsServiceException a && a.awsErrorDetails() != null
          ? a.awsErrorDetails().errorCode() : cause.getClass().getSimpleName();
      if (cause instanceof AwsServiceException a && a.isThrottlingException()) {
        throttled = true;
        if (charged) {
          budget.throttled();
        }
      }
      throw cause;
    } finally {
      FleetRecorder.addCpuInFake(FleetRecorder.threadCpu() - cpu0);
      String name = request.getClass().getSimpleName();
      recorder.callDone(name.endsWith("Request") ? name.substring(0, name.length() - 7) : name, ids, describe,
          throttled, outcome, FleetRecorder.takeLatencyOfCurrentCall());
    }
  }

  /** The DB instances a request names. */
  static List<String> instanceIds(RdsRequest request) {
    if (request instanceof DescribeDbInstancesRequest d) {
      List<String> ids = new ArrayList<>();
      if (d.dbInstanceIdentifier() != null) {
        ids.add(d.dbInstanceIdentifier());
      }
      if (d.hasFilters()) {
        for (Filter f : d.filters()) {
          if ("db-instance-id".equals(f.name()) && f.hasValues()) {
            ids.addAll(f.values());
          }
        }
      }
      return ids;
    }
    if (request instanceof ModifyDbInstanceRequest m) {
      return List.of(m.dbInstanceIdentifier());
    }
    if (request instanceof RebootDbInstanceRequest r) {
      return List.of(r.dbInstanceIdentifier());
    }
    if (request instanceof RestoreDbInstanceFromDbSnapshotRequest r) {
      return List.of(r.dbInstanceIdentifier());
    }
    if (request instanceof AddTagsToResourceRequest t) {
      return fromArn(t.resourceName());
    }
    if (request instanceof RemoveTagsFromResourceRequest t) {
      return fromArn(t.resourceName());
    }
    if (request instanceof ListTagsForResourceRequest t) {
      return fromArn(t.resourceName());
    }
    return List.of();
  }

  private static List<String> fromArn(String arn) {
    if (arn == null) {
      return List.of();
    }
    int at = arn.lastIndexOf(":db:");
    return at < 0 ? List.of() : List.of(arn.substring(at + 4));
  }
}
