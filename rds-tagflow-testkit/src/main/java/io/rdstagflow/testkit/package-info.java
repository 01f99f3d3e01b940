/**
 * A test kit for brokers built on rds-tagflow: {@link io.rdstagflow.testkit.FakeRds}, an
 * in-memory RDS that is an SDK v2 {@code RdsClient} with a simulated lifecycle, faults and a call
 * log; {@link io.rdstagflow.testkit.VirtualClock}, the time it runs on; and
 * {@link io.rdstagflow.testkit.PollDriver}, which polls a LastOperation status the way a
 * platform does. The JUnit extension is in {@code io.rdstagflow.testkit.junit}.
 */
package io.rdstagflow.testkit;
