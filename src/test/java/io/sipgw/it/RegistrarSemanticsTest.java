package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the registrar and the proxy answer about bindings, by hand over UDP on loopback: a user
 * whose bindings are gone is temporarily unavailable, one never known is not found; Path
 * (RFC 3327) is stored, echoed and routed through; REGISTER for a domain not ours is forbidden;
 * unknown Require / Proxy-Require extensions are refused with 420 and Unsupported
 * (RFC 3261 §8.2.2.3, §16.3 step 5). Max-Forwards: 0 → 483 is in {@link ErrorResponseTest}.
 */
@Timeout(60)
class RegistrarSemanticsTest extends GatewayTest {
  @Test
  void userWhoseBindingWasRemovedIs480AndNeverRegisteredUserIs404() throws IOException {
    try (SipPeer peer = udpPeer()) {
      String contact = "sip:erin@" + Sipp.hostPort(HOST, FreePorts.udpAndTcp(HOST));
      SipMessageText added = register(peer, "erin", "Contact: <" + contact + ">\r\nExpires: 3600\r\n");
      assertEquals(200, added.status(), added::text);
      SipMessageText removed = register(peer, "erin", "Contact: <" + contact + ">\r\nExpires: 0\r\n");
      assertEquals(200, removed.status(), removed::text);
      assertTrue(removed.headers("Contact").isEmpty(), "no binding is left\n" + removed);

      // RFC 3261 §21.4.18: the callee's end system was contacted before but is not reachable now
      String erin = "sip:erin@" + TestGateway.DOMAIN;
      peer.send(peer.request("INVITE", erin, erin, ""));
      SipMessageText unavailable = peer.finalResponse(ANSWER);
      assertEquals(480, unavailable.status(), unavailable::text);

      // RFC 3261 §21.4.5: the user does not exist at the domain
      String nobody = "sip:nobody-ever@" + TestGateway.DOMAIN;
      peer.send(peer.request("INVITE", nobody, nobody, ""));
      SipMessageText notFound = peer.finalResponse(ANSWER);
      assertEquals(404, notFound.status(), notFound::text);
    }
  }

  @Test
  void pathIsEchoedAndALaterRequestGoesToThePathHopFirst() throws IOException {
    try (SipPeer phone = udpPeer(); SipPeer edge = udpPeer(); SipPeer caller = udpPeer()) {
      // the phone's Contact names a port where nobody listens: only the Path hop can receive the INVITE
      String contact = "sip:fay@" + Sipp.hostPort(HOST, FreePorts.udpAndTcp(HOST)) + ";transport=udp";
      String path = "<sip:" + edge.hostPort() + ";lr>";
      SipMessageText registered = register(phone, "fay",
          "Contact: <" + contact + ">\r\nExpires: 3600\r\nSupported: path\r\nPath: " + path + "\r\n");
      assertEquals(200, registered.status(), registered::text);
      assertEquals(List.of(path), registered.headers("Path"), "the 200 echoes the Path (RFC 3327 §5.3)\n" + registered);

      String fay = "sip:fay@" + TestGateway.DOMAIN;
      caller.send(caller.request("INVITE", fay, fay, ""));
      SipMessageText invite = edge.receive(ANSWER);
      assertNotNull(invite, "the INVITE did not reach the Path hop " + path);
      assertEquals("INVITE", invite.method(), invite::text);
      assertEquals(contact, invite.requestUri(), "the Request-URI is the registered Contact\n" + invite);
      List<String> routes = invite.headers("Route");
      assertTrue(!routes.isEmpty() && routes.get(0).startsWith(path),
          "the top Route is the Path hop " + path + " (RFC 3327 §5.3)\n" + invite);

      // the Path hop answers; the caller gets it back through the proxy
      edge.send(SipPeer.response(invite, 486, "Busy Here", "edge1", ""));
      SipMessageText answer = caller.finalResponse(ANSWER);
      assertEquals(486, answer.status(), answer::text);
    }
  }

  @Test
  void registerForADomainNotOursIs403() throws IOException {
    try (SipPeer peer = udpPeer()) {
      peer.send(peer.request("REGISTER", "sip:" + HOST, "sip:x@example.invalid", "Expires: 3600\r\n"));
      SipMessageText response = peer.finalResponse(ANSWER);
      assertEquals(403, response.status(), response::text);
    }
  }

  @Test
  void registerRequiringAnUnknownExtensionIs420WithUnsupported() throws IOException {
    try (SipPeer peer = udpPeer()) {
      SipMessageText response = register(peer, "gus", "Expires: 3600\r\nRequire: foo\r\n");
      assertEquals(420, response.status(), response::text);
      assertEquals("foo", unsupported(response), response::text);

      // and nothing was bound: the REGISTER was refused as a whole
      String gus = "sip:gus@" + TestGateway.DOMAIN;
      peer.send(peer.request("OPTIONS", gus, gus, ""));
      SipMessageText probe = peer.finalResponse(ANSWER);
      assertEquals(404, probe.status(), probe::text);
    }
  }

  @Test
  void optionsWithAnUnknownProxyRequireIs420WithUnsupported() throws IOException {
    try (SipPeer peer = udpPeer(); SipPeer callee = udpPeer()) {
      // hal is bound to a live socket: a proxy that ignored Proxy-Require would forward the OPTIONS there
      assertEquals(200, register(callee, "hal", "Expires: 3600\r\n").status());
      String hal = "sip:hal@" + TestGateway.DOMAIN;
      peer.send(peer.request("OPTIONS", hal, hal, "Proxy-Require: bar\r\n"));
      SipMessageText response = peer.finalResponse(ANSWER);
      assertEquals(420, response.status(), response::text);
      assertEquals("bar", unsupported(response), response::text);
      assertNull(callee.receive(Duration.ofMillis(300)), "the OPTIONS was not forwarded");
    }
  }

  private SipPeer udpPeer() throws IOException { return SipPeer.open(SippTransport.UDP, HOST, gateway.port()); }

  private static SipMessageText register(SipPeer peer, String user, String headers) throws IOException {
    String aor = "sip:" + user + "@" + TestGateway.DOMAIN;
    peer.send(peer.request("REGISTER", "sip:" + TestGateway.DOMAIN, aor, headers));
    return peer.finalResponse(ANSWER);
  }

  private static String unsupported(SipMessageText response) {
    String value = response.header("Unsupported");
    return value == null ? null : value.toLowerCase(Locale.ROOT).trim();
  }
}
