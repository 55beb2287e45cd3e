package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Requests inside a dialog (RFC 3261 §12.2, §14): after the call is set up the caller sends a
 * re-INVITE (200, ACK) and then BYE, each to the proxy with the route set of the first 200; the
 * proxy forwards them to the phone's Contact. And a call from an IPv6 caller to an IPv4 phone.
 */
@Timeout(60)
class InDialogSippTest extends PhoneCallTest {

  @Test
  void reInviteAndByeFollowTheRouteSet() {
    startGateway(new JsonObject());
    Callee phone = phone("uas-reinvite.xml");
    register(phone);

    SippResult caller = completes(caller("uac-reinvite.xml"));
    SippResult callee = completed(phone);

    String proxy = Sipp.hostPort(HOST, gateway.port());
    TracedMessage reInvite = first(caller, "re-INVITE", m -> m.sent() && m.isRequest("INVITE")
        && m.message().header("CSeq").startsWith("2 "));
    assertTrue(reInvite.message().headers("Route").stream().anyMatch(r -> r.contains(proxy)),
        () -> "the caller's re-INVITE is routed by the proxy's Record-Route\n" + reInvite);
    for (String method : new String[] {"INVITE", "ACK", "BYE"}) {
      TracedMessage inDialog = first(callee, "in-dialog " + method, m -> m.received() && m.isRequest(method)
          && !m.message().header("CSeq").startsWith("1 "));
      assertTrue(inDialog.message().headers("Via").get(0).contains(proxy),
          () -> "the phone gets the in-dialog " + method + " from the proxy\n" + inDialog);
      assertTrue(inDialog.message().requestUri().contains(Sipp.hostPort(HOST, phone.port())),
          () -> "the in-dialog " + method + " goes to the phone's Contact\n" + inDialog);
    }
  }

  @Test
  void anIpv6CallerReachesAnIpv4Phone() {
    startGateway(new JsonObject());
    assumeTrue(gateway.hasIpv6(), "no ::1 on this machine");
    Callee phone = phone("uas.xml");
    register(phone);

    completes(caller("uac.xml").remote(FreePorts.IPV6_LOOPBACK, gateway.port6()).local(FreePorts.IPV6_LOOPBACK));
    SippResult callee = completed(phone);

    String proxy4 = Sipp.hostPort(HOST, gateway.port());
    for (String method : new String[] {"INVITE", "ACK", "BYE"}) {
      TracedMessage request = first(callee, method, m -> m.received() && m.isRequest(method));
      assertTrue(request.message().headers("Via").get(0).contains(proxy4),
          () -> "the proxy sends the " + method + " from its IPv4 address " + proxy4 + "\n" + request);
    }
  }
}
