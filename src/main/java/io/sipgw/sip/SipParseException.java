package io.sipgw.sip;

/**
 * A message, or a part of one, that does not follow the grammar. Carries the response a server
 * should give (400 unless said otherwise, 505, 513, 416 …) and a reason phrase that names the fault.
 * Expected on the wire, so it carries no stack trace.
 */
public final class SipParseException extends Exception {
  private final int status;
  private final int offset;

  public SipParseException(int status, String reason, int offset) {
    super(reason, null, false, false);
    this.status = status;
    this.offset = offset;
  }

  public SipParseException(String reason, int offset) { this(400, reason, offset); }

  public SipParseException(String reason) { this(400, reason, -1); }

  /** The status code of the response this fault deserves. */
  public int status() { return status; }

  /** Byte or character offset where the fault was found, or -1. */
  public int offset() { return offset; }

  /** The reason phrase for the response, e.g. {@code Bad Request (malformed Via)}. */
  public String reason() { return getMessage(); }
}
