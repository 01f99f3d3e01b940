/**
 * The bound-users step: after a restore, reset the passwords of the database users that the
 * broker's bindings created in the source database, and optionally lock every other login user.
 *
 * <p>{@link io.rdstagflow.aws.users.BoundUsersStep} is what a flow takes; {@link
 * io.rdstagflow.aws.users.BoundUsersStep#none()} serves brokers without bound users and {@link
 * io.rdstagflow.aws.users.JdbcBoundUsersStep} does the work over {@code java.sql} on PostgreSQL
 * and MySQL/MariaDB. The JDBC driver, pool and TLS settings are the broker's, through a {@link
 * io.rdstagflow.aws.users.ConnectionFactory}.
 */
package io.rdstagflow.aws.users;
