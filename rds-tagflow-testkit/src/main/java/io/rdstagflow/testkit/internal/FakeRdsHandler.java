package io.rdstagflow.testkit.internal;

import io.rdstagflow.testkit.FakeRds;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.util.Locale;
import java.util.TreeSet;
import java.util.function.Consumer;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.services.rds.model.CreateDbInstanceRequest;
import software.amazon.awssdk.services.rds.model.DBSnapshot;

/**
 * Routes each {@link FakeRds} method: the fake's own control methods to the simulation, the
 * supported operations' request-object methods to the simulation, their {@code Consumer} and
 * paginator overloads through the SDK interface's own default methods (which build the request
 * and call the request-object method, so they behave exactly as on a real client), and
 * everything else to a clear refusal.
 *
 * <p>A dynamic proxy rather than hand-written overrides because {@code RdsClient} has several
 * hundred default methods that throw a bare {@link UnsupportedOperationException}; a proxy
 * refuses every one of them clearly, including those a future SDK adds.
 */
final class FakeRdsHandler implements InvocationHandler {

  private final Simulation simulation;

  FakeRdsHandler(Simulation simulation) {
    this.simulation = simulation;
  }

  @Override
  @SuppressWarnings("unchecked")
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    String name = method.getName();
    if (method.getDeclaringClass() == Object.class) {
      return switch (name) {
        case "equals" -> proxy == args[0];
        case "hashCode" -> System.identityHashCode(proxy);
        default -> "FakeRds[" + simulation.clock().instant() + ", "
            + simulation.calls().all().size() + " calls]";
      };
    }
    if (method.getDeclaringClass() == FakeRds.class) {
      return switch (name) {
        case "clock" -> simulation.clock();
        case "timings" -> simulation.timings();
        case "faults" -> simulation.faults();
        case "calls" -> simulation.calls();
        case "accountBudget" -> simulation.budget();
        case "history" -> simulation.history((String) args[0]);
        case "histories" -> simulation.histories();
        case "report" -> simulation.report();
        case "instanceArn" -> simulation.instanceArn((String) args[0]);
        case "givenSnapshot" -> {
          DBSnapshot.Builder b = DBSnapshot.builder();
          ((Consumer<DBSnapshot.Builder>) args[0]).accept(b);
          yield simulation.givenSnapshot(b.build());
        }
        case "givenInstance" -> {
          CreateDbInstanceRequest.Builder b = CreateDbInstanceRequest.builder();
          ((Consumer<CreateDbInstanceRequest.Builder>) args[0]).accept(b);
          yield simulation.givenInstance(b.build());
        }
        case "givenInstances" -> {
          CreateDbInstanceRequest.Builder b = CreateDbInstanceRequest.builder();
          ((Consumer<CreateDbInstanceRequest.Builder>) args[2]).accept(b);
          yield simulation.givenInstances((String) args[0], (Integer) args[1], b.build());
        }
        case "givenParameterGroup" -> simulation.givenParameterGroup((String) args[0],
            (String) args[1], args.length > 2 ? (String) args[2]
                : "Parameter group " + args[0] + " given by the test");
        case "runMaintenance" -> {
          simulation.runMaintenance((String) args[0]);
          yield null;
        }
        default -> throw new IllegalStateException("FakeRds." + name + " is not wired");
      };
    }
    switch (name) {
      case "serviceName":
        return "rds";
      case "close":
        return null;
      case "waiter":
        throw simulation.refuse("waiter()", null, "RdsClient.waiter() is not supported by the "
            + "fake RDS: the SDK's waiters sleep on the wall clock. Advance the VirtualClock and "
            + "call DescribeDBInstances instead.");
      default:
        break;
    }
    String operation = operationName(name);
    Class<?>[] params = method.getParameterTypes();
    boolean supported = Simulation.SUPPORTED_OPERATIONS.contains(operation);
    if (supported && !name.endsWith("Paginator") && params.length == 1
        && SdkRequest.class.isAssignableFrom(params[0])) {
      return simulation.call(operation, (SdkRequest) args[0]);
    }
    if (supported && method.isDefault()) {
      return InvocationHandler.invokeDefault(proxy, method, args);
    }
    SdkRequest request = args != null && args.length == 1 && args[0] instanceof SdkRequest r
        ? r : null;
    throw simulation.refuse(operation, request, operation + " (RdsClient." + name
        + ") is not supported by the fake RDS. Supported operations: "
        + new TreeSet<>(Simulation.SUPPORTED_OPERATIONS) + ".");
  }

  /** {@code describeDBInstancesPaginator} and {@code describeDBInstances} both name DescribeDBInstances. */
  static String operationName(String method) {
    String base = method.endsWith("Paginator")
        ? method.substring(0, method.length() - "Paginator".length()) : method;
    return base.isEmpty() ? base : base.substring(0, 1).toUpperCase(Locale.ROOT) + base.substring(1);
  }
}
