/**
 * The engine on the AWS SDK v2: {@link io.rdstagflow.aws.SdkRdsGateway} over the broker's own
 * {@code RdsClient}, the built-in RDS steps ({@link io.rdstagflow.aws.ModifySettingsStep},
 * {@link io.rdstagflow.aws.RebootIfPendingStep}, {@link io.rdstagflow.aws.MasterPasswordStep}),
 * {@link io.rdstagflow.aws.RdsStarter} for restores, creates and deletions with the flow's tags,
 * {@link io.rdstagflow.aws.ReadyFlows}, and password sources. The bound-users step is in
 * {@link io.rdstagflow.aws.users}, the engine upgrade's steps in {@link io.rdstagflow.aws.upgrade}.
 */
package io.rdstagflow.aws;
