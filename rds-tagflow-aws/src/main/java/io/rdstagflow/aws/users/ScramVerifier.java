package io.rdstagflow.aws.users;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * PostgreSQL's SCRAM-SHA-256 password verifier, computed on the client (as {@code psql}'s
 * {@code \password} does), so the plain password never travels to the server nor reaches its
 * statement log: {@code ALTER ROLE ... PASSWORD 'SCRAM-SHA-256$...'} stores the verifier as is.
 * The format and the derivation follow RFC 5802/7677 and PostgreSQL's {@code scram_build_secret}.
 * Public for brokers that create PostgreSQL users themselves (at bind, say). Thread-safe.
 */
public final class ScramVerifier {

  private static final int ITERATIONS = 4096;
  private static final int SALT_BYTES = 16;
  private static final SecureRandom RANDOM = new SecureRandom();

  private ScramVerifier() {}

  /**
   * The verifier for a password of printable ASCII characters (for which SASLprep, which
   * PostgreSQL applies to passwords, changes nothing). A fresh salt each time: two verifiers for
   * the same password differ, and both accept it.
   *
   * @return {@code SCRAM-SHA-256$4096:<salt>$<stored key>:<server key>}, Base64 only, safe inside a
   *     single-quoted SQL literal
   */
  public static String of(String password) {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    try {
      byte[] salted = pbkdf2(password.getBytes(StandardCharsets.US_ASCII), salt);
      byte[] clientKey = hmac(salted, "Client Key".getBytes(StandardCharsets.US_ASCII));
      byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(clientKey);
      byte[] serverKey = hmac(salted, "Server Key".getBytes(StandardCharsets.US_ASCII));
      Base64.Encoder b64 = Base64.getEncoder();
      return "SCRAM-SHA-256$" + ITERATIONS + ":" + b64.encodeToString(salt) + "$"
          + b64.encodeToString(storedKey) + ":" + b64.encodeToString(serverKey);
    } catch (GeneralSecurityException e) {
      // SHA-256 and HmacSHA256 are required of every Java runtime.
      throw new IllegalStateException("this Java runtime offers no SHA-256", e);
    }
  }

  /** PBKDF2-HMAC-SHA256 with one output block (32 bytes, the hash's length). */
  private static byte[] pbkdf2(byte[] password, byte[] salt) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(password, "HmacSHA256"));
    mac.update(salt);
    mac.update(new byte[] {0, 0, 0, 1});
    byte[] u = mac.doFinal();
    byte[] result = u.clone();
    for (int i = 1; i < ITERATIONS; i++) {
      u = mac.doFinal(u);
      for (int j = 0; j < result.length; j++) {
        result[j] ^= u[j];
      }
    }
    return result;
  }

  private static byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data);
  }
}
