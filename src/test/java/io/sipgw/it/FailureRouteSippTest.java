package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Failure routing (Kamailio's failure_route): bob's phone answers 486 Busy Here; the proxy ACKs
 * it, forwards the INVITE once to {@code proxy.failureRoutes[0].target} (a voicemail at
 * sip:voicemail@127.0.0.1:PORT, not registered, Request-URI replaced by the target) and relays
 * the voicemail's 180 and 200; the caller completes the call with the voicemail, ACK and BYE
 * along the Record-Route.
 */
@Timeout(60)
class FailureRouteSippTest extends PhoneCallTest {

  @Test
  void aBusyPhoneSendsTheCallToVoicemail() {
    Callee voicemail = phoneOf("voicemail", "uas.xml");
    String target = "sip:voicemail@" + Sipp.hostPort(HOST, voicemail.port());
    startGateway(new JsonObject().put("proxy", new JsonObject().put("failureRoutes", new JsonArray()
        .add(new JsonObject().put("codes", new JsonArray().add(408).add(480).add(486).add("5xx")).put("target", target)))));
    Callee busy = phone("uas-busy.xml");
    register(busy);

    SippResult caller = completes(caller("uac.xml"));
    completed(busy);
    SippResult mailbox = completed(voicemail);

    TracedMessage invite = first(mailbox, "INVITE", m -> m.received() && m.isRequest("INVITE"));
    assertTrue(invite.message().requestUri().equals(target),
        () -> "the voicemail gets the INVITE with the target as Request-URI\n" + invite);
    TracedMessage answer = first(caller, "200", m -> m.received() && m.isResponse(200, "INVITE"));
    assertTrue(answer.message().header("Contact").contains("voicemail@" + Sipp.hostPort(HOST, voicemail.port())),
        () -> "the caller is answered by the voicemail\n" + answer);
    assertTrue(caller.traced().stream().noneMatch(m -> m.received() && m.message().isResponse() && m.message().status() == 486),
        () -> "the 486 is not relayed to the caller\n" + caller.describe());
  }
}
