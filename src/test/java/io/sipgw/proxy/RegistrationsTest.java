package io.sipgw.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sipgw.config.AuthConfig;
import io.sipgw.config.DomainConfig;
import io.sipgw.config.DomainMode;
import io.sipgw.config.RegistrarConfig;
import io.sipgw.config.SipgwConfig;
import io.sipgw.registrar.Registrar;
import io.sipgw.sip.MessageParser;
import io.sipgw.sip.SipParseException;
import io.sipgw.sip.SipRequest;
import io.sipgw.sip.Transport;
import io.sipgw.store.MemoryLocationStore;
import io.sipgw.transport.Flow;
import io.sipgw.transport.Listener;
import io.sipgw.transport.Transports;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Which requests are taken on the loop that received them: a valid REGISTER with no Route for a
 * local Request-URI, and nothing else (the rest goes to its routing loop, which answers an invalid
 * one with the reason).
 */
class RegistrationsTest {
  private static final Listener UDP = new Listener("udp:127.0.0.1:5060", Transport.UDP, "127.0.0.1", 5060, "127.0.0.1", 5060);
  private static final Flow FLOW = new Flow(Transport.UDP, UDP, "127.0.0.1", 5099, 0);

  private Vertx vertx;
  private MemoryLocationStore store;
  private Registrations registrations;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    Transports transports = new Transports(vertx, List.of(UDP), 65535, 100);
    SipgwConfig defaults = SipgwConfig.fromJson(new JsonObject());
    RoutingSettings settings = new RoutingSettings(
        new LocalDomains(List.of(new DomainConfig("localhost", List.of(), DomainMode.PROXY)), transports), defaults.proxy(), defaults.media());
    RegistrarConfig registrar = new RegistrarConfig(60, 3600, 3600, 10);
    store = new MemoryLocationStore(null, 60_000);
    registrations = new Registrations(transports, () -> settings, new Registrar(store, () -> registrar, System::currentTimeMillis),
        new Authentication(AuthConfig::defaults, null, null));
  }

  @AfterEach
  void stop() { vertx.close(); }

  private static SipRequest request(String method, String ruri, String extra) throws SipParseException {
    String text = method + " " + ruri + " SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:5099;branch=z9hG4bK-1\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: <sip:alice@localhost>;tag=1\r\n"
        + "To: <sip:alice@localhost>\r\n"
        + "Call-ID: c1@127.0.0.1\r\n"
        + "CSeq: 1 " + method + "\r\n"
        + "Contact: <sip:alice@127.0.0.1:5099>\r\n"
        + extra
        + "Content-Length: 0\r\n\r\n";
    byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
    return (SipRequest) MessageParser.parse(b, 0, b.length, true);
  }

  private boolean registered() {
    return !store.lookup("alice@localhost").result().bindings().isEmpty();
  }

  @Test
  void aPlainRegisterForALocalDomainIsTakenAndSaved() throws SipParseException {
    assertTrue(registrations.onReceivingLoop(request("REGISTER", "sip:localhost", "Expires: 600\r\n"), FLOW));
    assertTrue(registered());
  }

  @Test
  void aRegisterToAnAddressOfThisServerIsTaken() throws SipParseException {
    assertTrue(registrations.onReceivingLoop(request("REGISTER", "sip:127.0.0.1:5060", "Expires: 600\r\n"), FLOW));
  }

  @Test
  void everythingElseGoesToRouting() throws SipParseException {
    assertFalse(registrations.onReceivingLoop(request("INVITE", "sip:bob@localhost", ""), FLOW), "not a REGISTER");
    assertFalse(registrations.onReceivingLoop(request("REGISTER", "sip:localhost", "Route: <sip:127.0.0.1:5060;lr>\r\n"), FLOW),
        "a Route is routing's to process");
    assertFalse(registrations.onReceivingLoop(request("REGISTER", "sip:example.org", ""), FLOW), "another registrar's: forwarded");
    assertFalse(registrations.onReceivingLoop(request("REGISTER", "sip:127.0.0.1:5070", ""), FLOW), "a port this server does not listen on");
    assertFalse(registrations.onReceivingLoop(request("REGISTER", "sip:localhost", "Max-Forwards: 70\r\n"), FLOW),
        "invalid (two Max-Forwards): routing answers 400 with the reason");
    assertEquals(false, registered(), "none of them saved anything");
  }
}
