package io.sipgw.nat;

import io.sipgw.sip.Via;
import io.sipgw.transport.Listener;
import io.vertx.core.buffer.Buffer;

/**
 * The keep-alives: an out-of-dialog OPTIONS request (RFC 3261 §11, nathelper's "sipping") to a
 * binding's Contact, and the CRLF CRLF datagram. Each OPTIONS is a request of its own, as nathelper's
 * are: Call-ID {@code <prefix><binding id>.<ping number>@<host>}, CSeq the ping number. The prefix
 * carries a random per-process part, so the answers are recognised as this node's own and never
 * forwarded.
 */
final class PingRequest {
  static final byte[] CRLF_CRLF = {'\r', '\n', '\r', '\n'};
  private static final String NODE = Long.toHexString(new java.security.SecureRandom().nextLong() >>> 16);
  /** The start of the Call-ID of every OPTIONS ping this process sends. */
  static final String CALL_ID_PREFIX = "ka-" + NODE + "-";

  private PingRequest() { }

  static String callId(long id, long seq, Listener from) { return CALL_ID_PREFIX + id + "." + seq + "@" + from.sentBy(); }

  /** The binding id in the Call-ID of one of our pings, or -1 when it is not one. */
  static long bindingId(String callId) {
    if (callId == null || !callId.startsWith(CALL_ID_PREFIX)) return -1;
    long id = 0;
    int i = CALL_ID_PREFIX.length();
    for (; i < callId.length() && callId.charAt(i) != '.'; i++) {
      char c = callId.charAt(i);
      if (c < '0' || c > '9' || id > Long.MAX_VALUE / 10 - 1) return -1;
      id = id * 10 + (c - '0');
    }
    return i == CALL_ID_PREFIX.length() || i == callId.length() ? -1 : id;
  }

  /**
   * OPTIONS {@code contact}, ping number {@code seq} of binding {@code id}, leaving by {@code from}:
   * a Via of our own with a fresh branch and {@code rport} (RFC 3581 §3: answer to the source port,
   * the pinhole), From the pinger, To the Contact, no Contact of ours.
   */
  static Buffer options(String contact, long id, long seq, Listener from) {
    String sentBy = from.sentBy();
    StringBuilder out = new StringBuilder(384);
    out.append("OPTIONS ").append(contact).append(" SIP/2.0\r\n");
    out.append("Via: SIP/2.0/").append(from.transport().viaName()).append(" ").append(sentBy)
        .append(";branch=").append(Via.MAGIC_COOKIE).append(CALL_ID_PREFIX).append(id).append(".").append(seq)
        .append(";rport\r\n");
    out.append("Max-Forwards: 70\r\n");
    out.append("From: <sip:pinger@").append(sentBy).append(">;tag=").append(NODE).append("\r\n");
    out.append("To: <").append(contact).append(">\r\n");
    out.append("Call-ID: ").append(callId(id, seq, from)).append("\r\n");
    out.append("CSeq: ").append(seq).append(" OPTIONS\r\n");
    out.append("Content-Length: 0\r\n\r\n");
    return Buffer.buffer(out.toString(), "ISO-8859-1");
  }
}
