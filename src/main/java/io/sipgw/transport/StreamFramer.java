package io.sipgw.transport;

import io.vertx.core.buffer.Buffer;

/**
 * Cuts a byte stream (TCP, TLS) into SIP messages by Content-Length (RFC 3261 §18.3) and recognises
 * the CRLF keep-alives of RFC 5626 §4.4.1 between them. Many messages in one read and one message in
 * many reads both come out whole and in order.
 */
public final class StreamFramer {
  /** What the framer finds in the stream. */
  public interface Sink {
    /** One whole message; the array is the framer's copy and belongs to the receiver. */
    void message(byte[] message);

    /** A double-CRLF keep-alive ping, to be answered with a single CRLF pong. */
    void ping();

    /**
     * A framing fault the stream cannot recover from: the connection must be closed.
     *
     * @param head the header section, when there is one to answer from, else null
     */
    void fatal(int status, String reason, byte[] head);
  }

  private final int maxMessageSize;
  private final Sink sink;
  private byte[] data = new byte[4096];
  private int len;
  private boolean failed;
  /** How far the header section of the message at the start of the buffer has been searched already. */
  private int scanned;

  public StreamFramer(int maxMessageSize, Sink sink) {
    this.maxMessageSize = maxMessageSize;
    this.sink = sink;
  }

  public void feed(Buffer chunk) {
    if (failed) return;
    int n = chunk.length();
    ensure(len + n);
    chunk.getBytes(0, n, data, len);
    len += n;
    drain();
  }

  private void drain() {
    int p = 0;
    while (p < len && !failed) {
      // Keep-alives between messages: CRLFCRLF is a ping; a lone CRLF (a pong, or slack) is skipped.
      if (data[p] == '\r' || data[p] == '\n') {
        if (startsWith(p, "\r\n\r\n")) {
          sink.ping();
          p += 4;
          continue;
        }
        // The stream may be cut anywhere: what is left might be the start of a ping. Wait for more.
        if (isPingPrefix(p)) break;
        if (startsWith(p, "\r\n")) {
          p += 2;
          continue;
        }
        p++;
        continue;
      }
      int headEnd = headerEnd(p, p == 0 ? scanned : 0);
      if (headEnd < 0) {
        if (len - p > maxMessageSize) fail(513, "Message Too Large", null);
        break;
      }
      long cl = contentLength(p, headEnd);
      if (cl == -2) {
        fail(400, "malformed or conflicting Content-Length", copy(p, headEnd));
        break;
      }
      if (cl < 0) {
        fail(400, "missing Content-Length on a stream", copy(p, headEnd));
        break;
      }
      long total = (headEnd - p) + cl;
      if (total > maxMessageSize) {
        fail(513, "Message Too Large", copy(p, headEnd));
        break;
      }
      if (len - p < total) break;
      sink.message(copy(p, p + (int) total));
      p += (int) total;
      scanned = 0; // the next message has not been searched yet
    }
    if (p > 0) {
      System.arraycopy(data, p, data, 0, len - p);
      len -= p;
    }
  }

  private void fail(int status, String reason, byte[] head) {
    failed = true;
    sink.fatal(status, reason, head);
  }

  /** Position after the empty line that ends the header section starting at p, or -1. */
  private int headerEnd(int p, int already) {
    // Resume a little before where the last search stopped: a message trickling in byte by byte is
    // searched once, not once per byte. A found end is remembered too (its body may still be coming).
    int from = Math.max(p, p + already - 3);
    for (int i = from; i < len - 1; i++) {
      if (data[i] == '\n') {
        int end = data[i + 1] == '\n' ? i + 2 : data[i + 1] == '\r' && i + 2 < len && data[i + 2] == '\n' ? i + 3 : -1;
        if (end > 0) {
          scanned = i - p;
          return end;
        }
      }
    }
    scanned = Math.max(0, len - 1 - p);
    return -1;
  }


  /** Content-Length from the header lines in [from, to): -1 if absent, -2 if malformed or conflicting. */
  private long contentLength(int from, int to) {
    long found = -1;
    int line = from;
    while (line < to) {
      int eol = line;
      while (eol < to && data[eol] != '\n') eol++;
      int nameEnd = line;
      while (nameEnd < eol && data[nameEnd] != ':' && data[nameEnd] != ' ' && data[nameEnd] != '\t') nameEnd++;
      if (isContentLength(line, nameEnd)) {
        int v = nameEnd;
        while (v < eol && (data[v] == ' ' || data[v] == '\t' || data[v] == ':')) v++;
        long val = 0;
        int digits = 0;
        while (v < eol && data[v] >= '0' && data[v] <= '9' && digits < 10) {
          val = val * 10 + (data[v++] - '0');
          digits++;
        }
        while (v < eol && (data[v] == ' ' || data[v] == '\t' || data[v] == '\r')) v++;
        if (digits == 0 || v != eol) return -2;
        if (found >= 0 && found != val) return -2;
        found = val;
      }
      line = eol + 1;
    }
    return found;
  }

  private boolean isContentLength(int from, int to) {
    int n = to - from;
    if (n == 1) return (data[from] | 0x20) == 'l';
    if (n != 14) return false;
    String s = "content-length";
    for (int i = 0; i < 14; i++) if ((data[from + i] | 0x20) != s.charAt(i)) return false;
    return true;
  }

  /** Whether the octets from p to the end are a proper prefix of a CRLFCRLF ping. */
  private boolean isPingPrefix(int p) {
    if (len - p >= 4) return false;
    for (int i = p; i < len; i++) if (data[i] != "\r\n\r\n".charAt(i - p)) return false;
    return true;
  }

  private boolean startsWith(int p, String s) {
    if (len - p < s.length()) return false;
    for (int i = 0; i < s.length(); i++) if (data[p + i] != s.charAt(i)) return false;
    return true;
  }

  private byte[] copy(int from, int to) {
    byte[] out = new byte[to - from];
    System.arraycopy(data, from, out, 0, out.length);
    return out;
  }

  private void ensure(int size) {
    if (size > data.length) {
      byte[] n = new byte[Math.max(size, data.length * 2)];
      System.arraycopy(data, 0, n, 0, len);
      data = n;
    }
  }
}
