package io.sipgw.sip;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Changes to a received message, recorded as Kamailio records its "lumps" and applied once, when the
 * new message is written: untouched header lines and the body are copied from the received bytes.
 */
public final class MessageEdit {
  private static final byte[] CRLF = {'\r', '\n'};

  private final SipMessage msg;
  private String requestUri;
  private final List<String> prepended = new ArrayList<>(2);
  private final List<String> appended = new ArrayList<>(1);
  private final Map<HeaderField, String> replaced = new IdentityHashMap<>(4);
  private String body;
  private String contentType;
  /** The new body keeps the received Content-Type line; only Content-Length changes, in place. */
  private boolean keepType;

  MessageEdit(SipMessage msg) { this.msg = msg; }

  /** Replaces the Request-URI. */
  public MessageEdit requestUri(String uri) {
    if (!msg.isRequest()) throw new IllegalStateException("a response has no Request-URI");
    requestUri = uri;
    return this;
  }

  /** Adds a header line above all others (Via and Record-Route go on top, §16.6). */
  public MessageEdit prepend(HeaderName name, String value) {
    prepended.add(0, name.canonical() + ": " + value);
    return this;
  }

  /** Adds a header line after all others. */
  public MessageEdit append(String name, String value) {
    appended.add(name + ": " + value);
    return this;
  }

  /** Replaces the value of one received header line. */
  public MessageEdit replace(HeaderField field, String value) {
    replaced.put(field, field.name() + ": " + value);
    return this;
  }

  /** Removes one received header line. */
  public MessageEdit remove(HeaderField field) {
    replaced.put(field, null);
    return this;
  }

  /**
   * Removes the first value of a list header (the top Via of a response, the first Route of a
   * request), keeping the other values of its line.
   */
  public MessageEdit removeFirstValue(HeaderName h, String firstValueText) {
    HeaderField f = msg.field(h);
    if (f == null) return this;
    String rest = restAfter(f.value(), firstValueText);
    if (rest == null || rest.isEmpty()) return remove(f);
    return replace(f, rest);
  }

  /** Replaces the first value of a list header, keeping the other values of its line. */
  public MessageEdit replaceFirstValue(HeaderName h, String firstValueText, String newValue) {
    HeaderField f = msg.field(h);
    if (f == null) return this;
    String rest = restAfter(f.value(), firstValueText);
    return replace(f, rest == null || rest.isEmpty() ? newValue : newValue + ", " + rest);
  }

  /** Replaces the body (and its Content-Type); Content-Length is written to match. */
  public MessageEdit body(String newContentType, String newBody) {
    contentType = newContentType;
    body = newBody;
    keepType = false;
    return this;
  }

  /**
   * Replaces the body with one of the same type (an SDP rewritten by a media relay): the Content-Type
   * line stays as received, the Content-Length line gets the new length where it is (added at the end
   * of the headers when there was none).
   */
  public MessageEdit body(String newBody) {
    body = newBody;
    contentType = null;
    keepType = true;
    return this;
  }

  private static String restAfter(String lineValue, String first) {
    if (!lineValue.startsWith(first)) return null;
    String rest = lineValue.substring(first.length()).trim();
    if (rest.startsWith(",")) rest = rest.substring(1).trim();
    return rest;
  }

  /** Writes the changed message. Adds Content-Length if the original had none (a stream needs it). */
  public Buffer toBuffer() {
    byte[] b = msg.buf;
    int bodyLen = body != null ? body.length() : msg.end - msg.bodyStart;
    Buffer out = Buffer.buffer(msg.end - msg.start + 256);
    if (requestUri != null) {
      SipRequest r = (SipRequest) msg;
      out.appendString(r.method(), "ISO-8859-1").appendByte((byte) ' ')
          .appendString(requestUri, "ISO-8859-1").appendString(" SIP/2.0\r\n");
    } else {
      out.appendBytes(b, msg.start, msg.startLineEnd - msg.start);
    }
    for (String line : prepended) out.appendBytes(Text.bytes(line)).appendBytes(CRLF);
    boolean hasLength = false;
    for (HeaderField f : msg.headers) {
      boolean isLength = f.known() == HeaderName.CONTENT_LENGTH;
      boolean isType = f.known() == HeaderName.CONTENT_TYPE;
      if (body != null && isLength && keepType) {
        out.appendBytes(Text.bytes(f.name() + ": " + bodyLen)).appendBytes(CRLF);
        hasLength = true;
        continue;
      }
      if (body != null && (isLength || (isType && !keepType))) continue;
      if (replaced.containsKey(f)) {
        String line = replaced.get(f);
        if (line != null) out.appendBytes(Text.bytes(line)).appendBytes(CRLF);
      } else {
        out.appendBytes(b, f.lineStart, f.lineEnd - f.lineStart);
        if (f.lineEnd == msg.headersEnd && (f.lineEnd == 0 || b[f.lineEnd - 1] != '\n')) out.appendBytes(CRLF);
      }
      hasLength |= isLength;
    }
    for (String line : appended) out.appendBytes(Text.bytes(line)).appendBytes(CRLF);
    if (body != null) {
      if (contentType != null) out.appendString("Content-Type: " + contentType + "\r\n");
      if (!hasLength) out.appendString("Content-Length: " + bodyLen + "\r\n");
      out.appendBytes(CRLF).appendBytes(Text.bytes(body));
    } else {
      if (!hasLength) out.appendString("Content-Length: " + bodyLen + "\r\n");
      out.appendBytes(CRLF);
      out.appendBytes(b, msg.bodyStart, bodyLen);
    }
    return out;
  }
}
