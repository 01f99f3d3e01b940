package io.rdstagflow.core.internal;

/**
 * RDS's rules for tags: at most 50 per resource; keys 1 to 128 characters, values 0 to 256; both
 * only from {@code [\p{L}\p{Z}\p{N}_.:/=+\-@]}; neither may begin with {@code aws:} or {@code rds:}.
 */
public final class TagRules {

  /** Tags per resource. */
  public static final int MAX_TAGS = 50;
  /** Characters in a key. */
  public static final int MAX_KEY_LENGTH = 128;
  /** Characters in a value. */
  public static final int MAX_VALUE_LENGTH = 256;

  private TagRules() {}

  /** {@code true} if RDS allows this code point in a tag key or value. */
  public static boolean isAllowed(int cp) {
    switch (cp) {
      case '_': case '.': case ':': case '/': case '=': case '+': case '-': case '@':
        return true;
      default:
        break;
    }
    if (cp < 128) {
      return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') || cp == ' ';
    }
    if (Character.isLetter(cp)) {
      return true;
    }
    int type = Character.getType(cp);
    return type == Character.SPACE_SEPARATOR || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR || type == Character.DECIMAL_DIGIT_NUMBER
        || type == Character.LETTER_NUMBER || type == Character.OTHER_NUMBER;
  }

  /** The first problem with this key, or {@code null} if RDS accepts it. */
  public static String keyProblem(String key) {
    int length = key.codePointCount(0, key.length());
    if (length < 1 || length > MAX_KEY_LENGTH) {
      return "a tag key must be 1 to " + MAX_KEY_LENGTH + " characters, this one has " + length;
    }
    return textProblem(key, "key");
  }

  /** The first problem with this value, or {@code null} if RDS accepts it. */
  public static String valueProblem(String value) {
    int length = value.codePointCount(0, value.length());
    if (length > MAX_VALUE_LENGTH) {
      return "a tag value may have at most " + MAX_VALUE_LENGTH + " characters, this one has " + length;
    }
    return textProblem(value, "value");
  }

  private static String textProblem(String text, String what) {
    if (text.regionMatches(true, 0, "aws:", 0, 4) || text.regionMatches(true, 0, "rds:", 0, 4)) {
      return "a tag " + what + " may not begin with aws: or rds: (in any case: RDS refuses AWS: too)";
    }
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      if (!isAllowed(cp)) {
        return "a tag " + what + " may hold only letters, digits, spaces and _ . : / = + - @; position "
            + text.codePointCount(0, i) + " holds U+" + String.format("%04X", cp);
      }
      i += Character.charCount(cp);
    }
    return null;
  }

  /**
   * Free text (a failure reason) reduced to what a tag value allows: {@code ,} and {@code ;} become
   * {@code .}, every other character outside the set becomes {@code _}, and the result is cut to {@code maxLength} characters, ending in
   * {@code ...} when cut.
   */
  public static String sanitize(String text, int maxLength) {
    StringBuilder out = new StringBuilder(Math.min(text.length(), maxLength));
    int count = 0;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      if (count == maxLength) {
        int cut = out.offsetByCodePoints(0, Math.max(0, maxLength - 3));
        out.setLength(cut);
        out.append("...");
        return out.toString();
      }
      if (isAllowed(cp)) {
        out.appendCodePoint(cp);
      } else if (cp == ',' || cp == ';') {
        out.append('.'); // keeps a sentence readable in the console
      } else {
        out.append('_');
      }
      count++;
    }
    return out.toString();
  }
}
