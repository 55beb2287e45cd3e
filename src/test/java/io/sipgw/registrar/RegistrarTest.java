package io.sipgw.registrar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sipgw.config.RegistrarConfig;
import io.sipgw.sip.MessageParser;
import io.sipgw.sip.SipParseException;
import io.sipgw.sip.SipRequest;
import io.sipgw.sip.Transport;
import io.sipgw.store.AorRecord;
import io.sipgw.store.Binding;
import io.sipgw.store.MemoryLocationStore;
import io.sipgw.transport.Flow;
import io.sipgw.transport.Listener;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** REGISTER handling (RFC 3261 §10.3) against the in-memory store, on a fake clock. */
class RegistrarTest {
  private static final String AOR = "alice@example.com";
  private static final Flow FLOW = new Flow(Transport.UDP, new Listener("udp0", Transport.UDP, "127.0.0.1", 5060, "127.0.0.1", 5060),
      "192.0.2.10", 5062, 0);

  private final AtomicLong now = new AtomicLong(1_700_000_000_000L);
  private final MemoryLocationStore store = new MemoryLocationStore(null, 60_000, now::get);
  private final Registrar registrar = new Registrar(store, () -> new RegistrarConfig(60, 3600, 1800, 3), now::get);

  private static SipRequest register(String callId, long cseq, String... extra) throws SipParseException {
    StringBuilder sb = new StringBuilder()
        .append("REGISTER sip:example.com SIP/2.0\r\n")
        .append("Via: SIP/2.0/UDP 192.0.2.10:5062;branch=z9hG4bK").append(callId).append(cseq).append("\r\n")
        .append("Max-Forwards: 70\r\n")
        .append("From: <sip:alice@example.com>;tag=f1\r\n")
        .append("To: <sip:alice@example.com>\r\n")
        .append("Call-ID: ").append(callId).append("\r\n")
        .append("CSeq: ").append(cseq).append(" REGISTER\r\n");
    for (String e : extra) sb.append(e).append("\r\n");
    sb.append("Content-Length: 0\r\n\r\n");
    byte[] b = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    return (SipRequest) MessageParser.parse(b, 0, b.length, true);
  }

  private String send(SipRequest req) {
    Future<Buffer> f = registrar.register(req, FLOW, AOR);
    assertTrue(f.succeeded(), () -> "not succeeded: " + f.cause());
    return f.result().toString(StandardCharsets.ISO_8859_1);
  }

  private static String statusLine(String response) { return response.substring(0, response.indexOf("\r\n")); }

  /** Every Contact line of a response, in order. */
  private static List<String> contacts(String response) {
    return response.lines().filter(l -> l.startsWith("Contact: ")).map(l -> l.substring(9)).toList();
  }

  private static String header(String response, String name) {
    return response.lines().filter(l -> l.startsWith(name + ": ")).map(l -> l.substring(name.length() + 2)).findFirst().orElse(null);
  }

  private AorRecord lookup() {
    Future<AorRecord> f = store.lookup(AOR);
    assertTrue(f.succeeded());
    return f.result();
  }

  /** The registration listener hears whether a REGISTER brought its user online: the first, and the first after all bindings went. */
  @Test
  void theListenerIsToldWhenAUserComesOnline() throws Exception {
    List<Boolean> online = new java.util.ArrayList<>();
    Registrar told = new Registrar(store, () -> new RegistrarConfig(60, 3600, 1800, 3), now::get,
        (req, flow, aor, bindings, cameOnline) -> online.add(cameOnline), null);
    String contact = "Contact: <sip:alice@192.0.2.10:5062>";
    assertTrue(told.register(register("on1", 1, contact, "Expires: 600"), FLOW, AOR).succeeded());
    assertTrue(told.register(register("on1", 2, contact, "Expires: 600"), FLOW, AOR).succeeded());
    assertTrue(told.register(register("on1", 3, contact, "Expires: 0"), FLOW, AOR).succeeded());
    assertTrue(told.register(register("on1", 4, contact, "Expires: 600"), FLOW, AOR).succeeded());
    now.addAndGet(601_000); // expired, not removed
    assertTrue(told.register(register("on1", 5, contact, "Expires: 600"), FLOW, AOR).succeeded());
    assertEquals(List.of(true, false, false, true, true), online, "first, refresh, removal, back, back after expiry");
  }

  @Test
  void registerAddsABindingAndListsIt() throws Exception {
    String r = send(register("c1", 1, "Contact: <sip:alice@192.0.2.10:5062>", "Expires: 600"));
    assertEquals("SIP/2.0 200 OK", statusLine(r));
    assertEquals(List.of("<sip:alice@192.0.2.10:5062>;expires=600"), contacts(r));
    assertTrue(header(r, "To").startsWith("<sip:alice@example.com>;tag="), r);
    assertEquals("0", header(r, "Content-Length"));
  }

