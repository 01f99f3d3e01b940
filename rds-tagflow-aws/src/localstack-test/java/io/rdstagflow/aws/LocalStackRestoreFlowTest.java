package io.rdstagflow.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.rdstagflow.core.Flow;
import io.rdstagflow.core.OperationStatus;
import io.rdstagflow.core.OperationToken;
import io.rdstagflow.core.TagStateMachine;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsClient;

/**
 * Opt-in (profile {@code localstack}): the restore flow against LocalStack's RDS, which runs a real
 * database behind the API, so statuses move in real time. Polled the way a platform polls, on a
 * schedule. Skipped with a message without Docker or without a LocalStack auth token that includes
 * RDS (LocalStack's RDS is not in its free edition).
 */
class LocalStackRestoreFlowTest {

  private static final String TOKEN = System.getenv("LOCALSTACK_AUTH_TOKEN");

  @Test
  void restoreFromSnapshotSucceedsAgainstLocalStack() throws Exception {
    Assumptions.assumeTrue(DockerClientFactory.instance().isDockerAvailable(),
        "no Docker engine: the LocalStack test needs one");
    Assumptions.assumeTrue(TOKEN != null && !TOKEN.isBlank(),
        "set LOCALSTACK_AUTH_TOKEN to a LocalStack token whose licence includes RDS");
    try (LocalStackContainer localstack = new LocalStackContainer(DockerImageName.parse("localstack/localstack-pro:4"))
        .withEnv("LOCALSTACK_AUTH_TOKEN", TOKEN)) {
      localstack.start();
      try (RdsClient rds = RdsClient.builder()
          .endpointOverride(localstack.getEndpoint())
          .region(Region.of(localstack.getRegion()))
          .credentialsProvider(StaticCredentialsProvider.create(
              AwsBasicCredentials.create(localstack.getAccessKey(), localstack.getSecretKey())))
          .httpClient(UrlConnectionHttpClient.create())
          .build()) {
        rds.createDBInstance(r -> r.dbInstanceIdentifier("source").engine("postgres").dbInstanceClass("db.t3.micro")
            .allocatedStorage(20).masterUsername("master").masterUserPassword("source-pw-123"));
        rds.waiter().waitUntilDBInstanceAvailable(r -> r.dbInstanceIdentifier("source"));
        rds.createDBSnapshot(r -> r.dbInstanceIdentifier("source").dbSnapshotIdentifier("nightly"));
        rds.waiter().waitUntilDBSnapshotAvailable(r -> r.dbSnapshotIdentifier("nightly"));

        Flow flow = ReadyFlows.restoreFromSnapshot(rds).settings(b -> b.backupRetentionPeriod(3))
            .masterPassword(DerivedPasswordSource.fromSeed("localstack-seed-0123456789abcdef")).build();
        TagStateMachine engine = TagStateMachine.builder(new SdkRdsGateway(rds)).flow(flow)
            .settleTime(Duration.ofSeconds(5)).clockSkew(Duration.ZERO).build();
        OperationToken token = new RdsStarter(rds, engine).restoreFromSnapshot(ReadyFlows.RESTORE_FROM_SNAPSHOT,
            Map.of(), r -> r.dbInstanceIdentifier("restored").dbSnapshotIdentifier("nightly"));

        OperationStatus end = pollEvery(Duration.ofSeconds(5), Duration.ofMinutes(10),
            () -> engine.poll("restored", token));

        assertThat(end.state()).isEqualTo(OperationStatus.State.SUCCEEDED);
      }
    }
  }

  /** Polls on a schedule, as a platform does, until the answer is final or the limit passes. */
  private static OperationStatus pollEvery(Duration interval, Duration limit,
      java.util.function.Supplier<OperationStatus> poll) throws Exception {
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    CompletableFuture<OperationStatus> end = new CompletableFuture<>();
    try {
      scheduler.scheduleWithFixedDelay(() -> {
        try {
          OperationStatus status = poll.get();
          if (status.isFinal()) {
            end.complete(status);
          }
        } catch (RuntimeException e) {
          end.completeExceptionally(e);
        }
      }, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
      return end.get(limit.toMillis(), TimeUnit.MILLISECONDS);
    } finally {
      scheduler.shutdownNow();
    }
  }
}
