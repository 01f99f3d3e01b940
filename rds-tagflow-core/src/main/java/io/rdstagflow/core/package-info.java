/** The engine's public API. */
package io.rdstagflow.core;
