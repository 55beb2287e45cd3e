package io.sipgw.transaction;

import static io.sipgw.transaction.Messages.response;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sipgw.config.TransactionConfig;
import io.sipgw.sip.SipResponse;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The client transaction state machines of RFC 3261 §17.1 (and RFC 6026's Accepted state). */
class ClientTransactionTest {
  private static final String BRANCH = "z9hG4bKmine";
  private final ManualScheduler clock = new ManualScheduler();
  private final TransactionTable table = new TransactionTable(clock, () -> new TransactionConfig(500, 4000, 5000, 10, 7, 0), 1);
  private final Messages.RecordingWire wire = new Messages.RecordingWire();
  private final List<String> events = new ArrayList<>();
  private final ClientTransaction.User user = new ClientTransaction.User() {
    @Override public void response(ClientTransaction tx, SipResponse r) { events.add("response " + r.status()); }

    @Override public void timeout(ClientTransaction tx) { events.add("timeout"); }

    @Override public void transportError(ClientTransaction tx, String reason) { events.add("error " + reason); }
  };

  private ClientTransaction start(String method, boolean reliable) {
    Buffer req = Buffer.buffer(Messages.request(method, BRANCH).toString());
    ClientTransaction t = table.newClient(method, BRANCH, req, "call-1@test", reliable, wire, user);
    t.start();
    return t;
  }

  @Test
  void inviteIsRetransmittedWithDoublingIntervalsUntilTimerB() {
    ClientTransaction t = start("INVITE", false);
    clock.advance(500 + 1000 + 2000 + 4000 + 8000 + 16000);
    assertEquals(7, wire.count("INVITE "), "sent, then at 0.5, 1.5, 3.5, 7.5, 15.5 and 31.5 s");
    clock.advance(500);
    assertEquals(List.of("timeout"), events, "Timer B = 64*T1");
    assertTrue(t.terminated());
    assertEquals(0, table.clientCount());
  }

  @Test
  void aProvisionalStopsRetransmissionAndTimerB() throws Exception {
    start("INVITE", false);
    assertTrue(table.receive(response(180, BRANCH, "INVITE")));
    clock.advance(60_000);
    assertEquals(1, wire.count("INVITE "));
    assertEquals(List.of("response 180"), events, "no timeout once proceeding: Timer C is the proxy's");
  }

  @Test
  void aNonSuccessFinalIsAcknowledgedHereAndItsRetransmissionsGetTheSameAck() throws Exception {
    ClientTransaction t = start("INVITE", false);
    table.receive(response(486, BRANCH, "INVITE"));
    assertEquals(List.of("response 486"), events);
    String ack = wire.last();
    assertTrue(ack.startsWith("ACK sip:bob@127.0.0.1:5070 SIP/2.0\r\n"), ack);
    assertTrue(ack.contains("Via: SIP/2.0/UDP 127.0.0.1:5080;branch=" + BRANCH + "\r\n"), "the INVITE's branch");
    assertTrue(ack.contains("To: <sip:bob@localhost>;tag=b486\r\n"), "the To of the response");
    assertTrue(ack.contains("Route: <sip:127.0.0.1:5060;lr>\r\n"), "the INVITE's Route");
    assertTrue(ack.contains("CSeq: 7 ACK\r\n"));
    table.receive(response(486, BRANCH, "INVITE"));
    assertEquals(2, wire.count("ACK "));
    assertEquals(1, events.size(), "a retransmitted final response is absorbed");
    clock.advance(32_000);
    assertTrue(t.terminated(), "Timer D");
  }

  @Test
  void afterA2xxFurther2xxGoUpUntilTimerM() throws Exception {
    ClientTransaction t = start("INVITE", false);
    table.receive(response(200, BRANCH, "INVITE"));
    table.receive(response(200, BRANCH, "INVITE"));
    assertEquals(List.of("response 200", "response 200"), events, "RFC 6026: retransmitted 2xx are forwarded");
    assertEquals(0, wire.count("ACK "), "the ACK of a 2xx is the caller's");
    clock.advance(32_000);
    assertTrue(t.terminated());
  }

  @Test
  void nonInviteRetransmitsUpToT2ThenEveryT2WhenProceeding() throws Exception {
    start("BYE", false);
    clock.advance(500 + 1000 + 2000 + 4000);
    assertEquals(5, wire.count("BYE "));
    clock.advance(4000);
    assertEquals(6, wire.count("BYE "), "capped at T2");
    table.receive(response(100, BRANCH, "BYE"));
    clock.advance(4000);
    assertEquals(7, wire.count("BYE "), "every T2 in Proceeding");
    table.receive(response(200, BRANCH, "BYE"));
    table.receive(response(200, BRANCH, "BYE"));
    assertEquals(List.of("response 100", "response 200"), events, "the retransmitted 200 is absorbed");
    clock.advance(5000);
    assertEquals(0, table.clientCount(), "Timer K = T4");
  }

  @Test
  void nonInviteTimesOutWithTimerF() {
    start("MESSAGE", false);
    clock.advance(32_000);
    assertEquals(List.of("timeout"), events);
  }

  @Test
  void overAReliableTransportNothingIsRetransmittedAndTheTransactionEndsWithItsAnswer() throws Exception {
    ClientTransaction t = start("BYE", true);
    clock.advance(10_000);
    assertEquals(1, wire.count("BYE "));
    table.receive(response(200, BRANCH, "BYE"));
    assertTrue(t.terminated());
  }

  @Test
  void aSendFailureIsReportedToTheUser() {
    wire.fail = true;
    ClientTransaction t = start("INVITE", true);
    assertEquals(List.of("error unreachable"), events);
    assertTrue(t.terminated());
  }

  @Test
  void aResponseForAnotherMethodOrBranchMatchesNothing() throws Exception {
    start("INVITE", false);
    assertFalse(table.receive(response(200, BRANCH, "CANCEL")));
    assertFalse(table.receive(response(200, "z9hG4bKother", "INVITE")));
  }

  @Test
  void theCancelOfARequestCopiesItsBranchRequestUriAndRoute() throws Exception {
    ClientTransaction t = start("INVITE", false);
    String cancel = io.sipgw.sip.RequestBuilder.cancel(t.sentRequest()).toString();
    assertTrue(cancel.startsWith("CANCEL sip:bob@127.0.0.1:5070 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5080;branch=" + BRANCH + "\r\n"), cancel);
    assertTrue(cancel.contains("To: <sip:bob@localhost>\r\n"));
    assertTrue(cancel.contains("CSeq: 7 CANCEL\r\n"));
    assertTrue(cancel.contains("Route: <sip:127.0.0.1:5060;lr>\r\n"));
  }
}
