package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A binding ends when its interval does (RFC 3261 §10.3 step 7): calls then get 480, queries list nothing. */
@Timeout(60)
class BindingExpiryTest {
  private static final String HOST = FreePorts.IPV4_LOOPBACK;
  private static final Duration ANSWER = Duration.ofSeconds(5);

  private TestGateway gateway;

  @AfterEach
  void stopGateway() {
    if (gateway != null) gateway.close();
  }

  @Test
  void anExpiredBindingIsGoneOnTime() throws IOException, InterruptedException {
    gateway = TestGateway.start(new JsonObject().put("registrar", new JsonObject().put("minExpires", 1)));
    String aor = "sip:hal@" + TestGateway.DOMAIN;
    try (SipPeer phone = SipPeer.open(SippTransport.UDP, HOST, gateway.port());
         SipPeer caller = SipPeer.open(SippTransport.UDP, HOST, gateway.port())) {
      phone.send(phone.request("REGISTER", "sip:" + TestGateway.DOMAIN, aor, "Expires: 2\r\n"));
      SipMessageText ok = phone.finalResponse(ANSWER);
      assertEquals(200, ok.status(), ok::text);
      assertTrue(ok.header("Contact").matches(".*;expires=[12]$"), ok.text());

      Thread.sleep(3000); // test thread: let the two-second interval run out

      SipMessageText query = query(phone, aor);
      assertEquals(200, query.status(), query::text);
      caller.send(caller.request("INVITE", aor, aor, ""));
      SipMessageText call = caller.finalResponse(ANSWER);
      assertEquals(480, call.status(), "a registered user whose binding expired: " + call.text());
    }
  }

  /** A REGISTER query: no Contact header, so the registrar lists the bindings and changes nothing. */
  private static SipMessageText query(SipPeer peer, String aor) throws IOException {
    String withContact = peer.request("REGISTER", "sip:" + TestGateway.DOMAIN, aor, "");
    String query = withContact.replaceAll("(?m)^Contact:[^\\r\\n]*\\r\\n", "");
    peer.send(query);
    SipMessageText r = peer.finalResponse(ANSWER);
    assertEquals(null, r.header("Contact"), "no binding is listed once it expired: " + r.text());
    return r;
  }
}
