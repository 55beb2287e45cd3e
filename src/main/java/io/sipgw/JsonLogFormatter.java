package io.sipgw;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * One JSON object per line ({@code log.format: "json"}): {@code time} (ISO-8601, UTC), {@code level},
 * {@code logger}, {@code message}, {@code callId} when the line names one (the {@code " (Call-ID x)"}
 * suffix the code's log lines end with, taken out of the message), and {@code thrown} (class and
 * message; with the stack trace only on a SEVERE line, an unexpected error).
 */
public final class JsonLogFormatter extends Formatter {
  /** The suffix a log line that concerns one Call-ID ends with: {@code " (Call-ID " + callId + ")"}. */
  static final String CALL_ID_MARK = " (Call-ID ";

  @Override
  public String format(LogRecord r) {
    StringBuilder b = new StringBuilder(256);
    b.append("{\"time\":\"");
    DateTimeFormatter.ISO_INSTANT.formatTo(r.getInstant(), b);
    b.append("\",\"level\":");
    string(b, r.getLevel().getName());
    b.append(",\"logger\":");
    string(b, r.getLoggerName() == null ? "" : r.getLoggerName());
    String message = formatMessage(r);
    if (message == null) message = "";
    String callId = null;
    int mark = message.endsWith(")") ? message.lastIndexOf(CALL_ID_MARK) : -1;
    if (mark >= 0) {
      callId = message.substring(mark + CALL_ID_MARK.length(), message.length() - 1);
      message = message.substring(0, mark);
    }
    b.append(",\"message\":");
    string(b, message);
    if (callId != null) {
      b.append(",\"callId\":");
      string(b, callId);
    }
    Throwable t = r.getThrown();
    if (t != null) {
      b.append(",\"thrown\":{\"class\":");
      string(b, t.getClass().getName());
      if (t.getMessage() != null) {
        b.append(",\"message\":");
        string(b, t.getMessage());
      }
      if (r.getLevel().intValue() >= Level.SEVERE.intValue()) {
        StringWriter stack = new StringWriter();
        t.printStackTrace(new PrintWriter(stack));
        b.append(",\"stack\":");
        string(b, stack.toString());
      }
      b.append('}');
    }
    return b.append("}\n").toString();
  }

  /** {@code s} as a JSON string (RFC 8259 §7): quotes, backslashes and control characters escaped. */
  static void string(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) b.append(String.format("\\u%04x", (int) c));
          else b.append(c);
        }
      }
    }
    b.append('"');
  }
}
