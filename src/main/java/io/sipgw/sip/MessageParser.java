package io.sipgw.sip;

import java.util.ArrayList;
import java.util.List;

/**
 * Frames one SIP message from bytes (RFC 3261 §7): the start line is parsed, header lines are located
 * (name recognised, value offsets kept, folding joined), the body is delimited by Content-Length.
 * Header values are not parsed here.
 */
public final class MessageParser {
  /** Header lines per message beyond which a message is refused. */
  public static final int MAX_HEADERS = 256;

  private MessageParser() { }

  /**
   * Parses the message at {@code buf[offset, offset+length)}.
   *
   * @param datagram true for UDP: the body may lack Content-Length (it runs to the datagram's end) and
   *     octets past Content-Length are ignored (RFC 3261 §18.3); false when a stream framer has already
   *     cut exactly one message.
   */
  public static SipMessage parse(byte[] buf, int offset, int length, boolean datagram) throws SipParseException {
    int end = offset + length;
    int p = offset;
    // §7.5: CRLFs before the start line are ignored.
    while (p < end && (buf[p] == '\r' || buf[p] == '\n')) p++;
    if (p == end) throw new SipParseException("empty message", p);
    int start = p;
    int lineEnd = lineEnd(buf, p, end);
    if (lineEnd < 0) throw new SipParseException("no line ending after the start line", p);
    int startLineEnd = next(buf, lineEnd, end);
    // §7.1: the SIP-Version string is case-insensitive.
    boolean response = startsWithIgnoreCase(buf, p, lineEnd, "SIP/");

    List<HeaderField> headers = new ArrayList<>(16);
    int headersEnd = locateHeaders(buf, startLineEnd, end, false, headers);
    p = headersEnd < 0 ? end : next(buf, headersEnd, end);
    if (headersEnd < 0) {
      // The header section ran to the end with no empty line. A datagram is complete as it is; treat
      // the header section as closed and the body as empty (RFC 4475 §3.1.2.15 baddn ends this way).
      if (!datagram) throw new SipParseException("header section not terminated", end);
      headersEnd = end;
      p = end;
    }
    int bodyStart = p;
    int bodyEnd = bodyEnd(buf, headers, bodyStart, end, datagram);

    if (response) return response(buf, start, lineEnd, startLineEnd, headers, headersEnd, bodyStart, bodyEnd);
    return request(buf, start, lineEnd, startLineEnd, headers, headersEnd, bodyStart, bodyEnd);
  }

  /**
   * The header section of a request that could not be parsed as a whole, read leniently so that an
   * error response can still be addressed (§8.2.6): null if it does not look like a request or lacks
   * what a response needs (Via, From, To, Call-ID, CSeq).
   */
  public static SipRequest salvageRequest(byte[] buf, int offset, int length) {
    int end = offset + length;
    int p = offset;
    while (p < end && (buf[p] == '\r' || buf[p] == '\n')) p++;
    int lineEnd = lineEnd(buf, p, end);
    if (lineEnd < 0 || startsWithIgnoreCase(buf, p, lineEnd, "SIP/")) return null;
    int start = p;
    int sp = p;
    while (sp < lineEnd && isTokenByte(buf[sp])) sp++;
    String method = sp > p ? Methods.intern(buf, p, sp) : "UNKNOWN";
    List<HeaderField> headers = new ArrayList<>(16);
    int headersEnd;
    try {
      headersEnd = locateHeaders(buf, next(buf, lineEnd, end), end, true, headers);
    } catch (SipParseException lenientNeverThrows) {
      return null;
    }
    p = headersEnd < 0 ? end : headersEnd;
    SipRequest r = new SipRequest(buf, start, next(buf, lineEnd, end), method, "", headers, p, p, p);
    for (HeaderName h : new HeaderName[] {HeaderName.VIA, HeaderName.FROM, HeaderName.TO, HeaderName.CALL_ID, HeaderName.CSEQ}) {
      if (!r.has(h)) return null;
    }
    return r;
  }

