package io.sipgw.sip;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A SIP message as received: the bytes, the offsets of its start line, headers and body. Headers are
 * located when the message is framed and parsed only when asked for; the parsed forms are cached.
 * Immutable from outside: changes are made with a {@link MessageEdit}, which writes a new message
 * from these bytes plus the changes.
 */
public abstract sealed class SipMessage permits SipRequest, SipResponse {
  private static final int KNOWN = HeaderName.values().length;

  final byte[] buf;
  final int start;
  final int startLineEnd;
  final int headersEnd;
  final int bodyStart;
  final int end;
  final List<HeaderField> headers;
  private final short[] first;

  private CSeq cseq;
  private Via topVia;
  private NameAddr from;
  private NameAddr to;
  private List<Via> vias;
  private List<NameAddr> contacts;

  SipMessage(byte[] buf, int start, int startLineEnd, List<HeaderField> headers, int headersEnd, int bodyStart, int end) {
    this.buf = buf;
    this.start = start;
    this.startLineEnd = startLineEnd;
    this.headers = headers;
    this.headersEnd = headersEnd;
    this.bodyStart = bodyStart;
    this.end = end;
    this.first = new short[KNOWN];
    Arrays.fill(first, (short) -1);
    for (int i = headers.size() - 1; i >= 0; i--) {
      HeaderName k = headers.get(i).known();
      if (k != null) first[k.ordinal()] = (short) i;
    }
  }

  public abstract boolean isRequest();

  /** All header lines in received order. */
  public List<HeaderField> headers() { return Collections.unmodifiableList(headers); }

  /** The first line of header {@code h}, or null. */
  public HeaderField field(HeaderName h) {
    int i = first[h.ordinal()];
    return i < 0 ? null : headers.get(i);
  }

  public boolean has(HeaderName h) { return first[h.ordinal()] >= 0; }

  /** The value of the first line of header {@code h}, or null. */
  public String header(HeaderName h) {
    HeaderField f = field(h);
    return f == null ? null : f.value();
  }

  /** The value of the first header named {@code name} (any header, compared case-insensitively), or null. */
  public String header(String name) {
    HeaderName k = HeaderName.lookup(name);
    if (k != null) return header(k);
    for (HeaderField f : headers) if (f.known() == null && f.isNamed(name)) return f.value();
    return null;
  }

  /** Every line of header {@code h}, in order. */
  public List<HeaderField> fields(HeaderName h) {
    int i = first[h.ordinal()];
    if (i < 0) return List.of();
    List<HeaderField> out = new ArrayList<>(2);
    for (; i < headers.size(); i++) if (headers.get(i).known() == h) out.add(headers.get(i));
    return out;
  }

  public int count(HeaderName h) {
    int i = first[h.ordinal()];
    if (i < 0) return 0;
    int n = 0;
    for (; i < headers.size(); i++) if (headers.get(i).known() == h) n++;
    return n;
  }

  /** Call-ID, or null. */
  public String callId() { return header(HeaderName.CALL_ID); }

  /** CSeq; throws if absent or malformed. */
  public CSeq cseq() throws SipParseException {
    CSeq c = cseq;
    if (c == null) {
      String v = header(HeaderName.CSEQ);
      if (v == null) throw new SipParseException("missing CSeq");
      cseq = c = CSeq.parse(v);
    }
    return c;
  }

  /** The first Via value; throws if absent or malformed. */
  public Via topVia() throws SipParseException {
    Via v = topVia;
    if (v == null) {
      String s = header(HeaderName.VIA);
      if (s == null) throw new SipParseException("missing Via");
      topVia = v = Via.parseFirst(s);
    }
    return v;
  }

  /** Every Via value, top first. */
  public List<Via> vias() throws SipParseException {
    List<Via> v = vias;
    if (v == null) {
      List<Via> out = new ArrayList<>(2);
      for (HeaderField f : fields(HeaderName.VIA)) out.addAll(Via.parseList(f.value()));
      vias = v = Collections.unmodifiableList(out);
    }
    return v;
  }

  public NameAddr from() throws SipParseException {
    NameAddr a = from;
    if (a == null) from = a = single(HeaderName.FROM);
    return a;
  }

  public NameAddr to() throws SipParseException {
    NameAddr a = to;
    if (a == null) to = a = single(HeaderName.TO);
    return a;
  }

  private NameAddr single(HeaderName h) throws SipParseException {
    String v = header(h);
    if (v == null) throw new SipParseException("missing " + h.canonical());
    return NameAddr.parse(v, h.canonical());
  }

  /** Every name-addr value of a list header (Contact, Route, Record-Route, Path), in order. */
  public List<NameAddr> addresses(HeaderName h) throws SipParseException {
    if (h == HeaderName.CONTACT) {
      // Read by validation and again by the registrar or proxy: parsed once.
      List<NameAddr> c = contacts;
      if (c == null) contacts = c = Collections.unmodifiableList(parseAddresses(h));
      return c;
    }
    return parseAddresses(h);
  }

  private List<NameAddr> parseAddresses(HeaderName h) throws SipParseException {
    List<HeaderField> fs = fields(h);
    if (fs.isEmpty()) return List.of();
    List<NameAddr> out = new ArrayList<>(fs.size());
    for (HeaderField f : fs) out.addAll(NameAddr.parseList(f.value(), h.canonical()));
    return out;
  }

  /** Max-Forwards, or -1 if absent. */
  public int maxForwards() throws SipParseException {
    String v = header(HeaderName.MAX_FORWARDS);
    if (v == null) return -1;
    if (v.isEmpty() || v.length() > 9 || !Text.isDigits(v)) {
      throw new SipParseException("malformed Max-Forwards");
    }
    return Integer.parseInt(v);
  }

  /** The Expires header as seconds, or -1 if absent; values past 2**32-1 are clamped. */
  public long expires() throws SipParseException {
    String v = header(HeaderName.EXPIRES);
    if (v == null) return -1;
    return DeltaSeconds.parse(v, "Expires");
  }

  public int bodyLength() { return end - bodyStart; }

  /** A copy of the body octets. */
  public byte[] body() { return Arrays.copyOfRange(buf, bodyStart, end); }

  /** The message's own bytes, as received. */
  public Buffer toBuffer() { return Buffer.buffer(Arrays.copyOfRange(buf, start, end)); }

  /** The start line without its line ending, e.g. {@code INVITE sip:bob@example.com SIP/2.0}. */
  public String startLine() {
    int e = startLineEnd;
    while (e > start && (buf[e - 1] == '\n' || buf[e - 1] == '\r')) e--;
    return Text.of(buf, start, e);
  }

  /** Starts an edit of this message. */
  public MessageEdit edit() { return new MessageEdit(this); }

  @Override
  public String toString() { return Text.of(buf, start, end); }
}
