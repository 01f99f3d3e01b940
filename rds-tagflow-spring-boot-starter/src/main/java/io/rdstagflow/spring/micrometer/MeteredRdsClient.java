package io.rdstagflow.spring.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Objects;
import java.util.function.Supplier;
import org.springframework.util.ClassUtils;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.rds.RdsClient;

/**
 * An {@link RdsClient} that times every API call ({@value RdsTagflowMetrics#RDS_CALLS}, by action
 * and outcome) and counts throttled ones ({@value RdsTagflowMetrics#RDS_THROTTLES}). A proxy over
 * every interface of the client's class, so a bean declared as a sub-interface (the test kit's
 * {@code FakeRds}) keeps its type; everything but API calls goes straight to the client.
 */
public final class MeteredRdsClient implements InvocationHandler {

  private final Object target;
  private final Supplier<MeterRegistry> registry;

  private MeteredRdsClient(Object target, Supplier<MeterRegistry> registry) {
    this.target = target;
    this.registry = registry;
  }

  /**
   * The client, metered in the registry the supplier gives at each call (resolved late, so that a
   * client bean may be created before the registry).
   */
  public static RdsClient wrap(RdsClient client, Supplier<MeterRegistry> registry) {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(registry, "registry");
    if (isMetered(client)) {
      return client;
    }
    Class<?>[] interfaces = ClassUtils.getAllInterfacesForClass(client.getClass(), client.getClass().getClassLoader());
    return (RdsClient) Proxy.newProxyInstance(client.getClass().getClassLoader(), interfaces,
        new MeteredRdsClient(client, registry));
  }

  /** {@code true} if this client is one that {@link #wrap} returned. */
  public static boolean isMetered(Object client) {
    return client != null && Proxy.isProxyClass(client.getClass())
        && Proxy.getInvocationHandler(client) instanceof MeteredRdsClient;
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    if (method.getDeclaringClass() == Object.class && method.getName().equals("equals")) {
      return proxy == args[0];
    }
    if (!SdkResponse.class.isAssignableFrom(method.getReturnType())) {
      return call(method, args);
    }
    MeterRegistry meters = registry.get();
    if (meters == null) {
      return call(method, args);
    }
    String action = Character.toUpperCase(method.getName().charAt(0)) + method.getName().substring(1);
    long start = System.nanoTime();
    String outcome = "success";
    try {
      return call(method, args);
    } catch (Throwable t) {
      outcome = outcome(t);
      if (outcome.equals("throttled")) {
        Counter.builder(RdsTagflowMetrics.RDS_THROTTLES).description("RDS calls throttled")
            .tag(RdsTagflowMetrics.ACTION, action).register(meters).increment();
      }
      throw t;
    } finally {
      Timer.builder(RdsTagflowMetrics.RDS_CALLS).description("RDS API calls")
          .tag(RdsTagflowMetrics.ACTION, action).tag(RdsTagflowMetrics.OUTCOME, outcome)
          .register(meters).record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
    }
  }

  private Object call(Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  static String outcome(Throwable t) {
    if (t instanceof AwsServiceException e) {
      if (e.isThrottlingException()) {
        return "throttled";
      }
      String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
      if (e.statusCode() == 404 || (code != null && code.contains("NotFound"))) {
        return "not-found";
      }
      return e.statusCode() >= 500 ? "server-error" : "client-error";
    }
    if (t instanceof SdkClientException) {
      return "io-error";
    }
    return "error";
  }
}
