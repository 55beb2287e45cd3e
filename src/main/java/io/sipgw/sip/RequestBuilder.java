package io.sipgw.sip;

import io.vertx.core.buffer.Buffer;

/**
 * The requests a client transaction makes from the one it sent: the CANCEL of a pending INVITE
 * (RFC 3261 §9.1) and the ACK of a non-2xx final response (§17.1.1.3). Both copy the Request-URI,
 * the top Via (so they share the INVITE's branch), Route, From, Call-ID and the CSeq number of the
 * request; the CANCEL takes the request's To, the ACK the To of the response (it carries the tag).
 */
public final class RequestBuilder {
  private RequestBuilder() { }

  public static Buffer cancel(SipRequest sent) throws SipParseException {
    return build(sent, Methods.CANCEL, sent.field(HeaderName.TO));
  }

  public static Buffer ack(SipRequest sent, SipResponse response) throws SipParseException {
    return build(sent, Methods.ACK, response.field(HeaderName.TO));
  }

  private static Buffer build(SipRequest sent, String method, HeaderField to) throws SipParseException {
    ByteWriter out = new ByteWriter(512);
    out.ascii(method).ascii(" ").ascii(sent.requestUriText()).ascii(" SIP/2.0\r\n");
    out.ascii("Via: ").ascii(sent.topVia().toString()).ascii("\r\n");
    for (HeaderField f : sent.fields(HeaderName.ROUTE)) line(out, f);
    line(out, sent.field(HeaderName.FROM));
    if (to != null) line(out, to);
    line(out, sent.field(HeaderName.CALL_ID));
    out.ascii("CSeq: ").ascii(Long.toString(sent.cseq().number())).ascii(" ").ascii(method).ascii("\r\n");
    out.ascii("Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n");
    return out.toBuffer();
  }

  private static void line(ByteWriter out, HeaderField f) {
    out.ascii(f.name()).ascii(": ").ascii(f.value()).ascii("\r\n");
  }
}
