package io.sipgw.transaction;

import io.sipgw.config.TransactionConfig;
import io.sipgw.sip.MessageParser;
import io.sipgw.sip.SipParseException;
import io.sipgw.sip.SipRequest;
import io.sipgw.sip.SipResponse;
import io.vertx.core.buffer.Buffer;
import java.util.logging.Logger;

/**
 * A client transaction (RFC 3261 §17.1): it sends a request, retransmits it over UDP, absorbs
 * retransmitted final responses and hands every other response to its user, and tells the user when
 * no final response came in time (Timers B and F) or the request could not be sent (§18.4).
 */
public abstract sealed class ClientTransaction permits InviteClientTransaction, NonInviteClientTransaction {
  static final Logger LOG = Logger.getLogger("sipgw.transaction");

  /** The transaction user: the proxy's response context. Called on the table's event loop. */
  public interface User {
    void response(ClientTransaction tx, SipResponse response);

    /** No final response in 64*T1 (Timer B or F). */
    void timeout(ClientTransaction tx);

    /** The request could not be sent: treated as a 503 from the next hop (§8.1.3.1). */
    void transportError(ClientTransaction tx, String reason);
  }

  final TransactionTable table;
  final String key;
  final String callId;
  Wire wire;
  final boolean reliable;
  final TransactionConfig timing;
  final User user;
  Buffer request;

  ClientTransaction(TransactionTable table, String key, String branch, Buffer request, String callId, boolean reliable, Wire wire, User user) {
    this.table = table;
    this.key = key;
    this.request = request;
    this.callId = callId;
    this.reliable = reliable;
    this.wire = wire;
    this.user = user;
    this.timing = table.timing();
  }

  /** Our branch: the one the CANCEL of this request must carry (§9.1). */
  public String branch() { return key.substring(0, key.indexOf(' ')); }

  /** Sends the request to the same peer the same way (a CANCEL goes where its INVITE went, §9.1). */
  public Wire wire() { return wire; }

  public boolean reliable() { return reliable; }

  /** The request as sent, parsed again (for building its CANCEL or ACK); null once no longer kept. */
  public SipRequest sentRequest() throws SipParseException {
    if (request == null) return null;
    byte[] b = request.getBytes();
    return (SipRequest) MessageParser.parse(b, 0, b.length, false);
  }

  /** Sends the request for the first time and starts Timer A or E (over UDP) and Timer B or F. */
  public final void start() {
    send(request);
    if (!reliable) {
      interval = timing.t1();
      retransmitTimer = table.scheduler().schedule(interval, this::retransmit);
    }
    table.scheduler().expire(timing.timeout(), this::timedOut);
  }

  /** Timer A or E fired: send the request again and set the timer for the next time. */
  abstract void retransmit();

  /** Timer B or F fired. */
  abstract void timedOut();

  abstract void receive(SipResponse response);

  public abstract boolean terminated();

  void send(Buffer data) {
    Wire w = wire;
    if (w == null) return; // terminated
    w.send(data).onFailure(e -> table.scheduler().execute(() -> sendFailed(e.getMessage())));
  }

  /** Timer A or E: the next retransmission, and the interval to it. */
  long retransmitTimer = Scheduler.NONE;
  long interval;

  /** Stops retransmitting. (Timer B or F need no cancelling: they check the state when they fire.) */
  void stopTimers() {
    table.scheduler().cancel(retransmitTimer);
    retransmitTimer = Scheduler.NONE;
  }

  /** Whether no final response has come yet. */
  abstract boolean awaitingFinal();

  abstract void terminate();

  /** §17.1.4: a transport error ends the transaction and is reported to its user. */
  final void sendFailed(String reason) {
    if (!awaitingFinal()) return;
    stopTimers();
    terminate();
    user.transportError(this, reason);
  }

  /** Ends the transaction now, whatever its state: its user has given up on it. */
  public final void abandon() {
    stopTimers();
    terminate();
  }

  void leave() { table.remove(this); }
}
