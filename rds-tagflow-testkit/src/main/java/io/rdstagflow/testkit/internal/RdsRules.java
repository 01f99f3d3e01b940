package io.rdstagflow.testkit.internal;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * RDS's validation rules, as its API reference and user guide state them, each returning the
 * violation's message or {@code null} when the value is fine.
 */
final class RdsRules {

  static final int MAX_TAGS = 50;
  static final int MAX_KEY = 128;
  static final int MAX_VALUE = 256;

  /** RDS's documented tag character set. */
  private static final Pattern TAG_CHARS = Pattern.compile("^[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*$");

  /** Letters, digits, hyphens; first a letter; no trailing or doubled hyphen. */
  private static final Pattern IDENTIFIER =
      Pattern.compile("^[A-Za-z](?:[A-Za-z0-9]|-(?=[A-Za-z0-9]))*$");

  private RdsRules() {}

  /**
   * The message RDS gives for an invalid instance, snapshot or parameter group identifier.
   *
   * @param parameter the request parameter's name, e.g. {@code DBInstanceIdentifier}
   * @param maxLength 63 for instances, 255 for snapshots and parameter groups
   */
  static String identifierViolation(String parameter, String value, int maxLength) {
    if (value == null || value.isEmpty()) {
      return "The parameter " + parameter + " must be provided and must not be blank.";
    }
    if (value.length() > maxLength || !IDENTIFIER.matcher(value).matches()) {
      return "The parameter " + parameter + " is not a valid identifier. Identifiers must begin "
          + "with a letter; must contain only ASCII letters, digits, and hyphens; and must not "
          + "end with a hyphen or contain two consecutive hyphens.";
    }
    return null;
  }

  /** The violation of one tag, or {@code null}. Tags are not secrets, so keys may be quoted. */
  static String tagViolation(String key, String value) {
    if (key == null || key.isEmpty() || key.length() > MAX_KEY) {
      return "Tag key must be between 1 and " + MAX_KEY + " characters long: \""
          + (key == null ? "" : key) + "\"";
    }
    if (value != null && value.length() > MAX_VALUE) {
      return "Tag value for key \"" + key + "\" must be at most " + MAX_VALUE
          + " characters long.";
    }
    if (!TAG_CHARS.matcher(key).matches()) {
      return "Tag key \"" + key + "\" contains characters outside [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@].";
    }
    if (value != null && !TAG_CHARS.matcher(value).matches()) {
      return "Tag value for key \"" + key
          + "\" contains characters outside [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@].";
    }
    if (reserved(key)) {
      return "Tag key \"" + key + "\" uses a reserved prefix: keys may not begin with \"aws:\" "
          + "or \"rds:\".";
    }
    if (value != null && reserved(value)) {
      return "Tag value for key \"" + key + "\" uses a reserved prefix: values may not begin "
          + "with \"aws:\" or \"rds:\".";
    }
    return null;
  }

  private static boolean reserved(String s) {
    String lower = s.toLowerCase(java.util.Locale.ROOT);
    return lower.startsWith("aws:") || lower.startsWith("rds:");
  }

  /** The violation of a whole tag set after a change, or {@code null}. */
  static String tagCountViolation(Map<String, String> after) {
    if (after.size() > MAX_TAGS) {
      return "Cannot add tags: the resource would have " + after.size()
          + " tags, more than the limit of " + MAX_TAGS + " tags per resource.";
    }
    return null;
  }

  /**
   * The violation of a master password, or {@code null}. The message never contains the
   * password.
   */
  static String passwordViolation(String password) {
    if (password.length() < 8) {
      return "The parameter MasterUserPassword is not a valid password because it is shorter "
          + "than 8 characters.";
    }
    if (password.length() > 128) {
      return "The parameter MasterUserPassword is not a valid password because it is longer "
          + "than 128 characters.";
    }
    for (int i = 0; i < password.length(); i++) {
      char c = password.charAt(i);
      if (c < 0x21 || c > 0x7e || c == '/' || c == '@' || c == '"') {
        return "The parameter MasterUserPassword is not a valid password. Only printable ASCII "
            + "characters besides '/', '@', '\"', ' ' may be used.";
      }
    }
    return null;
  }
}
