package io.sipgw.sip;

import io.vertx.core.buffer.Buffer;

/**
 * Writes a response to a received request (RFC 3261 §8.2.6): Via, From, Call-ID and CSeq copied from
 * the request's own bytes, To copied with a To tag added when it has none, then the extra headers.
 */
public final class ResponseBuilder {
  private final SipRequest request;
  private final int status;
  private final String reason;
  private final StringBuilder extra = new StringBuilder(128);
  private String toTag;
  private String body;
  private String contentType;

  private ResponseBuilder(SipRequest request, int status, String reason) {
    this.request = request;
    this.status = status;
    this.reason = reason;
  }

  public static ResponseBuilder of(SipRequest request, int status, String reason) {
    return new ResponseBuilder(request, status, reason == null ? Reasons.phrase(status) : reason);
  }

  public static ResponseBuilder of(SipRequest request, int status) {
    return of(request, status, null);
  }

  /**
   * The To tag to add when the request's To has none (not added to 100 Trying, §8.2.6.2). Without
   * one, a tag derived from Call-ID and CSeq is used, so a retransmission gets the same response.
   */
  public ResponseBuilder toTag(String tag) {
    toTag = tag;
    return this;
  }

  public ResponseBuilder header(String name, String value) {
    extra.append(name).append(": ").append(value).append("\r\n");
    return this;
  }

  public ResponseBuilder header(HeaderName name, String value) { return header(name.canonical(), value); }

  public ResponseBuilder body(String type, String text) {
    contentType = type;
    body = text;
    return this;
  }

  public Buffer toBuffer() {
    byte[] b = request.buf;
    // One allocation sized for the copied headers and the extra ones; text is ISO-8859-1, byte for char.
    ByteWriter out = new ByteWriter(request.headersEnd - request.start + extra.length() + 128
        + (body != null ? body.length() + 64 : 0));
    out.ascii("SIP/2.0 ").ascii(Integer.toString(status)).ascii(" ").ascii(reason).ascii("\r\n");
    for (HeaderField f : request.headers) {
      HeaderName k = f.known();
      if (k == HeaderName.VIA || k == HeaderName.FROM || k == HeaderName.CALL_ID || k == HeaderName.CSEQ) {
        copyLine(out, b, f);
      } else if (k == HeaderName.TO) {
        if (status > 100 && !hasTag()) {
          String tag = toTag != null ? toTag : derivedTag();
          out.bytes(b, f.lineStart, f.valueEnd - f.lineStart).ascii(";tag=").ascii(tag).ascii("\r\n");
        } else {
          copyLine(out, b, f);
        }
      }
    }
    out.ascii(extra);
    if (body != null) {
      out.ascii("Content-Type: ").ascii(contentType).ascii("\r\n");
      out.ascii("Content-Length: ").ascii(Integer.toString(body.length())).ascii("\r\n\r\n").ascii(body);
    } else {
      out.ascii("Content-Length: 0\r\n\r\n");
    }
    return out.toBuffer();
  }


  private String derivedTag() {
    return "sgw" + Integer.toHexString((request.callId() + request.header(HeaderName.CSEQ)).hashCode() & 0x7fffffff);
  }

  /** Whether the request's To has a tag (its parsed To is cached: validation has read it). */
  private boolean hasTag() {
    try {
      return request.to().tag() != null;
    } catch (SipParseException e) {
      return true;
    }
  }

  private static void copyLine(ByteWriter out, byte[] b, HeaderField f) {
    out.bytes(b, f.lineStart, f.lineEnd - f.lineStart);
    if (b[f.lineEnd - 1] != '\n') out.ascii("\r\n");
  }
}
