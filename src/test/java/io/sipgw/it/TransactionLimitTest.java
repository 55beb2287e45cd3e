package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The cap on live server transactions ({@code transaction.maxTransactions}): with that many
 * INVITEs ringing, the next new request is refused with 503 Service Unavailable and
 * Retry-After: {@code transaction.retryAfter} instead of being forwarded; a request of a dialog in
 * progress has a tenth more room.
 */
@Timeout(60)
class TransactionLimitTest extends PhoneCallTest {
  private static final int MAX = 2;
  private static final int RETRY_AFTER = 5;
  private static final Duration BOUND = Duration.ofSeconds(5);

  @Test
  void aRequestAboveTheCapGets503WithRetryAfter() throws IOException {
    startGateway(new JsonObject().put("workers", 1)
        .put("transaction", new JsonObject().put("maxTransactions", MAX).put("retryAfter", RETRY_AFTER)));
    Callee phone = Callee.listen("uas-cancelled.xml", USER, HOST, SippTransport.UDP, MAX, PHONE_BOUND, dir);
    try {
      // over TCP: a completed non-INVITE server transaction on a reliable transport ends at once (timer J = 0)
      Registration.register(HOST, gateway.port(), SippTransport.TCP, USER, TestGateway.DOMAIN, List.of(phone.contact(1.0)));

      List<SipPeer> callers = new ArrayList<>();
      try {
        String bob = "sip:" + USER + "@" + Sipp.hostPort(HOST, gateway.port());
        for (int i = 0; i < MAX; i++) {
          SipPeer caller = SipPeer.open(SippTransport.UDP, HOST, gateway.port());
          callers.add(caller);
          caller.send(caller.request("INVITE", bob, bob, ""));
          SipMessageText ringing = ringing(caller);
          int call = i + 1;
          assertEquals(180, ringing.status(), () -> "INVITE " + call + " of " + MAX + " rings\n" + ringing);
        }
        SipPeer extra = SipPeer.open(SippTransport.UDP, HOST, gateway.port());
        callers.add(extra);
        extra.send(extra.request("INVITE", bob, bob, ""));
        SipMessageText refused = extra.finalResponse(BOUND);
        assertEquals(503, refused.status(), refused::text);
        assertEquals(Integer.toString(RETRY_AFTER), refused.header("Retry-After"), refused::text);

        // a request of a dialog in progress still gets through, so calls can end (here to a closed port)
        String closed = "sip:" + USER + "@" + Sipp.hostPort(HOST, FreePorts.udpAndTcp(HOST)) + ";transport=tcp";
        extra.send(extra.request("BYE", closed, bob, "").replaceFirst("(?m)^(To: <[^>]*>)", "$1;tag=callee"));
        SipMessageText bye = extra.finalResponse(BOUND);
        assertFalse(bye.text().contains("transaction table full"), bye::text);
      } finally {
        for (SipPeer caller : callers) caller.close();
      }
    } finally {
      phone.close();
    }
  }

  /**
   * {@code bans.maxTransactions}: a source address with that many INVITEs ringing gets 503 with
   * Retry-After for the next one, while another source's INVITE still rings; an exempt source has no
   * such limit (loopback is exempt by default, so the test exempts nothing).
   */
  @Test
  void aSourceAboveItsTransactionLimitGets503AndAnotherSourceIsServed() throws IOException {
    startGateway(new JsonObject().put("workers", 1)
        .put("transaction", new JsonObject().put("retryAfter", RETRY_AFTER))
        .put("bans", new JsonObject().put("maxTransactions", MAX).put("exempt", new JsonArray())));
    Callee phone = Callee.listen("uas-cancelled.xml", USER, HOST, SippTransport.UDP, MAX + 1, PHONE_BOUND, dir);
    try (SipPeer busy = SipPeer.open(SippTransport.UDP, HOST, gateway.port());
         SipPeer other = SipPeer.open(SippTransport.UDP, FreePorts.IPV6_LOOPBACK, gateway.port6())) {
      Registration.register(HOST, gateway.port(), SippTransport.TCP, USER, TestGateway.DOMAIN, List.of(phone.contact(1.0)));
      String bob = "sip:" + USER + "@" + Sipp.hostPort(HOST, gateway.port());
      for (int i = 0; i < MAX; i++) {
        busy.send(busy.request("INVITE", bob, bob, ""));
        SipMessageText ringing = ringing(busy);
        int call = i + 1;
        assertEquals(180, ringing.status(), () -> "INVITE " + call + " of " + MAX + " rings\n" + ringing);
      }
      busy.send(busy.request("INVITE", bob, bob, ""));
      SipMessageText refused = busy.finalResponse(BOUND);
      assertEquals(503, refused.status(), refused::text);
      assertTrue(refused.text().startsWith("SIP/2.0 503 Service Unavailable (too many transactions from this address)"), refused::text);
      assertEquals(Integer.toString(RETRY_AFTER), refused.header("Retry-After"), refused::text);

      String bob6 = "sip:" + USER + "@" + Sipp.hostPort(FreePorts.IPV6_LOOPBACK, gateway.port6());
      other.send(other.request("INVITE", bob6, bob6, ""));
      assertEquals(180, ringing(other).status(), "another source is not limited by the busy one");
    } finally {
      phone.close();
    }
  }

  /** The first response other than 100 (the proxy's own), or fails. */
  private static SipMessageText ringing(SipPeer caller) throws IOException {
    long deadline = System.nanoTime() + BOUND.toNanos();
    while (System.nanoTime() < deadline) {
      SipMessageText m = caller.receive(Duration.ofNanos(deadline - System.nanoTime()));
      if (m == null) break;
      if (m.isResponse() && m.status() != 100) return m;
    }
    throw new AssertionError("no 180 within " + BOUND);
  }
}
