package io.rdstagflow.aws;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A {@link PasswordSource} that derives each password from a secret seed, the instance identifier
 * and the user name with HMAC-SHA256, so every broker replica computes the same password without
 * storing it anywhere.
 *
 * <h2>What the passwords look like</h2>
 *
 * <p>Letters and digits only, at least one upper-case letter, one lower-case letter and one digit,
 * {@value #DEFAULT_LENGTH} characters by default. That fits RDS's master-password rules for every
 * engine (printable ASCII without {@code / " @}, and for Oracle without {@code & '}; 8 to 30
 * characters for Oracle, 8 to 41 for MySQL and MariaDB, 8 to 128 for PostgreSQL and SQL Server),
 * SQL Server's complexity policy (three of four character classes), and needs no quoting in any
 * shell, URL or SQL literal. 30 characters of 62 symbols carry about 170 bits. {@link
 * #withLength(int)} changes the length; {@link #maxLength(String)} says what an engine accepts.
 *
 * <h2>How a password is derived</h2>
 *
 * <p>The HMAC key is the seed; the message is a fixed label ({@code rds-tagflow/password/v1}), then
 * the instance identifier and the user name, each UTF-8 encoded and preceded by its length in four
 * bytes, so no two (instance, user) pairs share a message. Further HMAC blocks (a counter appended)
 * give as many bytes as the length needs; characters are drawn by rejection sampling, so each is
 * uniform over its alphabet. The derivation is part of the library's contract: changing it would
 * change every password, so a new one would get a new label.
 *
 * <p>Immutable and thread-safe. The seed is copied in and never shown: {@link #toString()} gives
 * only the length, and no exception message holds the seed or a password.
 */
public final class DerivedPasswordSource implements PasswordSource {

  /** The default password length: the longest that every RDS engine accepts (Oracle's 30). */
  public static final int DEFAULT_LENGTH = 30;

  /** The shortest seed accepted, in bytes: a shorter secret would be guessable. */
  public static final int MIN_SEED_BYTES = 16;

  private static final int MIN_LENGTH = 16;
  private static final int MAX_LENGTH = 128;
  private static final String UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  private static final String LOWER = "abcdefghijklmnopqrstuvwxyz";
  private static final String DIGITS = "0123456789";
  private static final String ALPHABET = UPPER + LOWER + DIGITS;
  private static final byte[] LABEL = "rds-tagflow/password/v1".getBytes(StandardCharsets.US_ASCII);
  private static final String HMAC = "HmacSHA256";

  private final byte[] seed;
  private final int length;

  private DerivedPasswordSource(byte[] seed, int length) {
    this.seed = seed;
    this.length = length;
  }

  /**
   * A source with this seed and the {@link #DEFAULT_LENGTH default length}. The array is copied,
   * so the caller may clear its own.
   *
   * @throws NullPointerException     if {@code seed} is {@code null}
   * @throws IllegalArgumentException if the seed is shorter than {@value #MIN_SEED_BYTES} bytes
   */
  public static DerivedPasswordSource fromSeed(byte[] seed) {
    Objects.requireNonNull(seed, "seed");
    if (seed.length < MIN_SEED_BYTES) {
      throw new IllegalArgumentException(
          "the seed has " + seed.length + " bytes; give at least " + MIN_SEED_BYTES
              + " random bytes (for example 32 from a SecureRandom, kept in the broker's secret store)");
    }
    return new DerivedPasswordSource(seed.clone(), DEFAULT_LENGTH);
  }

  /**
   * A source with this seed, taken as its UTF-8 bytes, and the default length.
   *
   * @throws NullPointerException     if {@code seed} is {@code null}
   * @throws IllegalArgumentException if the seed's UTF-8 form is shorter than
   *                                  {@value #MIN_SEED_BYTES} bytes
   */
  public static DerivedPasswordSource fromSeed(String seed) {
    Objects.requireNonNull(seed, "seed");
    return fromSeed(seed.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * A source with the same seed that gives passwords of this length. Check the engine's limit with
   * {@link #maxLength(String)}: a master password longer than it is refused by RDS.
   *
   * @throws IllegalArgumentException if {@code length} is not between 16 and 128
   */
  public DerivedPasswordSource withLength(int length) {
    if (length < MIN_LENGTH || length > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "password length " + length + " is outside " + MIN_LENGTH + " to " + MAX_LENGTH);
    }
    return new DerivedPasswordSource(seed, length);
  }

  /** The length of the passwords this source gives. */
  public int length() {
    return length;
  }

  /**
   * The longest master password RDS accepts for an engine, by its RDS engine name: 30 for
   * {@code oracle-*}, 41 for {@code mysql}, {@code mariadb} and {@code aurora-mysql}, 128 for
   * {@code postgres}, {@code aurora-postgresql} and {@code sqlserver-*}, 255 for {@code db2-*};
   * 30, which every engine accepts, for a name it does not know.
   *
   * @throws NullPointerException if {@code engine} is {@code null}
   */
  public static int maxLength(String engine) {
    String e = engine.toLowerCase(Locale.ROOT);
    if (e.equals("mysql") || e.equals("mariadb") || e.startsWith("aurora-mysql") || e.equals("aurora")) {
      return 41;
    }
    if (e.equals("postgres") || e.startsWith("aurora-postgresql") || e.startsWith("sqlserver")) {
      return 128;
    }
    if (e.startsWith("db2")) {
      return 255;
    }
    return DEFAULT_LENGTH;
  }

  /**
   * The password of this user on this instance: the same for the same seed, length, instance and
   * user, different (with overwhelming probability) when any of them differs.
   *
   * @throws NullPointerException if an argument is {@code null}
   */
  @Override
  public String password(String instanceId, String userName) {
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(userName, "userName");
    byte[] message = message(instanceId, userName);
    ByteStream bytes = new ByteStream(seed, message);
    char[] out = new char[length];
    // Three positions carry one character of each class, so every password meets the class rules
    // of SQL Server and of common password policies; their places are drawn too.
    out[0] = pick(UPPER, bytes);
    out[1] = pick(LOWER, bytes);
    out[2] = pick(DIGITS, bytes);
    for (int i = 3; i < length; i++) {
      out[i] = pick(ALPHABET, bytes);
    }
    for (int i = length - 1; i > 0; i--) {
      int j = uniform(i + 1, bytes);
      char t = out[i];
      out[i] = out[j];
      out[j] = t;
    }
    String password = new String(out);
    Arrays.fill(out, '\0');
    Arrays.fill(message, (byte) 0);
    return password;
  }

  /** Shows the length only; never the seed. */
  @Override
  public String toString() {
    return "DerivedPasswordSource[length=" + length + ", seed=(hidden)]";
  }

  private static byte[] message(String instanceId, String userName) {
    byte[] id = instanceId.getBytes(StandardCharsets.UTF_8);
    byte[] user = userName.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(LABEL.length + 8 + id.length + user.length)
        .put(LABEL).putInt(id.length).put(id).putInt(user.length).put(user).array();
  }

  private static char pick(String alphabet, ByteStream bytes) {
    return alphabet.charAt(uniform(alphabet.length(), bytes));
  }

  /** A uniform number in [0, bound) for bound at most 256, by rejection of the biased tail. */
  private static int uniform(int bound, ByteStream bytes) {
    int limit = 256 - (256 % bound);
    while (true) {
      int b = bytes.next();
      if (b < limit) {
        return b % bound;
      }
    }
  }

  /** HMAC-SHA256(seed, message || counter) for counter 1, 2, ...: as many bytes as are drawn. */
  private static final class ByteStream {
    private final Mac mac;
    private final byte[] message;
    private byte[] block = new byte[0];
    private int position;
    private int counter;

    ByteStream(byte[] seed, byte[] message) {
      try {
        this.mac = Mac.getInstance(HMAC);
        mac.init(new SecretKeySpec(seed, HMAC));
      } catch (GeneralSecurityException e) {
        // Every Java runtime must provide HmacSHA256; reaching this is a broken runtime.
        throw new IllegalStateException("this Java runtime offers no " + HMAC, e);
      }
      this.message = message;
    }

    int next() {
      if (position == block.length) {
        counter++;
        mac.update(message);
        mac.update(ByteBuffer.allocate(4).putInt(counter).array());
        block = mac.doFinal();
        position = 0;
      }
      return block[position++] & 0xff;
    }
  }
}
