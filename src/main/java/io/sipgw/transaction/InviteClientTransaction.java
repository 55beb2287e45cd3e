package io.sipgw.transaction;

import io.sipgw.sip.RequestBuilder;
import io.sipgw.sip.SipParseException;
import io.sipgw.sip.SipRequest;
import io.sipgw.sip.SipResponse;
import io.vertx.core.buffer.Buffer;

/**
 * The INVITE client transaction (RFC 3261 §17.1.1, with the Accepted state of RFC 6026 §7.2): the
 * INVITE is retransmitted over UDP with doubling intervals (Timer A) until a response comes or Timer
 * B gives up; a non-2xx final response is acknowledged here, hop by hop, and its retransmissions are
 * answered with the same ACK for 32 s over UDP (Timer D); after a 2xx the transaction waits in
 * Accepted (Timer M) and passes further 2xx responses up, to be forwarded.
 */
public final class InviteClientTransaction extends ClientTransaction {
  /** §17.1.1.2: Timer D is at least 32 s for an unreliable transport. */
  static final long TIMER_D = 32_000;

  enum State { CALLING, PROCEEDING, COMPLETED, ACCEPTED, TERMINATED }

  private State state = State.CALLING;
  private Buffer ack;

  InviteClientTransaction(TransactionTable table, String key, String branch, Buffer request, String callId, boolean reliable, Wire wire, User user) {
    super(table, key, branch, request, callId, reliable, wire, user);
  }

  State state() { return state; }

  @Override
  void retransmit() {
    if (state != State.CALLING) return;
    send(request);
    interval *= 2;
    retransmitTimer = table.scheduler().schedule(interval, this::retransmit);
  }

  @Override
  void timedOut() {
    if (state != State.CALLING) return;
    stopTimers();
    terminate();
    user.timeout(this);
  }

  @Override
  void receive(SipResponse response) {
    int status = response.status();
    switch (state) {
      case CALLING, PROCEEDING -> {
        stopTimers();
        if (status < 200) {
          state = State.PROCEEDING;
        } else if (status < 300) {
          state = State.ACCEPTED;
          request = null;
          wire = null; // nothing more is sent in Accepted
          table.scheduler().expire(timing.timeout(), this::terminate); // Timer M
        } else {
          completed(response);
        }
        user.response(this, response);
      }
      case COMPLETED -> {
        if (status >= 300 && ack != null) send(ack); // a retransmitted final response: the same ACK again
      }
      case ACCEPTED -> {
        if (status >= 200 && status < 300) user.response(this, response);
      }
      default -> { }
    }
  }

  private void completed(SipResponse response) {
    state = State.COMPLETED;
    try {
      SipRequest sent = sentRequest();
      ack = RequestBuilder.ack(sent, response);
      send(ack);
    } catch (SipParseException e) {
      LOG.warning("cannot build the ACK for " + response.status() + ": " + e.reason() + " (Call-ID " + callId + ")");
    }
    request = null;
    if (reliable) terminate();
    else table.scheduler().expire(TIMER_D, this::terminate);
  }

  @Override
  boolean awaitingFinal() { return state == State.CALLING || state == State.PROCEEDING; }

  @Override
  void terminate() {
    if (state == State.TERMINATED) return;
    state = State.TERMINATED;
    request = null;
    ack = null;
    wire = null;
    leave();
  }

  @Override
  public boolean terminated() { return state == State.TERMINATED; }
}
