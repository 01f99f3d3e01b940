/**
 * Engine version upgrades as a ready flow that never reports a silent no-op: {@link
 * io.rdstagflow.aws.upgrade.EngineUpgrades} finds the path of hops with DescribeDBEngineVersions
 * and refuses what cannot work before anything changes; {@link
 * io.rdstagflow.aws.upgrade.EngineUpgradeStep} walks the hops (a parameter group of each new
 * family carrying the custom parameters, one ModifyDBInstance per hop, a reboot when the group
 * waits for one, each hop verified on the describe); {@link
 * io.rdstagflow.aws.upgrade.SnapshotBeforeUpgradeStep} takes a snapshot first and {@link
 * io.rdstagflow.aws.upgrade.PostgresExtensionsStep} updates PostgreSQL's extensions last. {@code
 * ReadyFlows.engineUpgrade(rds)} puts them together.
 */
package io.rdstagflow.aws.upgrade;