  @Test
  void bindingRemembersWhereTheRegisterCameFrom() throws Exception {
    send(register("c1", 1, "Contact: <sip:alice@192.0.2.10:5062>", "User-Agent: phone/1.0"));
    Binding b = lookup().bindings().get(0);
    assertEquals(new Binding.Source("udp", "udp0", "192.0.2.10", 5062, 0), b.source());
    assertEquals("c1", b.callId());
    assertEquals(1, b.cseq());
    assertEquals("phone/1.0", b.userAgent());
    assertEquals(now.get() + 1_800_000, b.expiresAtMillis());
  }

  @Test
  void tooBriefIntervalGets423WithMinExpires() throws Exception {
    String r = send(register("c1", 1, "Contact: <sip:alice@192.0.2.10:5062>", "Expires: 30"));
    assertEquals("SIP/2.0 423 Interval Too Brief", statusLine(r));
    assertEquals("60", header(r, "Min-Expires"));
    assertEquals(List.of(), contacts(r));
    assertEquals(List.of(), lookup().bindings());
  }

  @Test
  void tooBriefContactExpiresGets423EvenWithALongHeader() throws Exception {
    String r = send(register("c1", 1, "Contact: <sip:alice@192.0.2.10:5062>;expires=59", "Expires: 600"));
    assertEquals("SIP/2.0 423 Interval Too Brief", statusLine(r));
  }

  @Test
  void expiresIsCappedAtMax() throws Exception {
    String r = send(register("c1", 1, "Contact: <sip:alice@192.0.2.10:5062>", "Expires: 7200"));
    assertEquals(List.of("<sip:alice@192.0.2.10:5062>;expires=3600"), contacts(r));
  }

  @Test
  void defaultExpiresWhenNoneIsAsked() throws Exception {
    assertEquals(List.of("<sip:alice@192.0.2.10:5062>;expires=1800"), contacts(send(register("c1", 1, "Contact: <sip:alice@192.0.2.10:5062>"))));
  }

  @Test
  void okListsAllBindingsWithRemainingExpires() throws Exception {
    send(register("c1", 1, "Contact: <sip:alice@192.0.2.10:5062>", "Expires: 600"));
    now.addAndGet(100_000);
    String r = send(register("c2", 1, "Contact: <sip:alice@198.51.100.4:5060>;q=0.5", "Expires: 300"));
    assertEquals("SIP/2.0 200 OK", statusLine(r));
    assertEquals(List.of("<sip:alice@192.0.2.10:5062>;expires=500", "<sip:alice@198.51.100.4:5060>;expires=300;q=0.5"), contacts(r));
  }

  @Test
  void remainingExpiresRoundsUp() throws Exception {
    send(register("c1", 1, "Contact: <sip:alice@192.0.2.10:5062>", "Expires: 600"));
    now.addAndGet(100_500);
    assertEquals(List.of("<sip:alice@192.0.2.10:5062>;expires=500"), contacts(send(register("c1", 2))));
  }

  @Test
  void queryWithoutContactListsBindings() throws Exception {
    send(register("c1", 1, "Contact: <sip:alice@192.0.2.10:5062>, <sip:alice@192.0.2.11:5062>;expires=120", "Expires: 600"));
    now.addAndGet(20_000);
    String r = send(register("q1", 1));
    assertEquals("SIP/2.0 200 OK", statusLine(r));
    assertEquals(List.of("<sip:alice@192.0.2.10:5062>;expires=580", "<sip:alice@192.0.2.11:5062>;expires=100"), contacts(r));
  }

  @Test
  void queryOfAnUnknownAorListsNothing() throws Exception {
    String r = send(register("q1", 1));
    assertEquals("SIP/2.0 200 OK", statusLine(r));
    assertEquals(List.of(), contacts(r));
  }

  @Test
  void expiresZeroRemovesOneBinding() throws Exception {
    send(register("c1", 1, "Contact: <sip:alice@192.0.2.10:5062>, <sip:alice@192.0.2.11:5062>", "Expires: 600"));
    String r = send(register("c1", 2, "Contact: <sip:alice@192.0.2.10:5062>;expires=0"));
    assertEquals(List.of("<sip:alice@192.0.2.11:5062>;expires=600"), contacts(r));
  }

