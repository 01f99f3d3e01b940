/**
 * The fake RDS's machinery. Not an API: users must not import anything from this package; it
 * changes without notice.
 */
package io.rdstagflow.testkit.internal;
