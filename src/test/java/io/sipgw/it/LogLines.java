package io.sipgw.it;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** The records an in-process gateway logs under one logger, as "LEVEL message", while it is open. */
final class LogLines implements AutoCloseable {
  private final Logger logger;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Handler handler = new Handler() {
    @Override
    public void publish(LogRecord r) { lines.add(r.getLevel() + " " + r.getMessage()); }

    @Override
    public void flush() { }

    @Override
    public void close() { }
  };

  LogLines(String logger) {
    this.logger = Logger.getLogger(logger);
    this.logger.addHandler(handler);
  }

  List<String> lines() { return lines; }

  /** How many lines of {@code level} contain {@code text}. */
  long count(String level, String text) {
    return lines.stream().filter(l -> l.startsWith(level + " ") && l.contains(text)).count();
  }

  @Override
  public void close() { logger.removeHandler(handler); }
}
