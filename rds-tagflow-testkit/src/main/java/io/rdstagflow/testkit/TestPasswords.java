package io.rdstagflow.testkit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * Passwords for tests, derived from the instance and the user alone: no seed, no key, no
 * ceremony, and the same password on every run, so a test can compute what the code under test
 * must have set.
 *
 * <p>{@link #derive(String, String)} has the shape of the aws module's
 * {@code io.rdstagflow.aws.PasswordSource} ({@code String password(String instanceId, String
 * userName)}), so a test passes {@code TestPasswords::derive} wherever a {@code PasswordSource} is
 * wanted. The test kit does not depend on the aws module; the method reference is the bridge.
 *
 * <p><strong>For tests only.</strong> Anyone who knows the instance and the user name can compute
 * the password: never use it against a real database.
 *
 * <p>Thread-safe; stateless.
 */
public final class TestPasswords {

  /** The length of every derived password. */
  public static final int LENGTH = 24;

  /**
   * Printable ASCII that RDS accepts in a master password (no {@code /}, {@code @}, {@code "},
   * space) and that needs no quoting in a shell, a JDBC URL or SQL.
   */
  private static final String ALPHABET =
      "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789-_.+=";

  private TestPasswords() {}

  /**
   * A strong password for {@code userName} on {@code instanceId}: {@value #LENGTH} characters with
   * upper case, lower case, digits and punctuation, valid under RDS's master password rules and the
   * usual database password policies. Deterministic: the same arguments give the same password,
   * different arguments (instance identifiers compared case-insensitively, as RDS does) give
   * different ones.
   *
   * @throws NullPointerException if an argument is {@code null}
   */
  public static String derive(String instanceId, String userName) {
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(userName, "userName");
    byte[] digest = sha256("rds-tagflow test password\n"
        + instanceId.toLowerCase(java.util.Locale.ROOT) + "\n" + userName);
    StringBuilder sb = new StringBuilder(LENGTH);
    // Fixed classes first, so every password has each kind whatever the digest says.
    sb.append(pick("ABCDEFGHJKLMNPQRSTUVWXYZ", digest[0]));
    sb.append(pick("abcdefghijkmnopqrstuvwxyz", digest[1]));
    sb.append(pick("23456789", digest[2]));
    sb.append(pick("-_.+=", digest[3]));
    for (int i = 4; sb.length() < LENGTH; i++) {
      sb.append(pick(ALPHABET, digest[i % digest.length] ^ (i / digest.length)));
    }
    return sb.toString();
  }

  private static char pick(String alphabet, int b) {
    return alphabet.charAt(Math.floorMod(b, alphabet.length()));
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
