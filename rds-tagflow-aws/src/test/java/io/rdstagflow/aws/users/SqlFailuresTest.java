package io.rdstagflow.aws.users;

import static org.assertj.core.api.Assertions.assertThat;

import io.rdstagflow.core.StepResult;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SqlFailuresTest {

  private static final String ECHOED = "ALTER ROLE \"app\" PASSWORD 'Secret-in-message-1'";

  @ParameterizedTest(name = "connect: SQLState {0} error {1} -> {2}")
  @CsvSource({
      "08001, 0, Waiting", "08006, 0, Waiting", "08000, 0, Waiting", "57P03, 0, Waiting",
      "28P01, 0, Retry", "28000, 1045, Retry", "HY000, 1045, Retry",
      "3D000, 0, Failed", "53300, 0, Retry", "XX000, 0, Retry"})
  void connectFailuresMapBySqlStateAndCode(String state, int code, String kind) {
    StepResult result = SqlFailures.onConnect(new SQLException(ECHOED, state, code));
    assertThat(result.getClass().getSimpleName()).isEqualTo(kind);
    assertThat(result.toString()).contains("SQLState " + state).doesNotContain("Secret-in-message-1");
  }

  @ParameterizedTest(name = "statement: SQLState {0} error {1} -> {2}")
  @CsvSource({
      "42501, 0, Failed", "42000, 1227, Failed", "42000, 1044, Failed", "HY000, 1410, Failed",
      "08006, 0, Waiting", "57P01, 0, Waiting", "40001, 0, Retry", "HY000, 1396, Retry", "57014, 0, Retry"})
  void statementFailuresMapBySqlStateAndCode(String state, int code, String kind) {
    StepResult result = SqlFailures.onStatement("resetting bound user 1 of 1", new SQLException(ECHOED, state, code));
    assertThat(result.getClass().getSimpleName()).isEqualTo(kind);
    assertThat(result.toString()).contains("resetting bound user 1 of 1").doesNotContain("Secret-in-message-1");
  }

  @Test
  void aConnectionExceptionWithoutSqlStateMeansUnreachable() {
    StepResult result = SqlFailures.onConnect(new SQLNonTransientConnectionException(ECHOED));
    assertThat(result).isEqualTo(StepResult.waiting("database not reachable yet: SQLState none"));
  }
}
