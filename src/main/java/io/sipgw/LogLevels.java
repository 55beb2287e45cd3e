package io.sipgw;

import io.sipgw.config.LogConfig;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Applies {@code log.levels} to the loggers and {@code log.format} to the root logger's handlers, at
 * start and on each reload. The loggers it set are held here (java.util.logging keeps them only
 * weakly, and a collected logger would forget its level), and so are the formatters the JSON one
 * replaced, put back when the format returns to text.
 */
final class LogLevels {
  private static final Logger LOG = Logger.getLogger("sipgw");
  private static final Map<String, Logger> SET = new HashMap<>();
  /** The formatter each root handler had before the JSON one took its place. */
  private static final Map<Handler, Formatter> REPLACED = new IdentityHashMap<>();

  private LogLevels() { }

  /** Sets the level of logger {@code name} now (an operator's {@code log.set_level}) until the next reload of {@code log.levels}. */
  static synchronized void set(String name, Level level) {
    Logger l = SET.computeIfAbsent(name, Logger::getLogger);
    l.setLevel(level);
    LOG.info("log level of " + name + ": " + level.getName() + " (set by an operator)");
  }

  static synchronized void apply(LogConfig config) {
    format(config.json());
    for (Map.Entry<String, Logger> e : SET.entrySet()) {
      if (!config.levels().containsKey(e.getKey()) && e.getValue().getLevel() != null) {
        e.getValue().setLevel(null);
        LOG.info("log level of " + e.getKey() + " back to its parent's");
      }
    }
    for (Map.Entry<String, Level> e : config.levels().entrySet()) {
      Logger l = SET.computeIfAbsent(e.getKey(), Logger::getLogger);
      if (!e.getValue().equals(l.getLevel())) {
        l.setLevel(e.getValue());
        LOG.info("log level of " + e.getKey() + ": " + e.getValue().getName());
      }
    }
  }

  /** Puts the JSON formatter on every handler of the root logger, or (json false) the one each had before. */
  private static void format(boolean json) {
    for (Handler h : Logger.getLogger("").getHandlers()) {
      if (json && !(h.getFormatter() instanceof JsonLogFormatter)) {
        REPLACED.put(h, h.getFormatter());
        h.setFormatter(new JsonLogFormatter());
        LOG.info("log format: json");
      } else if (!json && h.getFormatter() instanceof JsonLogFormatter) {
        Formatter before = REPLACED.remove(h);
        h.setFormatter(before != null ? before : new java.util.logging.SimpleFormatter());
        LOG.info("log format: text");
      }
    }
  }
}
