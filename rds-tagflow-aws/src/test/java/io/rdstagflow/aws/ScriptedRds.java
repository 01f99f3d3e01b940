package io.rdstagflow.aws;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.services.rds.RdsClient;

/**
 * An {@link RdsClient} for unit tests of steps and gateways: records every call with its request,
 * answers each with the next response or exception scripted for that method, else an empty
 * response. Methods taking a request consumer are the SDK's defaults, which build the request and
 * call the request overload, so they are recorded the same way.
 */
final class ScriptedRds {

  /** One call: the SDK method's name and its request. */
  record Call(String method, SdkRequest request) {}

  /** A scripted answer: the empty response. */
  static final Object EMPTY = new Object();

  final List<Call> calls = new ArrayList<>();
  private final Map<String, Deque<Object>> script = new HashMap<>();
  final RdsClient client;

  ScriptedRds() {
    client = (RdsClient) Proxy.newProxyInstance(RdsClient.class.getClassLoader(), new Class<?>[] {RdsClient.class},
        (proxy, method, args) -> {
          if (method.isDefault() && (args == null || !(args[0] instanceof SdkRequest))) {
            return java.lang.reflect.InvocationHandler.invokeDefault(proxy, method, args);
          }
          if (method.getName().equals("close")) {
            return null;
          }
          if (method.getName().equals("serviceName")) {
            return "rds";
          }
          SdkRequest request = (SdkRequest) args[0];
          calls.add(new Call(method.getName(), request));
          Deque<Object> next = script.get(method.getName());
          Object answer = next == null || next.isEmpty() ? null : next.poll();
          if (answer instanceof RuntimeException e) {
            throw e;
          }
          return answer != null && answer != EMPTY ? answer : emptyResponse(method);
        });
  }

  /** The next calls of this method answer these, in order (a response, or an exception to throw). */
  ScriptedRds answer(String method, Object... answers) {
    Deque<Object> q = script.computeIfAbsent(method, k -> new ArrayDeque<>());
    for (Object a : answers) {
      q.add(a);
    }
    return this;
  }

  List<String> methods() {
    return calls.stream().map(Call::method).toList();
  }

  <T extends SdkRequest> List<T> requests(Class<T> type) {
    return calls.stream().map(Call::request).filter(type::isInstance).map(type::cast).toList();
  }

  private static Object emptyResponse(Method method) throws Exception {
    Object builder = method.getReturnType().getMethod("builder").invoke(null);
    return ((software.amazon.awssdk.utils.builder.SdkBuilder<?, ?>) builder).build();
  }

  static <B> B apply(B builder, Consumer<B> mutation) {
    mutation.accept(builder);
    return builder;
  }
}
