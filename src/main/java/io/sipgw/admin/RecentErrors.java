package io.sipgw.admin;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * The last warnings and errors the process logged ({@link Level#WARNING} and above), for
 * {@code core.info}'s {@code lastErrors} and the web console: a handler on the root logger that keeps
 * the newest {@link #CAPACITY} records, oldest first. Costs nothing below WARNING (the handler's level
 * turns those away before any formatting).
 */
public final class RecentErrors extends Handler {
  /** How many records are kept. */
  public static final int CAPACITY = 20;
  private static RecentErrors installed;

  private final ArrayDeque<JsonObject> records = new ArrayDeque<>(CAPACITY);
  private final SimpleFormatter formatter = new SimpleFormatter();

  RecentErrors() { setLevel(Level.WARNING); }

  /** The handler on the root logger, added there at the first call. */
  public static synchronized RecentErrors install() {
    if (installed == null) {
      installed = new RecentErrors();
      Logger.getLogger("").addHandler(installed);
    }
    return installed;
  }

  @Override
  public void publish(LogRecord r) {
    if (r == null || !isLoggable(r)) return;
    String message = formatter.formatMessage(r);
    if (r.getThrown() != null) message += " (" + r.getThrown() + ")";
    JsonObject o = new JsonObject().put("time", Instant.ofEpochMilli(r.getMillis()).toString()).put("level", r.getLevel().getName())
        .put("logger", r.getLoggerName()).put("message", message);
    synchronized (records) {
      if (records.size() == CAPACITY) records.removeFirst();
      records.addLast(o);
    }
  }

  /** The records kept, oldest first. */
  public JsonArray json() {
    synchronized (records) {
      JsonArray a = new JsonArray();
      records.forEach(a::add);
      return a;
    }
  }

  @Override
  public void flush() { }

  @Override
  public void close() { }
}
