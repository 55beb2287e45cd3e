package io.sipgw.transaction;

import io.sipgw.sip.ResponseBuilder;
import io.sipgw.sip.SipRequest;
import io.vertx.core.buffer.Buffer;

/**
 * The INVITE server transaction (RFC 3261 §17.2.1, with the Accepted state of RFC 6026 §7.1):
 * 100 Trying at once; a non-2xx final response is retransmitted over UDP (Timer G) until the ACK
 * comes (or Timer H gives up), and that ACK is absorbed here, hop by hop; after a 2xx the transaction
 * waits in Accepted (Timer L) so that a late retransmission of the INVITE is absorbed, while further
 * 2xx responses from the transaction user are still sent.
 */
public final class InviteServerTransaction extends ServerTransaction {
  enum State { PROCEEDING, COMPLETED, CONFIRMED, ACCEPTED, TERMINATED }

  private State state = State.PROCEEDING;
  private long timerG = Scheduler.NONE;
  private long gInterval;

  InviteServerTransaction(TransactionTable table, String key, SipRequest request, String source, boolean reliable, Wire wire,
      long receivedNanos) {
    super(table, key, request, source, reliable, wire, receivedNanos);
  }

  /**
   * §17.2.1: a proxy sends 100 Trying for an INVITE at once rather than within 200 ms; nothing when a
   * response went out already, or the request was dropped ({@link #drop}).
   */
  public void trying() {
    if (state == State.PROCEEDING && lastStatus == 0 && wire != null) respond(100, ResponseBuilder.of(request(), 100).toBuffer());
  }

  State state() { return state; }

  @Override
  public void respond(int status, Buffer response) {
    if (state == State.PROCEEDING) {
      counted(status);
      send(response, status);
      keep(response, status);
      if (status >= 300) completed();
      else if (status >= 200) accepted();
    } else if (status >= 200 && status < 300 && state != State.TERMINATED) {
      // RFC 6026 §7.1: every 2xx from the transaction user goes out. One that comes after a non-2xx
      // final (a branch answering after Timer C) is passed on too, without a change of state, so
      // that the caller can ACK and BYE it (RFC 3261 §13.2.2.4) rather than the callee ringing on.
      counted(status);
      send(response, status);
    }
  }

  private void completed() {
    state = State.COMPLETED;
    if (!reliable) {
      gInterval = timing.t1();
      timerG = table.scheduler().schedule(gInterval, this::timerG);
    }
    table.scheduler().expire(timing.timeout(), this::timerH);
  }

  private void accepted() {
    state = State.ACCEPTED;
    lastResponse = null;
    table.scheduler().expire(timing.timeout(), this::terminate); // Timer L
  }

  @Override
  void retransmission() {
    if (state == State.PROCEEDING || state == State.COMPLETED) send(lastResponse, lastStatus);
  }

  /**
   * An ACK matched this transaction. Returns true when it is absorbed here: the ACK of a non-2xx
   * final response (§17.2.1). In Accepted state the ACK is for a 2xx and belongs to the dialog.
   */
  public boolean ack() {
    if (state == State.COMPLETED) {
      state = State.CONFIRMED;
      table.scheduler().cancel(timerG);
      lastResponse = null;
      if (reliable) terminate();
      else table.scheduler().expire(timing.t4(), this::terminate); // Timer I
      return true;
    }
    return state == State.CONFIRMED || state == State.PROCEEDING;
  }

  private void timerG() {
    if (state != State.COMPLETED) return;
    send(lastResponse, lastStatus);
    gInterval = Math.min(2 * gInterval, timing.t2());
    timerG = table.scheduler().schedule(gInterval, this::timerG);
  }

  private void timerH() {
    if (state != State.COMPLETED) return;
    LOG.info("no ACK for the " + lastStatus + " response to INVITE within " + timing.timeout() + " ms (Call-ID " + callId + ")");
    table.scheduler().cancel(timerG);
    terminate();
  }

  private void terminate() {
    if (state == State.TERMINATED) return;
    state = State.TERMINATED;
    lastResponse = null;
    leave();
  }

  @Override
  public boolean terminated() { return state == State.TERMINATED; }
}
