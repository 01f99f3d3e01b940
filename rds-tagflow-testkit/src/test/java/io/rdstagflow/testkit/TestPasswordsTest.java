package io.rdstagflow.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.function.BinaryOperator;
import org.junit.jupiter.api.Test;

class TestPasswordsTest {

  @Test
  void theSameInstanceAndUserAlwaysGiveTheSamePassword() {
    assertThat(TestPasswords.derive("db1", "admin")).isEqualTo(TestPasswords.derive("db1", "admin"));
    assertThat(TestPasswords.derive("DB1", "admin")).isEqualTo(TestPasswords.derive("db1", "admin"));
  }

  @Test
  void differentInstancesOrUsersGiveDifferentPasswords() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      seen.add(TestPasswords.derive("db" + i, "admin"));
      seen.add(TestPasswords.derive("db" + i, "app"));
    }
    assertThat(seen).hasSize(400);
  }

  @Test
  void everyPasswordIsStrongAndPassesRdsMasterPasswordRules() {
    FakeRds rds = FakeRds.create();
    for (int i = 0; i < 100; i++) {
      String p = TestPasswords.derive("db" + i, "user" + i);
      assertThat(p).hasSize(TestPasswords.LENGTH).containsPattern("[A-Z]").containsPattern("[a-z]")
          .containsPattern("[0-9]").containsPattern("[-_.+=]").doesNotContain("/", "@", "\"", " ");
      String id = "db" + i;
      // The fake enforces RDS's password rules: a derived password is accepted.
      rds.givenInstance(r -> r.dbInstanceIdentifier(id).dbInstanceClass("db.t3.micro").engine("postgres")
          .masterUsername("admin").masterUserPassword(p));
    }
  }

  @Test
  void theMethodReferenceFitsAPasswordSourceShapedInterface() {
    // The aws module's PasswordSource is String password(String instanceId, String userName).
    BinaryOperator<String> source = TestPasswords::derive;
    assertThat(source.apply("db1", "admin")).isEqualTo(TestPasswords.derive("db1", "admin"));
  }
}
