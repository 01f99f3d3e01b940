package io.rdstagflow.aws.users;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SqlTextTest {

  @Test
  void postgresIdentifiersDoubleInnerDoubleQuotes() {
    assertThat(SqlText.postgresIdentifier("app")).isEqualTo("\"app\"");
    assertThat(SqlText.postgresIdentifier("a\"; DROP ROLE x; --")).isEqualTo("\"a\"\"; DROP ROLE x; --\"");
  }

  @Test
  void postgresLiteralsEscapeQuotesAndBackslashesWhateverTheStringSetting() {
    assertThat(SqlText.postgresLiteral("it's \\")).isEqualTo("E'it''s \\\\'");
  }

  @Test
  void mysqlLiteralsFollowTheSessionsBackslashMode() {
    assertThat(SqlText.mysqlLiteral("a'b\\c", true)).isEqualTo("'a''b\\\\c'");
    assertThat(SqlText.mysqlLiteral("a'b\\c", false)).isEqualTo("'a''b\\c'");
    assertThat(SqlText.mysqlAccount("u'x", "%", true)).isEqualTo("'u''x'@'%'");
  }

  @Test
  void aNulCharacterIsRefusedWithoutEchoingTheValue() {
    assertThatThrownBy(() -> SqlText.postgresLiteral("secret\0pw"))
        .isInstanceOf(IllegalArgumentException.class)
        .message().doesNotContain("secret");
  }

  @Test
  void namesForLogLinesLoseControlCharactersAndLength() {
    assertThat(SqlText.forLog("evil\nINFO forged line")).isEqualTo("evil?INFO forged line");
    assertThat(SqlText.forLog("x".repeat(100))).hasSize(67).endsWith("...");
  }
}
