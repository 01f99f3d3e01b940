package io.rdstagflow.examples;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Console logging for the command-line programs (the demo, the operator tool): they print their own
 * report, so the library's INFO lines would only repeat it. The example broker keeps Spring Boot's
 * logging and does not use this.
 */
public final class ConsoleLogging {

  private ConsoleLogging() {}

  /**
   * Shows only warnings and errors. Does nothing when SLF4J is bound to something other than
   * Logback (the examples module ships Logback through Spring Boot).
   */
  public static void warningsOnly() {
    rootLevel(Level.WARN);
  }

  /** Shows only errors; otherwise as {@link #warningsOnly()}. */
  public static void errorsOnly() {
    rootLevel(Level.ERROR);
  }

  private static void rootLevel(Level level) {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (factory instanceof LoggerContext context) {
      context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(level);
    }
  }
}
