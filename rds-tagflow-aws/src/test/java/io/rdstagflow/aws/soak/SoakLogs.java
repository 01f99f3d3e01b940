package io.rdstagflow.aws.soak;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Captures every log line written during the soak, by any logger, so each flow's lines can be
 * searched for secrets and then dropped. The library's own loggers stay at DEBUG (every line they
 * can write is checked) but are taken off the console: a thousand flows would print tens of
 * thousands of lines nobody reads. Restored as it was by {@link #stop()}.
 */
final class SoakLogs {

  private static final ListAppender<ILoggingEvent> APPENDER = new ListAppender<>();
  private static Boolean additive;
  private static Level level;

  private SoakLogs() {}

  static void start() {
    Logger ours = ours();
    additive = ours.isAdditive();
    level = ours.getLevel();
    APPENDER.list.clear();
    APPENDER.start();
    ours.setLevel(Level.DEBUG);
    ours.setAdditive(false);
    ours.addAppender(APPENDER);
    root().addAppender(APPENDER);
  }

  static void stop() {
    Logger ours = ours();
    ours.detachAppender(APPENDER);
    root().detachAppender(APPENDER);
    ours.setAdditive(additive == null || additive);
    ours.setLevel(level);
    APPENDER.stop();
    APPENDER.list.clear();
  }

  /** The lines captured since the last call, as text with their throwables' messages; then forgotten. */
  static List<String> drain() {
    List<String> out = new ArrayList<>(APPENDER.list.size());
    for (ILoggingEvent e : APPENDER.list) {
      StringBuilder b = new StringBuilder(e.getLevel() + " " + e.getLoggerName() + " " + e.getFormattedMessage());
      for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
        b.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
      }
      out.add(b.toString());
    }
    APPENDER.list.clear();
    return out;
  }

  private static Logger ours() {
    return (Logger) LoggerFactory.getLogger("io.rdstagflow");
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }
}
