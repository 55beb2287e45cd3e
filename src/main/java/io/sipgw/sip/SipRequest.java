package io.sipgw.sip;

import java.util.List;

/** A received request (RFC 3261 §7.1). */
public final class SipRequest extends SipMessage {
  private final String method;
  private final String uriText;
  private SipUri uri;

  SipRequest(byte[] buf, int start, int startLineEnd, String method, String uriText, List<HeaderField> headers,
      int headersEnd, int bodyStart, int end) {
    super(buf, start, startLineEnd, headers, headersEnd, bodyStart, end);
    this.method = method;
    this.uriText = uriText;
  }

  @Override
  public boolean isRequest() { return true; }

  /** The method, exactly as received (methods are case-sensitive, §7.1). */
  public String method() { return method; }

  public boolean isMethod(String m) { return method.equals(m); }

  /** The Request-URI text as received. */
  public String requestUriText() { return uriText; }

  /** The Request-URI, parsed on first use. */
  public SipUri requestUri() throws SipParseException {
    SipUri u = uri;
    if (u == null) uri = u = SipUri.parse(uriText);
    return u;
  }
}
