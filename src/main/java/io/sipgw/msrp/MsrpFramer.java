package io.sipgw.msrp;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * Frames the bytes of one MSRP connection into messages as they arrive (RFC 4975 §7.1, §8): a start
 * line and headers ({@link MsrpHead}, at most {@code maxHead} bytes), then, when a blank line
 * follows them, body bytes handed on as they come — never a whole message held — up to the end-line
 * {@code -------<transaction-id>} with its continuation flag ({@code $} complete, {@code +} more
 * chunks follow, {@code #} interrupted). A body is over at the first CRLF end-line of its own
 * transaction id (§7.1: the sender picks an id its body does not hold), so at most an end-line's
 * length of bytes is held back while it might be one.
 */
public final class MsrpFramer {
  /** What the framer finds. */
  public interface Handler {
    /** A message's start line and headers. */
    void head(MsrpHead head);

    /** Body bytes, in order, as they arrive. */
    void data(Buffer bytes);

    /** The message is over: its end-line's flag ({@code $}, {@code +} or {@code #}). */
    void end(char flag);

    /** The bytes are not MSRP: the connection goes (why, for the log). */
    void fail(String why);
  }

  private final Handler handler;
  private final int maxHead;
  private Buffer held = Buffer.buffer();
  /** {@code \r\n-------<tid>} while in a body, else null. */
  private byte[] endLine;
  private String tid;
  private boolean failed;

  public MsrpFramer(Handler handler, int maxHead) {
    this.handler = handler;
    this.maxHead = maxHead;
  }

  /** Takes the next bytes of the connection. */
  public void feed(Buffer data) {
    if (failed) return;
    held = held.length() == 0 ? data : held.appendBuffer(data);
    while (!failed && held.length() > 0) {
      if (endLine == null ? !head() : !body()) break;
    }
    // the next feed appends to what is held: never to the caller's buffer
    if (held == data) held = data.copy();
  }

  /** Reads a head if it is all there; false when more bytes are needed. */
  private boolean head() {
    int n = held.length();
    int lineStart = 0;
    String firstTid = null;
    for (int i = 0; i + 1 < n; i++) {
      if (held.getByte(i) != '\r' || held.getByte(i + 1) != '\n') continue;
      int lineEnd = i;
      if (lineStart == 0) {
        firstTid = startLineTid(lineEnd);
        if (firstTid == null) return fail("not an MSRP start line: " + printable(held.getString(0, Math.min(lineEnd, 80), "ISO-8859-1")));
      } else if (lineEnd == lineStart) {
        // a blank line: a body follows (§7.1)
        if (lineStart > maxHead) return fail("headers longer than " + maxHead + " bytes");
        MsrpHead head = MsrpHead.parse(held.getBytes(0, lineStart), firstTid, true);
        if (head == null) return fail("malformed MSRP headers");
        startBody(firstTid);
        held = held.getBuffer(i + 2, n);
        handler.head(head);
        return true;
      } else if (isEndLine(lineStart, lineEnd, firstTid)) {
        if (lineStart > maxHead) return fail("headers longer than " + maxHead + " bytes");
        MsrpHead head = MsrpHead.parse(held.getBytes(0, lineStart), firstTid, false);
        if (head == null) return fail("malformed MSRP headers");
        char flag = (char) held.getByte(lineEnd - 1);
        held = held.getBuffer(i + 2, n);
        handler.head(head);
        handler.end(flag);
        return true;
      }
      lineStart = i + 2;
      i++;
    }
    // more is needed; fail only when the head is sure to pass the cap whatever comes, so that the
    // bytes fail or pass alike however they are split: the head ends where a line ends, and the
    // unfinished line at lineStart may be the blank line or the end-line ("-------" tid flag, then CR)
    if (lineStart > maxHead || n > maxHead && (firstTid == null || n - lineStart > firstTid.length() + 9)) {
      return fail("headers longer than " + maxHead + " bytes");
    }
    return false;
  }

  /** The transaction id of {@code MSRP <tid> <method-or-status>}, or null. */
  private String startLineTid(int lineEnd) {
    if (lineEnd < 8 || held.getByte(0) != 'M' || held.getByte(1) != 'S' || held.getByte(2) != 'R' || held.getByte(3) != 'P' || held.getByte(4) != ' ') {
      return null;
    }
    int sp = -1;
    for (int i = 5; i < lineEnd; i++) {
      if (held.getByte(i) == ' ') {
        sp = i;
        break;
      }
    }
    // RFC 4975 §9: transact-id = ident = ALPHANUM 3*31ident-char, 4 to 32 characters
    if (sp - 5 < 4 || sp - 5 > 32 || sp + 1 >= lineEnd) return null;
    String id = held.getString(5, sp, "ISO-8859-1");
    if (!alphanum(id.charAt(0))) return null;
    for (int i = 1; i < id.length(); i++) {
      char c = id.charAt(i);
      if (!(alphanum(c) || c == '.' || c == '-' || c == '+' || c == '%' || c == '=')) return null;
    }
    return id;
  }

  private static boolean alphanum(char c) { return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'; }

  private boolean isEndLine(int start, int end, String id) {
    if (end - start != 7 + id.length() + 1) return false;
    for (int k = 0; k < 7; k++) if (held.getByte(start + k) != '-') return false;
    for (int k = 0; k < id.length(); k++) if (held.getByte(start + 7 + k) != id.charAt(k)) return false;
    byte flag = held.getByte(end - 1);
    return flag == '$' || flag == '+' || flag == '#';
  }

  private void startBody(String id) {
    tid = id;
    endLine = ("\r\n-------" + id).getBytes(StandardCharsets.ISO_8859_1);
  }

  /** Hands on what is surely body and finds the end-line; false when more bytes are needed. */
  private boolean body() {
    int n = held.length();
    int need = endLine.length + 3; // the end-line, its flag, CRLF
    for (int i = 0; i + endLine.length <= n; i++) {
      if (held.getByte(i) != '\r' || !matches(i)) continue;
      if (i + need > n) {
        // perhaps the end-line: hold it back until it is all there
        if (i > 0) handler.data(held.getBuffer(0, i));
        held = held.getBuffer(i, n);
        return false;
      }
      byte flag = held.getByte(i + endLine.length);
      if ((flag == '$' || flag == '+' || flag == '#') && held.getByte(i + endLine.length + 1) == '\r' && held.getByte(i + endLine.length + 2) == '\n') {
        if (i > 0) handler.data(held.getBuffer(0, i));
        held = held.getBuffer(i + need, n);
        endLine = null;
        tid = null;
        handler.end((char) flag);
        return true;
      }
    }
    // no end-line: all but a tail that may begin one is body
    int keep = Math.min(n, need - 1);
    int safe = n - keep;
    for (int i = safe; i < n; i++) {
      if (held.getByte(i) == '\r') break;
      safe = i + 1;
    }
    if (safe > 0) {
      handler.data(held.getBuffer(0, safe));
      held = held.getBuffer(safe, n);
    }
    return false;
  }

  private boolean matches(int at) {
    int n = held.length();
    for (int k = 0; k < endLine.length; k++) {
      if (at + k >= n) return true; // a prefix: decided when more comes
      if (held.getByte(at + k) != endLine[k]) return false;
    }
    return true;
  }

  /** The transaction whose body is being read, or null between messages. */
  public String inBody() { return tid; }

  private boolean fail(String why) {
    failed = true;
    handler.fail(why);
    return false;
  }

  private static String printable(String s) { return s.replaceAll("[^\\x20-\\x7e]", "?"); }
}