  /**
   * Locates the header lines from {@code p} (name recognised, value offsets kept, folded lines
   * joined) into {@code out}. Returns the offset of the empty line that ends the section, or -1 if
   * the bytes end first. Strict, a malformed line is a {@link SipParseException}; lenient (to salvage
   * what an error response needs), a malformed line is skipped and the header limit just stops it.
   */
  private static int locateHeaders(byte[] buf, int p, int end, boolean lenient, List<HeaderField> out)
      throws SipParseException {
    HeaderField last = null;
    while (p < end) {
      byte b = buf[p];
      if (b == '\r' || b == '\n') {
        if (!lenient && lineEnd(buf, p, end) != p) throw new SipParseException("stray CR in header section", p);
        return p;
      }
      int le = lineEnd(buf, p, end);
      if (le < 0) le = end; // last header line of a datagram without its line ending
      if ((b == ' ' || b == '\t') && (last != null || !lenient)) {
        if (last == null) throw new SipParseException("header section starts with white space", p);
        last.valueEnd = trimEnd(buf, last.valueStart, le);
        last.lineEnd = next(buf, le, end);
        p = last.lineEnd;
        continue;
      }
      int nameEnd = p;
      while (nameEnd < le && isTokenByte(buf[nameEnd])) nameEnd++;
      int c = nameEnd;
      while (c < le && (buf[c] == ' ' || buf[c] == '\t')) c++;
      boolean wellFormed = nameEnd > p && c < le && buf[c] == ':';
      if (!wellFormed || out.size() == MAX_HEADERS) {
        if (lenient) {
          if (out.size() == MAX_HEADERS) return -1;
          p = next(buf, le, end);
          continue;
        }
        if (nameEnd == p) throw new SipParseException("malformed header name", p);
        if (!wellFormed) throw new SipParseException("header '" + Text.of(buf, p, nameEnd) + "' has no colon", p);
        throw new SipParseException("more than " + MAX_HEADERS + " header lines", p);
      }
      int vs = c + 1;
      while (vs < le && (buf[vs] == ' ' || buf[vs] == '\t')) vs++;
      last = new HeaderField(buf, HeaderName.lookup(buf, p, nameEnd), p, nameEnd, vs, trimEnd(buf, vs, le), next(buf, le, end));
      out.add(last);
      p = last.lineEnd;
    }
    return -1;
  }

  private static int bodyEnd(byte[] buf, List<HeaderField> headers, int bodyStart, int end, boolean datagram)
      throws SipParseException {
    long cl = -1;
    for (HeaderField f : headers) {
      if (f.known() != HeaderName.CONTENT_LENGTH) continue;
      long v = contentLength(buf, f);
      if (cl >= 0 && v != cl) throw new SipParseException("conflicting Content-Length values", f.lineStart);
      cl = v;
    }
    int available = end - bodyStart;
    if (cl < 0) {
      if (!datagram) throw new SipParseException("missing Content-Length on a stream", bodyStart);
      return end;
    }
    if (cl > available) {
      throw new SipParseException("Content-Length " + cl + " is larger than the " + available + " octets of body received", bodyStart);
    }
    return bodyStart + (int) cl;
  }

  private static long contentLength(byte[] buf, HeaderField f) throws SipParseException {
    if (f.valueStart == f.valueEnd) throw new SipParseException("empty Content-Length", f.valueStart);
    long v = 0;
    for (int i = f.valueStart; i < f.valueEnd; i++) {
      byte b = buf[i];
      if (b < '0' || b > '9') throw new SipParseException("malformed Content-Length '" + f.value() + "'", i);
      v = v * 10 + (b - '0');
      if (v > Integer.MAX_VALUE) throw new SipParseException("Content-Length too large", i);
    }
    return v;
  }

