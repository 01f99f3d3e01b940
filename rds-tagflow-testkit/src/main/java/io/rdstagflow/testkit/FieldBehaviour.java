package io.rdstagflow.testkit;

import software.amazon.awssdk.core.SdkRequest;

/**
 * A test's own behaviour for a request field the {@link FakeRds} does not simulate, registered
 * with {@link FakeRds.Builder#handling(String, String, FieldBehaviour)}, in the spirit of OkHttp
 * MockWebServer's {@code Dispatcher}: the fake stays in charge of everything it simulates, the
 * test adds what its code needs.
 *
 * <pre>{@code
 * FakeRds rds = FakeRds.builder()
 *     .handling("ModifyDBInstance", "Domain", (request, instance) -> instance.show(d -> d
 *         .domainMemberships(DomainMembership.builder()
 *             .domain(request.getValueForField("Domain", String.class).orElseThrow())
 *             .status("joined").build())))
 *     .build();
 * }</pre>
 *
 * <p>Called once per call that sets the field, under the fake's lock, after the fake has
 * validated and carried out the rest of the request (so for a create or restore the instance
 * exists), and before the response is returned. An exception it throws reaches the caller
 * unchanged and the call is recorded as failed with its AWS error code (or
 * {@code UnsupportedByFake}); what the fake had already done for the call stays done, so a
 * behaviour that wants to refuse a request should do so by a fault instead
 * ({@link Faults#failNext(String, String)}).
 */
@FunctionalInterface
public interface FieldBehaviour {

  /**
   * Carries out the field.
   *
   * @param request  the request as the code under test sent it; read the field with
   *                 {@code request.getValueForField(field, Type.class)}
   * @param instance the DB instance the request names, as the fake has it just after the call
   */
  void apply(SdkRequest request, SimulatedInstance instance);
}
