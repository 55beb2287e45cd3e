package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The transaction layer over lossy UDP (RFC 3261 §17), made deterministic: caller and phone run
 * with SIPp's retransmissions off (-nr) and "lose" or duplicate given messages by script
 * (uac-retransmit.xml, uas-retransmit.xml). The proxy must retransmit the INVITE and the BYE
 * the phone ignored (timers A and E, T1 = 500 ms), absorb the caller's duplicate INVITE and
 * BYE, relay the phone's 200 retransmission, and answer the caller's late BYE retransmission
 * from its server transaction; the call still completes.
 */
@Timeout(60)
class RetransmissionSippTest extends PhoneCallTest {

  @Test
  void aCallCompletesThroughLostAndDuplicatedPackets() {
    startGateway(new JsonObject().put("transaction", new JsonObject().put("t1", 500).put("t2", 4000)));
    Callee phone = phone("uas-retransmit.xml", "-nr");
    register(phone);

    SippResult caller = completes(caller("uac-retransmit.xml").arg("-nr"));
    SippResult callee = completed(phone);

    // the scripts fail on any copy too many or too soon; count the copies all the same
    assertEquals(2, callee.traced().stream().filter(m -> m.received() && m.isRequest("INVITE")).count(), callee::describe);
    assertEquals(2, callee.traced().stream().filter(m -> m.received() && m.isRequest("BYE")).count(), callee::describe);
    assertEquals(2, caller.traced().stream().filter(m -> m.received() && m.isResponse(200, "INVITE")).count(),
        () -> "the phone's 200 retransmission is relayed\n" + caller.describe());
  }
}