  private static SipRequest request(byte[] buf, int start, int lineEnd, int startLineEnd, List<HeaderField> headers,
      int headersEnd, int bodyStart, int bodyEnd) throws SipParseException {
    // Request-Line = Method SP Request-URI SP SIP-Version CRLF (§25.1): exactly one SP each.
    int sp1 = start;
    while (sp1 < lineEnd && isTokenByte(buf[sp1])) sp1++;
    if (sp1 == start || sp1 == lineEnd || buf[sp1] != ' ') throw new SipParseException("malformed Request-Line: bad method", sp1);
    int uriStart = sp1 + 1;
    int sp2 = uriStart;
    while (sp2 < lineEnd && buf[sp2] != ' ' && buf[sp2] != '\t') sp2++;
    if (sp2 == uriStart) throw new SipParseException("malformed Request-Line: extra white space before the Request-URI", uriStart);
    if (sp2 == lineEnd || buf[sp2] != ' ') throw new SipParseException("malformed Request-Line: no SIP-Version", sp2);
    int vStart = sp2 + 1;
    if (vStart < lineEnd && (buf[vStart] == ' ' || buf[vStart] == '\t')) {
      throw new SipParseException("malformed Request-Line: white space in the Request-URI or before SIP-Version", vStart);
    }
    for (int i = vStart; i < lineEnd; i++) {
      if (buf[i] == ' ' || buf[i] == '\t') throw new SipParseException("malformed Request-Line: white space after SIP-Version", i);
    }
    checkVersion(buf, vStart, lineEnd);
    String method = Methods.intern(buf, start, sp1);
    return new SipRequest(buf, start, startLineEnd, method, Text.of(buf, uriStart, sp2), headers, headersEnd, bodyStart, bodyEnd);
  }

  private static SipResponse response(byte[] buf, int start, int lineEnd, int startLineEnd, List<HeaderField> headers,
      int headersEnd, int bodyStart, int bodyEnd) throws SipParseException {
    // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase CRLF (§25.1)
    int sp = start;
    while (sp < lineEnd && buf[sp] != ' ') sp++;
    checkVersion(buf, start, sp);
    int cs = sp + 1;
    int ce = cs;
    while (ce < lineEnd && buf[ce] >= '0' && buf[ce] <= '9') ce++;
    if (ce - cs != 3 || (ce < lineEnd && buf[ce] != ' ')) throw new SipParseException("malformed Status-Line: status code is not 3 digits", cs);
    int status = (buf[cs] - '0') * 100 + (buf[cs + 1] - '0') * 10 + (buf[cs + 2] - '0');
    if (status < 100 || status > 699) throw new SipParseException("status code " + status + " out of range", cs);
    String reason = ce < lineEnd ? Text.of(buf, ce + 1, lineEnd) : "";
    return new SipResponse(buf, start, startLineEnd, status, reason, headers, headersEnd, bodyStart, bodyEnd);
  }

  private static void checkVersion(byte[] buf, int from, int to) throws SipParseException {
    // §7.1: "The SIP-Version string is case-insensitive" (sip/2.0 is SIP/2.0).
    if (to - from == 7 && startsWithIgnoreCase(buf, from, to, "SIP/2.0")) return;
    if (startsWithIgnoreCase(buf, from, to, "SIP/")) {
      throw new SipParseException(505, "Version Not Supported", from);
    }
    throw new SipParseException("malformed SIP-Version", from);
  }

  /** Index of the CR (of CRLF) or LF that ends the line starting at p, or -1. */
  static int lineEnd(byte[] buf, int p, int end) {
    for (int i = p; i < end; i++) {
      byte b = buf[i];
      if (b == '\n') return i > p && buf[i - 1] == '\r' ? i - 1 : i;
    }
    return -1;
  }

  /** Position after the line ending at {@code le} (CRLF or LF). */
  private static int next(byte[] buf, int le, int end) {
    if (le >= end) return end;
    return buf[le] == '\r' ? le + 2 : le + 1;
  }

  /** Whether buf[from, to) begins with {@code s} (upper case), ASCII letters compared case-insensitively. */
  private static boolean startsWithIgnoreCase(byte[] buf, int from, int to, String s) {
    if (to - from < s.length()) return false;
    for (int i = 0; i < s.length(); i++) {
      int c = buf[from + i];
      if (c >= 'a' && c <= 'z') c -= 0x20;
      if (c != s.charAt(i)) return false;
    }
    return true;
  }

  private static int trimEnd(byte[] buf, int from, int to) {
    while (to > from && (buf[to - 1] == ' ' || buf[to - 1] == '\t')) to--;
    return to;
  }

  private static boolean isTokenByte(byte b) { return b > 0 && Text.isTokenChar((char) b); }
}
