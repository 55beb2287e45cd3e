package io.sipgw.transaction;

import io.sipgw.sip.SipRequest;
import io.vertx.core.buffer.Buffer;

/**
 * The non-INVITE server transaction (RFC 3261 §17.2.2): a retransmitted request is answered with the
 * last response (absorbed while none has been sent); after the final response the transaction stays
 * 64*T1 over UDP (Timer J) to answer retransmissions, and ends at once over a reliable transport.
 */
public final class NonInviteServerTransaction extends ServerTransaction {
  enum State { TRYING, PROCEEDING, COMPLETED, TERMINATED }

  private State state = State.TRYING;

  NonInviteServerTransaction(TransactionTable table, String key, SipRequest request, String source, boolean reliable, Wire wire,
      long receivedNanos) {
    super(table, key, request, source, reliable, wire, receivedNanos);
  }

  State state() { return state; }

  @Override
  public void respond(int status, Buffer response) {
    if (state != State.TRYING && state != State.PROCEEDING) return;
    counted(status);
    send(response, status);
    keep(response, status);
    if (status < 200) {
      state = State.PROCEEDING;
      return;
    }
    state = State.COMPLETED;
    if (reliable) terminate();
    else table.scheduler().expire(timing.timeout(), this::terminate); // Timer J
  }

  @Override
  void retransmission() {
    if (state == State.PROCEEDING || state == State.COMPLETED) send(lastResponse, lastStatus);
  }

  private void terminate() {
    state = State.TERMINATED;
    lastResponse = null;
    leave();
  }

  @Override
  public boolean terminated() { return state == State.TERMINATED; }
}
