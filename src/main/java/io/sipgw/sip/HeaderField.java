package io.sipgw.sip;

/**
 * One header line of a received message, as offsets into the message's bytes: located when the
 * message is framed, read only when asked for.
 */
public final class HeaderField {
  private final byte[] buf;
  private final HeaderName known;
  final int lineStart;
  final int nameEnd;
  final int valueStart;
  int valueEnd;
  int lineEnd;
  private String value;

  HeaderField(byte[] buf, HeaderName known, int lineStart, int nameEnd, int valueStart, int valueEnd, int lineEnd) {
    this.buf = buf;
    this.known = known;
    this.lineStart = lineStart;
    this.nameEnd = nameEnd;
    this.valueStart = valueStart;
    this.valueEnd = valueEnd;
    this.lineEnd = lineEnd;
  }

  /** The well-known name, or null for any other header. */
  public HeaderName known() { return known; }

  /** The name as received. */
  public String name() { return Text.of(buf, lineStart, nameEnd); }

  public boolean is(HeaderName h) { return known == h; }

  /** Whether the name is {@code name}, compared case-insensitively (for headers sipgw has no name for). */
  public boolean isNamed(String name) { return name().equalsIgnoreCase(name); }

  /** The value, folding undone, without leading and trailing white space. */
  public String value() {
    String v = value;
    if (v == null) value = v = Text.unfold(buf, valueStart, valueEnd);
    return v;
  }

  /** The whole line as received, including its line ending. */
  public String line() { return Text.of(buf, lineStart, lineEnd); }

  @Override
  public String toString() { return name() + ": " + value(); }
}
