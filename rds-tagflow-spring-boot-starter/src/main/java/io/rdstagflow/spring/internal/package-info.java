/** The starter's internals: not API, do not import. */
package io.rdstagflow.spring.internal;
