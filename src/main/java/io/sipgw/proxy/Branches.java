package io.sipgw.proxy;

import io.sipgw.sip.CSeq;
import io.sipgw.sip.HeaderName;
import io.sipgw.sip.SipParseException;
import io.sipgw.sip.SipRequest;
import io.sipgw.sip.Via;

/**
 * Branch parameters. Statefully forwarded requests get a unique one ({@link #stateful}). Those
 * forwarded without state (RFC 3261 §16.11): the same request
 * (and its CANCEL, and the ACK of a non-2xx) always gets the same branch, a different target a
 * different one. The branch starts with a hash of what identifies the request for loop detection
 * (§16.6 step 8), so a request that comes back unchanged is recognised (§16.3 step 4, 482).
 */
final class Branches {
  private Branches() { }

  /** The loop-detection part: Request-URI, tags, Call-ID, CSeq number, Route and Proxy-Require. */
  static String loopKey(SipRequest req) throws SipParseException {
    CSeq cseq = req.cseq();
    long h = fnv(0xcbf29ce484222325L, req.requestUriText());
    h = fnv(h, req.to().tag());
    h = fnv(h, req.from().tag());
    h = fnv(h, req.callId());
    h = fnv(h, Long.toString(cseq.number()));
    h = fnv(h, req.header(HeaderName.ROUTE));
    h = fnv(h, req.header(HeaderName.PROXY_REQUIRE));
    return Long.toHexString(h);
  }

  /** A branch for forwarding {@code req} to {@code target}. */
  static String branch(String loopKey, SipRequest req, String target) throws SipParseException {
    Via top = req.topVia();
    // A CANCEL and the ACK of a non-2xx carry the INVITE's top branch; an RFC 2543 peer's requests are
    // told apart by the loop key, which covers Call-ID, tags and CSeq number (§17.2.3).
    String incoming = top.hasRfc3261Branch() ? top.branch() : top.toString();
    if (req.isMethod("ACK") && !top.hasRfc3261Branch()) incoming = top.host() + top.port();
    long h = fnv(0x84222325cbf29ceL, incoming);
    h = fnv(h, target);
    return Via.MAGIC_COOKIE + loopKey + "." + Long.toHexString(h);
  }

  /**
   * A branch for one client transaction of the stateful proxy: unique in space and time (§8.1.1.7),
   * so it starts with a random per-process part and a counter, after the loop key.
   */
  static String stateful(String loopKey) {
    return Via.MAGIC_COOKIE + loopKey + "." + PROCESS + Long.toHexString(COUNTER.incrementAndGet());
  }

  private static final String PROCESS = Long.toHexString(new java.security.SecureRandom().nextLong() >>> 24) + "s";
  private static final java.util.concurrent.atomic.AtomicLong COUNTER = new java.util.concurrent.atomic.AtomicLong();

  private static long fnv(long h, String s) {
    if (s == null) return h * 0x100000001b3L;
    for (int i = 0; i < s.length(); i++) {
      h ^= s.charAt(i);
      h *= 0x100000001b3L;
    }
    h ^= 0xff;
    return h * 0x100000001b3L;
  }
}
