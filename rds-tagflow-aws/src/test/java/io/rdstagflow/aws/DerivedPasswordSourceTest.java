package io.rdstagflow.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DerivedPasswordSourceTest {

  private static final String SEED = "a-secret-seed-of-32-characters!!";
  private final DerivedPasswordSource source = DerivedPasswordSource.fromSeed(SEED);

  @Test
  void theSameInputsGiveTheSamePassword() {
    assertThat(source.password("db-1", "app")).isEqualTo(source.password("db-1", "app"));
    assertThat(DerivedPasswordSource.fromSeed(SEED.getBytes(StandardCharsets.UTF_8)).password("db-1", "app"))
        .as("a String seed is its UTF-8 bytes")
        .isEqualTo(source.password("db-1", "app"));
  }

  @Test
  void aDifferentInstanceUserOrSeedGivesADifferentPassword() {
    String base = source.password("db-1", "app");
    assertThat(source.password("db-2", "app")).isNotEqualTo(base);
    assertThat(source.password("db-1", "app2")).isNotEqualTo(base);
    assertThat(DerivedPasswordSource.fromSeed(SEED + "x").password("db-1", "app")).isNotEqualTo(base);
  }

  @Test
  void instanceAndUserAreEncodedUnambiguously() {
    // Plain concatenation would make these two pairs the same message.
    assertThat(source.password("db-1a", "pp")).isNotEqualTo(source.password("db-1", "app"));
    assertThat(source.password("", "db-1app")).isNotEqualTo(source.password("db-1app", ""));
  }

  @Test
  void manyPasswordsAreAllDistinct() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 2_000; i++) {
      seen.add(source.password("db-" + i, "user-" + (i % 7)));
    }
    assertThat(seen).hasSize(2_000);
  }

  @ParameterizedTest
  @CsvSource({
      "postgres, 128", "aurora-postgresql, 128", "mysql, 41", "mariadb, 41", "aurora-mysql, 41",
      "oracle-ee, 30", "oracle-se2-cdb, 30", "sqlserver-se, 128", "db2-se, 255", "something-new, 30"})
  void theDefaultPasswordFitsEveryEnginesMasterPasswordRules(String engine, int max) {
    assertThat(DerivedPasswordSource.maxLength(engine)).isEqualTo(max);
    for (int i = 0; i < 200; i++) {
      String p = source.password("db-" + i, "master");
      assertThat(p.length()).isBetween(8, DerivedPasswordSource.maxLength(engine));
      assertValidEverywhere(p);
    }
  }

  @Test
  void aLongerPasswordKeepsTheRules() {
    DerivedPasswordSource longer = source.withLength(DerivedPasswordSource.maxLength("mysql"));
    for (int i = 0; i < 200; i++) {
      String p = longer.password("db-" + i, "app");
      assertThat(p).hasSize(41);
      assertValidEverywhere(p);
    }
    assertThat(source.withLength(128).password("db", "u")).hasSize(128);
  }

  /** Letters and digits only (so no '/', '"', '@', '&', ''' or space), and all three classes. */
  private static void assertValidEverywhere(String p) {
    assertThat(p).matches("[A-Za-z0-9]+");
    assertThat(p).containsPattern("[A-Z]").containsPattern("[a-z]").containsPattern("[0-9]");
  }

  @Test
  void theSeedNeverAppearsInToStringOrErrors() {
    assertThat(source.toString()).doesNotContain(SEED).doesNotContain(SEED.substring(0, 8)).contains("length=30");
    assertThatThrownBy(() -> source.withLength(7)).message().doesNotContain(SEED);
    String shortSeed = "too-short-seed";
    assertThatThrownBy(() -> DerivedPasswordSource.fromSeed(shortSeed))
        .isInstanceOf(IllegalArgumentException.class)
        .message().doesNotContain(shortSeed).contains("at least 16");
  }

  @Test
  void theSeedIsCopiedSoTheCallerMayClearIt() {
    byte[] seed = SEED.getBytes(StandardCharsets.UTF_8);
    DerivedPasswordSource fromArray = DerivedPasswordSource.fromSeed(seed);
    String before = fromArray.password("db-1", "app");
    Arrays.fill(seed, (byte) 0);
    assertThat(fromArray.password("db-1", "app")).isEqualTo(before);
  }

  @Test
  void theDerivationIsPinnedSoAnUpgradeCannotChangeEveryPassword() {
    // Computed by an independent implementation of the derivation the class documents (HMAC-SHA256
    // over the label and the length-prefixed ids, counter blocks, rejection sampling, shuffle);
    // a change here would lock brokers out of the users they created.
    assertThat(source.password("db-1", "app")).isEqualTo(PINNED);
  }

  private static final String PINNED = "jg0jmYf3qfpt7gPetoDRGDec7QasEU";
}
