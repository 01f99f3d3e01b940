/**
 * The engine's implementation: the tag codec and its rules, the poll loop, the operator actions.
 * Not API: users must not import anything from here; it changes without notice.
 */
package io.rdstagflow.core.internal;
