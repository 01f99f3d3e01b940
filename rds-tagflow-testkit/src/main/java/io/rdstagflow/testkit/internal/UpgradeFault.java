package io.rdstagflow.testkit.internal;

/** A fault queued for an instance's next engine version upgrade. */
enum UpgradeFault {
  /** The upgrade runs ({@code upgrading}) and ends on the old version and parameter group. */
  PRE_CHECK_FAILS,
  /** The modify is accepted and nothing happens: no status change, nothing pending. */
  IGNORED,
  /** The upgrade succeeds and leaves its new parameter group {@code pending-reboot}. */
  LEAVES_PENDING_REBOOT
}
