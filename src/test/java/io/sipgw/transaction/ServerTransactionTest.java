package io.sipgw.transaction;

import static io.sipgw.transaction.Messages.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sipgw.config.BanConfig;
import io.sipgw.config.Cidr;
import io.sipgw.config.TransactionConfig;
import io.sipgw.sip.ResponseBuilder;
import io.sipgw.sip.SipParseException;
import io.sipgw.sip.SipRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The server transaction state machines of RFC 3261 §17.2 (and RFC 6026's Accepted state). */
class ServerTransactionTest {
  private static final String BRANCH = "z9hG4bKabc";
  private static final String SOURCE = "192.0.2.7";
  private final ManualScheduler clock = new ManualScheduler();
  private final TransactionTable table = new TransactionTable(clock, () -> new TransactionConfig(500, 4000, 5000, 10, 7, 0), 1);
  private final Messages.RecordingWire wire = new Messages.RecordingWire();

  private InviteServerTransaction invite(boolean reliable) throws SipParseException {
    SipRequest req = request("INVITE", BRANCH);
    return (InviteServerTransaction) table.newServer(TransactionKey.server(req, "INVITE"), req, SOURCE, reliable, wire);
  }

  private static io.vertx.core.buffer.Buffer answer(SipRequest req, int status) {
    return ResponseBuilder.of(req, status).toBuffer();
  }

  @Test
  void inviteGets100TryingAtOnceAndARetransmissionGetsTheLastProvisional() throws Exception {
    InviteServerTransaction t = invite(false);
    assertEquals(1, wire.count("SIP/2.0 100"));
    t.respond(180, answer(t.request(), 180));
    assertTrue(table.retransmission(t.key));
    assertEquals(2, wire.count("SIP/2.0 180"));
  }

  @Test
  void aDeferred100TryingGoesOnlyIfNothingElseDid() throws Exception {
    SipRequest req = request("INVITE", BRANCH);
    InviteServerTransaction t = (InviteServerTransaction) table.newServer(TransactionKey.server(req, "INVITE"), req, SOURCE, false, wire, false);
    assertEquals(0, wire.count("SIP/2.0 100"), "not yet: the transaction user sends it");
    t.trying();
    t.trying();
    assertEquals(1, wire.count("SIP/2.0 100"), "once");

    SipRequest answered = request("INVITE", "z9hG4bKanswered");
    InviteServerTransaction a = (InviteServerTransaction) table.newServer(TransactionKey.server(answered, "INVITE"), answered, SOURCE, false, wire, false);
    a.respond(404, answer(a.request(), 404));
    a.trying();
    assertEquals(1, wire.count("SIP/2.0 100"), "no 100 after a final response");

    SipRequest dropped = request("INVITE", "z9hG4bKdropped");
    InviteServerTransaction d = (InviteServerTransaction) table.newServer(TransactionKey.server(dropped, "INVITE"), dropped, SOURCE, false, wire, false);
    d.drop();
    d.trying();
    assertEquals(1, wire.count("SIP/2.0 100"), "nothing for a dropped request");
    assertFalse(table.retransmission(TransactionKey.server(dropped, "INVITE")), "a dropped request left the table");
  }

  @Test
  void nonSuccessFinalIsRetransmittedWithTimerGUntilTheAckIsAbsorbed() throws Exception {
    InviteServerTransaction t = invite(false);
    t.respond(486, answer(t.request(), 486));
    assertNull(t.request(), "the request is let go after the final response");
    clock.advance(500);
    clock.advance(1000);
    clock.advance(2000);
    assertEquals(4, wire.count("SIP/2.0 486"), "sent, then at T1, 2*T1 and 4*T1");
    clock.advance(4000);
    clock.advance(4000);
    assertEquals(6, wire.count("SIP/2.0 486"), "the interval stops growing at T2");
    SipRequest ack = request("ACK", BRANCH);
    InviteServerTransaction matched = (InviteServerTransaction) table.server(TransactionKey.server(ack, "INVITE"));
    assertSame(t, matched);
    assertTrue(matched.ack(), "the ACK of a non-2xx is absorbed hop by hop");
    assertEquals(InviteServerTransaction.State.CONFIRMED, t.state());
    clock.advance(4000);
    assertEquals(6, wire.count("SIP/2.0 486"), "no retransmission after the ACK");
    assertTrue(matched.ack(), "a retransmitted ACK is absorbed too");
    clock.advance(5000);
    assertTrue(t.terminated(), "Timer I (T4) ends it");
    assertEquals(0, table.serverCount());
  }

  @Test
  void timerHEndsATransactionWhoseAckNeverCame() throws Exception {
    InviteServerTransaction t = invite(false);
    t.respond(404, answer(t.request(), 404));
    clock.advance(32_000);
    assertTrue(t.terminated());
    assertEquals(0, table.serverCount());
    assertEquals(0, clock.pending(), "no timer left behind");
  }

  @Test
  void overAReliableTransportTheFinalResponseIsSentOnce() throws Exception {
    InviteServerTransaction t = invite(true);
    t.respond(486, answer(t.request(), 486));
    clock.advance(10_000);
    assertEquals(1, wire.count("SIP/2.0 486"));
    assertTrue(t.ack());
    assertTrue(t.terminated(), "Timer I is zero over a reliable transport");
  }

  @Test
  void afterA2xxTheTransactionIsAcceptedSendsFurther2xxAndAbsorbsTheInvite() throws Exception {
    InviteServerTransaction t = invite(false);
    SipRequest req = t.request();
    t.respond(200, answer(req, 200));
    assertEquals(InviteServerTransaction.State.ACCEPTED, t.state());
    t.respond(200, answer(req, 200));
    assertEquals(2, wire.count("SIP/2.0 200"), "RFC 6026: a second 2xx (another branch) goes out too");
    t.respond(486, answer(req, 486));
    assertEquals(0, wire.count("SIP/2.0 486"), "no non-2xx after a 2xx");
    assertTrue(table.retransmission(t.key));
    assertEquals(2, wire.count("SIP/2.0 200"), "a retransmitted INVITE is absorbed, not answered");
    assertFalse(t.ack(), "an ACK in Accepted belongs to the dialog, not to the transaction");
    clock.advance(32_000);
    assertTrue(t.terminated(), "Timer L");
  }

  @Test
  void nonInviteAbsorbsRetransmissionsUntilAnsweredThenRepeatsTheAnswerUntilTimerJ() throws Exception {
    SipRequest bye = request("BYE", BRANCH);
    ServerTransaction t = table.newServer(TransactionKey.server(bye, "BYE"), bye, SOURCE, false, wire);
    assertTrue(table.retransmission(t.key));
    assertEquals(0, wire.sent.size(), "Trying: a retransmission is absorbed");
    t.respond(200, answer(bye, 200));
    assertTrue(table.retransmission(t.key));
    assertEquals(2, wire.count("SIP/2.0 200"));
    clock.advance(31_999);
    assertFalse(t.terminated());
    clock.advance(1);
    assertTrue(t.terminated(), "Timer J = 64*T1 over UDP");
    assertFalse(table.retransmission(t.key));
  }

  @Test
  void nonInviteOverAReliableTransportEndsWithItsFinalResponse() throws Exception {
    SipRequest msg = request("MESSAGE", BRANCH);
    ServerTransaction t = table.newServer(TransactionKey.server(msg, "MESSAGE"), msg, SOURCE, true, wire);
    t.respond(202, answer(msg, 202));
    assertTrue(t.terminated());
  }

  @Test
  void aCancelFindsItsInviteAndRunsTheCancelHandler() throws Exception {
    InviteServerTransaction t = invite(false);
    boolean[] cancelled = {false};
    t.onCancel(() -> cancelled[0] = true);
    SipRequest cancel = request("CANCEL", BRANCH);
    assertNull(table.server(TransactionKey.server(cancel, "CANCEL")), "the CANCEL is a transaction of its own");
    table.server(TransactionKey.server(cancel, "INVITE")).cancel();
    assertTrue(cancelled[0]);
  }

  @Test
  void theTableRefusesNewTransactionsAtItsShareOfTheCap() throws Exception {
    TransactionTable half = new TransactionTable(clock, () -> new TransactionConfig(500, 4000, 5000, 4, 7, 0), 2);
    for (int i = 0; i < 2; i++) {
      SipRequest r = request("OPTIONS", BRANCH + i);
      assertFalse(half.full());
      half.newServer(TransactionKey.server(r, "OPTIONS"), r, SOURCE, false, wire);
    }
    assertTrue(half.full(), "4 transactions shared by 2 tables: 2 each");
  }

  @Test
  void aSourceIsRefusedAtItsShareOfBansMaxTransactionsAndAnotherIsNot() throws Exception {
    AtomicReference<BanConfig> bans = new AtomicReference<>(
        bans(6, "10.0.0.0/8"));
    TransactionTable half = new TransactionTable(clock, () -> new TransactionConfig(500, 4000, 5000, 100, 7, 0), bans::get, 2);
    List<ServerTransaction> open = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      assertFalse(half.fullFor(SOURCE, false));
      SipRequest r = request("MESSAGE", BRANCH + i);
      open.add(half.newServer(TransactionKey.server(r, "MESSAGE"), r, SOURCE, true, wire));
    }
    assertTrue(half.fullFor(SOURCE, false), "6 per source shared by 2 tables: 3 each");
    assertFalse(half.fullFor(SOURCE, true), "a request of a dialog in progress has a little more room");
    assertFalse(half.fullFor("192.0.2.8", false), "another source is not limited by this one");
    assertEquals(3, half.serverCount(SOURCE));

    SipRequest first = open.get(0).request();
    open.get(0).respond(200, answer(first, 200)); // over a reliable transport a non-INVITE transaction ends at once
    assertEquals(2, half.serverCount(SOURCE));
    assertFalse(half.fullFor(SOURCE, false), "an ended transaction frees its place");

    bans.set(bans(6, "192.0.2.0/24"));
    SipRequest r = request("MESSAGE", BRANCH + "x");
    half.newServer(TransactionKey.server(r, "MESSAGE"), r, SOURCE, true, wire);
    assertFalse(half.fullFor(SOURCE, false), "an exempt source is never limited");
    bans.set(bans(0, "10.0.0.0/8"));
    assertFalse(half.fullFor(SOURCE, false), "0: no limit");
  }

  private static BanConfig bans(int maxTransactions, String exempt) {
    BanConfig d = BanConfig.DEFAULTS;
    return new BanConfig(d.maxRequests(), d.interval(), d.authFailures(), d.authWindow(), d.banTime(),
        List.of(Cidr.parse(exempt)), false, d.scanners(), d.maxConnections(), maxTransactions);
  }

  @Test
  void rfc2543RequestsAreMatchedWithoutABranchAndTheAckMatchesItsInvite() throws Exception {
    SipRequest invite = Messages.request("INVITE", "old1");
    SipRequest ack = Messages.request("ACK", "old1");
    assertEquals(TransactionKey.server(invite, "INVITE"), TransactionKey.server(ack, "INVITE"));
    SipRequest other = Messages.request("INVITE", "old2");
    assertFalse(TransactionKey.server(invite, "INVITE").equals(TransactionKey.server(other, "INVITE")));
  }

  @Test
  void aCancelBeforeTheHandlerIsSetRunsTheHandlerWhenItIsSet() throws Exception {
    InviteServerTransaction t = invite(false);
    t.cancel();
    boolean[] cancelled = {false};
    t.onCancel(() -> cancelled[0] = true);
    assertTrue(cancelled[0], "a CANCEL that overtook the location lookup is not lost");
  }

  @Test
  void a2xxAfterANonSuccessFinalIsPassedOnWithoutAChangeOfState() throws Exception {
    InviteServerTransaction t = invite(false);
    SipRequest req = t.request();
    t.respond(408, answer(req, 408));
    t.respond(200, answer(req, 200));
    assertEquals(1, wire.count("SIP/2.0 200"), "a late answer reaches the caller, who can ACK and BYE it");
    assertEquals(InviteServerTransaction.State.COMPLETED, t.state());
    t.respond(486, answer(req, 486));
    assertEquals(0, wire.count("SIP/2.0 486"), "but no second non-2xx");
  }
}
