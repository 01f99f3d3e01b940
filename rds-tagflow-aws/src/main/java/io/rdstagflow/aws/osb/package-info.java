/**
 * OSB's {@code last_operation} answer, free of any web framework: {@link io.rdstagflow.aws.osb.LastOperation}
 * turns what the platform sent (the instance and the {@code operation} string) into everything the
 * HTTP response needs ({@link io.rdstagflow.aws.osb.LastOperationAnswer}).
 */
package io.rdstagflow.aws.osb;
