package io.sipgw.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class RecentErrorsTest {
  private static LogRecord record(Level level, String message, Object... params) {
    LogRecord r = new LogRecord(level, message);
    r.setLoggerName("sipgw.test");
    r.setParameters(params);
    return r;
  }

  @Test
  void keepsWarningsAndErrorsOnlyTheNewestFirstOut() {
    RecentErrors errors = new RecentErrors();
    errors.publish(record(Level.INFO, "not kept"));
    errors.publish(record(Level.FINE, "not kept either"));
    errors.publish(record(Level.WARNING, "banned {0} for {1} s", "192.0.2.1", 60));
    LogRecord severe = record(Level.SEVERE, "timer task failed");
    severe.setThrown(new IllegalStateException("boom"));
    errors.publish(severe);

    JsonArray kept = errors.json();
    assertEquals(2, kept.size(), kept::encode);
    JsonObject first = kept.getJsonObject(0);
    assertEquals("WARNING", first.getString("level"));
    assertEquals("sipgw.test", first.getString("logger"));
    assertEquals("banned 192.0.2.1 for 60 s", first.getString("message"));
    assertEquals("timer task failed (java.lang.IllegalStateException: boom)", kept.getJsonObject(1).getString("message"));

    for (int i = 0; i < RecentErrors.CAPACITY + 5; i++) errors.publish(record(Level.WARNING, "warning " + i));
    kept = errors.json();
    assertEquals(RecentErrors.CAPACITY, kept.size());
    assertEquals("warning 5", kept.getJsonObject(0).getString("message"));
    assertEquals("warning " + (RecentErrors.CAPACITY + 4), kept.getJsonObject(RecentErrors.CAPACITY - 1).getString("message"));
  }
}
