package io.sipgw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class JsonLogFormatterTest {
  private final JsonLogFormatter formatter = new JsonLogFormatter();

  private JsonObject line(LogRecord r) {
    String text = formatter.format(r);
    assertTrue(text.endsWith("\n"), "one line");
    assertEquals(text.length() - 1, text.indexOf('\n'), () -> "a single line: " + text);
    return new JsonObject(text);
  }

  private static LogRecord record(Level level, String message) {
    LogRecord r = new LogRecord(level, message);
    r.setLoggerName("sipgw.proxy");
    r.setInstant(Instant.parse("2026-12-05T01:02:03.456789Z"));
    return r;
  }

  @Test
  void callIdSuffixBecomesItsOwnField() {
    JsonObject j = line(record(Level.INFO, "could not forward INVITE to udp:10.0.0.1:5060: refused (Call-ID a84b4c76e66710@pc33)"));
    assertEquals("2026-12-05T01:02:03.456789Z", j.getString("time"));
    assertEquals("INFO", j.getString("level"));
    assertEquals("sipgw.proxy", j.getString("logger"));
    assertEquals("could not forward INVITE to udp:10.0.0.1:5060: refused", j.getString("message"));
    assertEquals("a84b4c76e66710@pc33", j.getString("callId"));
    assertNull(j.getValue("thrown"));
  }

  @Test
  void callIdWithParenthesesAndLineWithoutOne() {
    assertEquals("x(1)y", line(record(Level.FINE, "dropped (Call-ID x(1)y)")).getString("callId"));
    JsonObject none = line(record(Level.WARNING, "rtpengine 127.0.0.1:2223 down (Call-ID in the middle) here"));
    assertFalse(none.containsKey("callId"));
    assertEquals("rtpengine 127.0.0.1:2223 down (Call-ID in the middle) here", none.getString("message"));
  }

  @Test
  void quotesControlCharactersAndParametersAreEscapedAndFormatted() {
    LogRecord r = record(Level.INFO, "bad \"{0}\"\r\n\ttab\u0001 \\ end");
    r.setParameters(new Object[] {"Via"});
    JsonObject j = line(r);
    assertEquals("bad \"Via\"\r\n\ttab\u0001 \\ end", j.getString("message"));
  }

  @Test
  void thrownHasClassAndMessageAndAStackOnlyWhenSevere() {
    LogRecord expected = record(Level.INFO, "store failed (Call-ID c1)");
    expected.setThrown(new IOException("connection refused"));
    JsonObject j = line(expected);
    assertEquals("java.io.IOException", j.getJsonObject("thrown").getString("class"));
    assertEquals("connection refused", j.getJsonObject("thrown").getString("message"));
    assertFalse(j.getJsonObject("thrown").containsKey("stack"));
    assertEquals("c1", j.getString("callId"));

    LogRecord bug = record(Level.SEVERE, "error routing INVITE (Call-ID c2)");
    bug.setThrown(new IllegalStateException());
    JsonObject s = line(bug);
    assertEquals("java.lang.IllegalStateException", s.getJsonObject("thrown").getString("class"));
    assertTrue(s.getJsonObject("thrown").getString("stack").contains("JsonLogFormatterTest"));
  }
}
