/**
 * The AWS module's public API: password sources and, as they arrive, the SDK gateway and the
 * built-in RDS steps. The bound-users step is in {@link io.rdstagflow.aws.users}.
 */
package io.rdstagflow.aws;
