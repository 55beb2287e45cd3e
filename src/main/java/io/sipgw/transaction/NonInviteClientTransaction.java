package io.sipgw.transaction;

import io.sipgw.sip.SipResponse;
import io.vertx.core.buffer.Buffer;

/**
 * The non-INVITE client transaction (RFC 3261 §17.1.2): the request is retransmitted over UDP (Timer
 * E, doubling up to T2, then every T2 once a provisional came) until a final response or Timer F;
 * retransmitted final responses are absorbed for T4 (Timer K).
 */
public final class NonInviteClientTransaction extends ClientTransaction {
  enum State { TRYING, PROCEEDING, COMPLETED, TERMINATED }

  private State state = State.TRYING;

  NonInviteClientTransaction(TransactionTable table, String key, String branch, Buffer request, String callId, boolean reliable, Wire wire, User user) {
    super(table, key, branch, request, callId, reliable, wire, user);
  }

  State state() { return state; }

  @Override
  void retransmit() {
    if (!awaitingFinal()) return;
    send(request);
    interval = state == State.TRYING ? Math.min(2 * interval, timing.t2()) : timing.t2();
    retransmitTimer = table.scheduler().schedule(interval, this::retransmit);
  }

  @Override
  void timedOut() {
    if (!awaitingFinal()) return;
    stopTimers();
    terminate();
    user.timeout(this);
  }

  @Override
  void receive(SipResponse response) {
    if (!awaitingFinal()) return; // Completed absorbs retransmissions
    if (response.status() < 200) {
      state = State.PROCEEDING;
    } else {
      state = State.COMPLETED;
      stopTimers();
      request = null;
      if (reliable) terminate();
      else table.scheduler().expire(timing.t4(), this::terminate); // Timer K
    }
    user.response(this, response);
  }

  @Override
  boolean awaitingFinal() { return state == State.TRYING || state == State.PROCEEDING; }

  @Override
  void terminate() {
    if (state == State.TERMINATED) return;
    state = State.TERMINATED;
    request = null;
    wire = null;
    leave();
  }

  @Override
  public boolean terminated() { return state == State.TERMINATED; }
}