  @Test
  void wildcardWithExpiresZeroRemovesAll() throws Exception {
    send(register("c1", 1, "Contact: <sip:alice@192.0.2.10:5062>", "Expires: 600"));
    send(register("c2", 1, "Contact: <sip:alice@192.0.2.11:5062>", "Expires: 600"));
    String r = send(register("c3", 1, "Contact: *", "Expires: 0"));
    assertEquals("SIP/2.0 200 OK", statusLine(r));
    assertEquals(List.of(), contacts(r));
    assertEquals(new AorRecord(true, List.of()), lookup());
  }

  @Test
  void wildcardWithoutExpiresZeroIs400() throws Exception {
    assertEquals("SIP/2.0 400 Bad Request (Contact * needs Expires: 0)", statusLine(send(register("c1", 1, "Contact: *"))));
    assertEquals("SIP/2.0 400 Bad Request (Contact * needs Expires: 0)", statusLine(send(register("c1", 1, "Contact: *", "Expires: 60"))));
  }

  @Test
  void wildcardWithAnOldCSeqIsRefused() throws Exception {
    send(register("c1", 5, "Contact: <sip:alice@192.0.2.10:5062>", "Expires: 600"));
    assertEquals("SIP/2.0 400 Bad Request (CSeq out of order)", statusLine(send(register("c1", 4, "Contact: *", "Expires: 0"))));
    assertEquals(1, lookup().bindings().size());
  }

  @Test
  void sameCallIdWithOldCSeqIsRefusedAndChangesNothing() throws Exception {
    send(register("c1", 5, "Contact: <sip:alice@192.0.2.10:5062>", "Expires: 600"));
    String r = send(register("c1", 4, "Contact: <sip:alice@192.0.2.10:5062>", "Expires: 60"));
    assertEquals("SIP/2.0 400 Bad Request (CSeq out of order)", statusLine(r));
    assertEquals(now.get() + 600_000, lookup().bindings().get(0).expiresAtMillis());
  }

  @Test
  void sameCallIdAndCSeqIsARetransmissionAnsweredWithTheBindingsUnchanged() throws Exception {
    send(register("c1", 5, "Contact: <sip:alice@192.0.2.10:5062>", "Expires: 600"));
    String r = send(register("c1", 5, "Contact: <sip:alice@192.0.2.10:5062>", "Expires: 60"));
    assertEquals("SIP/2.0 200 OK", statusLine(r));
    assertEquals(now.get() + 600_000, lookup().bindings().get(0).expiresAtMillis());
  }

  @Test
  void moreContactsThanAllowedIs403() throws Exception {
    String r = send(register("c1", 1, "Contact: <sip:a@192.0.2.1>, <sip:a@192.0.2.2>, <sip:a@192.0.2.3>, <sip:a@192.0.2.4>"));
    assertEquals("SIP/2.0 403 Forbidden (more than 3 contacts)", statusLine(r));
    assertEquals(List.of(), lookup().bindings());
  }

  @Test
  void badQIs400NamingIt() throws Exception {
    assertEquals("SIP/2.0 400 Bad Request (Contact q-value out of range: 7)",
        statusLine(send(register("c1", 1, "Contact: <sip:alice@192.0.2.10:5062>;q=7"))));
  }

  @Test
  void malformedContactIs400NamingIt() throws Exception {
    assertEquals("SIP/2.0 400 Bad Request (malformed Contact: '>' expected)",
        statusLine(send(register("c1", 1, "Contact: <sip:alice@192.0.2.10:5062"))));
  }

  @Test
  void instanceAndRegIdAreEchoed() throws Exception {
    String r = send(register("c1", 1, "Contact: <sip:alice@192.0.2.10:5062;transport=tcp>;+sip.instance=\"<urn:uuid:1>\";reg-id=1",
        "Expires: 600"));
    assertEquals(List.of("<sip:alice@192.0.2.10:5062;transport=tcp>;expires=600;+sip.instance=\"<urn:uuid:1>\";reg-id=1"), contacts(r));
  }

  @Test
  void pathIsStoredAndEchoedWhenSupported() throws Exception {
    String r = send(register("c1", 1, "Contact: <sip:alice@192.0.2.10:5062>", "Path: <sip:edge.example.com;lr>", "Supported: path",
        "Expires: 600"));
    assertEquals("<sip:edge.example.com;lr>", header(r, "Path"));
    assertEquals(List.of("<sip:edge.example.com;lr>"), lookup().bindings().get(0).path());
  }

  @Test
  void toThatIsNotSipIs400() throws Exception {
    SipRequest req = register("c1", 1, "Contact: <sip:alice@192.0.2.10:5062>");
    String text = req.toString().replace("To: <sip:alice@example.com>", "To: <tel:+15551234>");
    byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
    assertEquals("SIP/2.0 400 Bad Request (To is not a SIP or SIPS URI)",
        statusLine(send((SipRequest) MessageParser.parse(b, 0, b.length, true))));
  }
}
