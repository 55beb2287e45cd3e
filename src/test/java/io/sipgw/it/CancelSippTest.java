package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A caller that hangs up while the phone rings (RFC 3261 §9, §16.10): the proxy answers the
 * caller's CANCEL with 200, CANCELs the branch, and relays the phone's 487; the caller ACKs the
 * 487 to the proxy and the proxy ACKs the phone itself (hop by hop).
 */
@Timeout(60)
class CancelSippTest extends PhoneCallTest {

  @Test
  void callerCancelsWhileThePhoneRings() {
    startGateway(new JsonObject());
    Callee phone = phone("uas-cancelled.xml");
    register(phone);

    SippResult caller = completes(caller("uac-cancel.xml"));
    SippResult callee = completed(phone);

    TracedMessage cancel = first(callee, "CANCEL", m -> m.received() && m.isRequest("CANCEL"));
    TracedMessage ack = first(callee, "ACK", m -> m.received() && m.isRequest("ACK"));
    String proxy = Sipp.hostPort(HOST, gateway.port());
    assertTrue(cancel.message().headers("Via").get(0).contains(proxy), () -> "the phone's CANCEL comes from the proxy\n" + cancel);
    assertTrue(ack.message().headers("Via").get(0).contains(proxy), () -> "the phone's ACK comes from the proxy\n" + ack);
    first(caller, "200 to the CANCEL", m -> m.received() && m.isResponse(200, "CANCEL"));
  }
}
