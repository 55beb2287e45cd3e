package io.sipgw.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A SIP message received by a {@link SipPeer}, as text: its first line and its headers. */
public record SipMessageText(String text) {
  private static final Map<String, String> COMPACT = Map.of(
      "via", "v", "from", "f", "to", "t", "call-id", "i", "contact", "m", "content-length", "l",
      "supported", "k", "content-type", "c");

  /** The first line: the request line or the status line. */
  public String firstLine() { return text.substring(0, Math.max(0, text.indexOf("\r\n"))); }

  /** The method of a request; fails for a response. */
  public String method() {
    if (isResponse()) throw new AssertionError("expected a request, received a response:\n" + text);
    return firstLine().substring(0, firstLine().indexOf(' '));
  }

  /** The Request-URI of a request; fails for a response. */
  public String requestUri() {
    String line = firstLine();
    method();
    return line.substring(line.indexOf(' ') + 1, line.lastIndexOf(' '));
  }

  /**
   * Every header line named {@code name} or its compact form (case-insensitive), in order, as
   * values (a line with several comma-separated values stays one entry).
   */
  public List<String> headers(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    String compact = COMPACT.get(lower);
    List<String> values = new ArrayList<>();
    String[] lines = text.split("\r\n");
    for (int i = 1; i < lines.length; i++) {
      String line = lines[i];
      if (line.isEmpty()) break;
      int colon = line.indexOf(':');
      if (colon < 0) continue;
      String field = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      if (field.equals(lower) || field.equals(compact)) values.add(line.substring(colon + 1).trim());
    }
    return values;
  }

  /** What follows the blank line that ends the headers (empty when there is none). */
  public String body() {
    int end = text.indexOf("\r\n\r\n");
    return end < 0 ? "" : text.substring(end + 4);
  }

  public boolean isResponse() { return text.startsWith("SIP/2.0 "); }

  /** The status code of a response; fails for a request. */
  public int status() {
    if (!isResponse()) throw new AssertionError("expected a response, received a request:\n" + text);
    return Integer.parseInt(text.substring(8, 11));
  }

  /** The value of the first header named {@code name} (case-insensitive), or null. */
  public String header(String name) {
    String wanted = name.toLowerCase(Locale.ROOT) + ":";
    for (String line : text.split("\r\n")) {
      if (line.isEmpty()) break;
      if (line.toLowerCase(Locale.ROOT).startsWith(wanted)) return line.substring(wanted.length()).trim();
    }
    return null;
  }

  @Override
  public String toString() { return text; }
}
