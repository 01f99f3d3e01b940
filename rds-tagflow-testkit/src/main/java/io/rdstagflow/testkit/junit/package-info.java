/**
 * The JUnit Jupiter extension of the test kit. The only part of the test kit that needs
 * {@code junit-jupiter-api} on the classpath.
 */
package io.rdstagflow.testkit.junit;
