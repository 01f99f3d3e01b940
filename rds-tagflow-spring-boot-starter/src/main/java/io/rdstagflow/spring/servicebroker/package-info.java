/**
 * Spring Cloud Open Service Broker: the {@code last_operation} answer as SCOSB's
 * {@code GetLastServiceOperationResponse}, with OSB's {@code Retry-After} header and its 404 and 410,
 * so that a broker's {@code getLastOperation} is one line
 * ({@link io.rdstagflow.spring.servicebroker.ServiceBrokerLastOperation}).
 */
package io.rdstagflow.spring.servicebroker;
