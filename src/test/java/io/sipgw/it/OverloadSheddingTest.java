package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Overload control: a new INVITE that waited longer than {@code transaction.maxQueueDelay} for its
 * routing loop is refused at once with 503 and Retry-After, while the other requests go on. A burst
 * of INVITEs against a gateway with a 1 ms limit and one routing loop makes later INVITEs wait longer
 * than that; every INVITE still gets a final answer, and a REGISTER sent amid the burst is served.
 */
@Timeout(60)
class OverloadSheddingTest {
  private static final String HOST = FreePorts.IPV4_LOOPBACK;
  private static final int BURST = 300;

  private TestGateway gateway;

  @AfterEach
  void stop() {
    if (gateway != null) gateway.close();
  }

  @Test
  void newCallsAreShedWhenTheLoopIsBehindAndRegistrationsGoOn() throws IOException {
    gateway = TestGateway.start(new JsonObject().put("workers", 1)
        .put("transaction", new JsonObject().put("maxQueueDelay", 1)));
    try (SipPeer caller = SipPeer.open(SippTransport.UDP, HOST, gateway.port())) {
      String target = "sip:nobody@" + caller.gatewayHostPort();
      for (int i = 0; i < BURST; i++) {
        caller.send(caller.request("INVITE", target, "sip:nobody@" + TestGateway.DOMAIN, ""));
        if (i == BURST / 2) {
          caller.send(caller.request("REGISTER", "sip:" + TestGateway.DOMAIN, "sip:carol@" + TestGateway.DOMAIN, "Expires: 600\r\n"));
        }
      }
      Map<Integer, Integer> finals = new HashMap<>();
      Set<String> answered = new HashSet<>();
      boolean registered = false;
      String retryAfter = null;
      while (answered.size() < BURST + 1) {
        SipMessageText m = caller.receive(Duration.ofSeconds(10));
        assertNotNull(m, "every request gets a final answer; got " + answered.size() + " of " + (BURST + 1) + ": " + finals);
        if (m.status() < 200) continue;
        if (!answered.add(m.header("Call-ID"))) continue; // a retransmitted final answer
        if (m.header("CSeq").endsWith("REGISTER")) {
          registered = m.status() == 200;
          continue;
        }
        finals.merge(m.status(), 1, Integer::sum);
        if (m.status() == 503) {
          retryAfter = m.header("Retry-After");
          assertTrue(m.firstLine().contains("overloaded"), m.firstLine());
        }
      }
      assertTrue(finals.getOrDefault(503, 0) > 0, "some INVITEs waited more than 1 ms and were shed: " + finals);
      assertEquals("5", retryAfter, "the 503 says when to come back");
      assertTrue(registered, "the REGISTER amid the burst is not shed: " + finals);
    }
  }
}
