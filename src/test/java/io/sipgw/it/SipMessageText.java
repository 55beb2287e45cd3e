package io.sipgw.it;

import java.util.Locale;

/** A SIP message received by a {@link SipPeer}, as text: its first line and its headers. */
public record SipMessageText(String text) {

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
