/**
 * The engine's extension point: the port to RDS ({@link io.rdstagflow.core.spi.RdsGateway}) and the
 * classification of failures it returns ({@link io.rdstagflow.core.spi.ErrorClassification}). Broker
 * authors use the aws module's implementation; they implement these types only to reach RDS another
 * way (or, in tests, an in-memory stand-in).
 */
package io.rdstagflow.core.spi;
