package io.sipgw.sip;

import java.util.List;

/** A received response (RFC 3261 §7.2). */
public final class SipResponse extends SipMessage {
  private final int status;
  private final String reason;

  SipResponse(byte[] buf, int start, int startLineEnd, int status, String reason, List<HeaderField> headers,
      int headersEnd, int bodyStart, int end) {
    super(buf, start, startLineEnd, headers, headersEnd, bodyStart, end);
    this.status = status;
    this.reason = reason;
  }

  @Override
  public boolean isRequest() { return false; }

  public int status() { return status; }

  public String reason() { return reason; }

  public boolean isProvisional() { return status < 200; }
}
