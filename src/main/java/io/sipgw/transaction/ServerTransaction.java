package io.sipgw.transaction;

import io.sipgw.config.TransactionConfig;
import io.sipgw.metrics.Metrics;
import io.sipgw.sip.SipParseException;
import io.sipgw.sip.SipRequest;
import io.vertx.core.buffer.Buffer;
import java.util.logging.Logger;

/**
 * A server transaction (RFC 3261 §17.2): it sends the transaction user's responses, answers a
 * retransmitted request with the last response, and retransmits final responses over UDP. The
 * request is let go once a final response has been sent, so a transaction that lingers for its
 * timers holds only its key and what it may have to send again.
 */
public abstract sealed class ServerTransaction permits InviteServerTransaction, NonInviteServerTransaction {
  static final Logger LOG = Logger.getLogger("sipgw.transaction");

  final TransactionTable table;
  final String key;
  final String callId;
  /** The address the request came from, as counted against {@code bans.maxTransactions}. */
  final String source;
  Wire wire;
  final boolean reliable;
  final TransactionConfig timing;
  private SipRequest request;
  Buffer lastResponse;
  int lastStatus;
  private Runnable cancelHandler;
  private boolean cancelled;
  /** The request's method as the metrics count it ({@link Metrics#methodIndex}). */
  private final int methodIndex;
  /** When the request was received ({@link System#nanoTime}; 0: unknown): the first response's latency is counted from there. */
  final long receivedNanos;

  ServerTransaction(TransactionTable table, String key, SipRequest request, String source, boolean reliable, Wire wire,
      long receivedNanos) {
    this.table = table;
    this.methodIndex = Metrics.methodIndex(request.method());
    this.receivedNanos = receivedNanos;
    this.key = key;
    this.request = request;
    this.callId = request.callId();
    this.source = source;
    this.reliable = reliable;
    this.wire = wire;
    this.timing = table.timing();
  }

  /** The request, until the final response has been sent; null after. */
  public SipRequest request() { return request; }

  /** Whether a final response has been sent. */
  public boolean finalSent() { return lastStatus >= 200; }

  /** Sends a response from the transaction user, if the state allows it (§17.2.1, §17.2.2). */
  public abstract void respond(int status, Buffer response);

  /** The request arrived again. */
  abstract void retransmission();

  /** Whether the transaction has ended and left the table. */
  public abstract boolean terminated();

  /**
   * What to run when a CANCEL matches this transaction (§9.2): the proxy cancels its branches. Runs
   * at once when the CANCEL came before the handler (while the request was still being looked up).
   */
  public void onCancel(Runnable handler) {
    if (cancelled) {
      if (!finalSent()) handler.run();
    } else {
      cancelHandler = handler;
    }
  }

  /** A CANCEL matched this transaction. */
  public void cancel() {
    cancelled = true;
    if (cancelHandler != null) cancelHandler.run();
  }

  /**
   * Counts a response of the transaction user as it is sent (retransmissions are not counted): the
   * first one gives the latency from the request's arrival; an initial INVITE's first 2xx is a call begun.
   */
  void counted(int status) {
    Metrics m = table.metrics();
    if (!m.enabled()) return;
    if (lastStatus == 0) m.firstResponse(methodIndex, receivedNanos);
    m.responseSent(methodIndex, status);
    if (methodIndex == Metrics.INVITE && status >= 200 && status < 300 && lastStatus < 200 && request != null && initial(request)) {
      m.dialogAnswered();
    }
  }

  private static boolean initial(SipRequest r) {
    try {
      return r.to().tag() == null;
    } catch (SipParseException e) {
      return false;
    }
  }

  void send(Buffer data, int status) {
    Wire w = wire;
    if (w == null) return; // terminated
    w.send(data).onFailure(e -> table.scheduler().execute(() -> {
      // §17.2.4: the response could not be sent; the transaction user learns it through the timers.
      LOG.info("could not send " + status + " response: " + e.getMessage() + " (Call-ID " + callId + ")");
    }));
  }

  void keep(Buffer data, int status) {
    lastResponse = data;
    lastStatus = status;
    if (status >= 200) {
      request = null;
      cancelHandler = null;
    }
  }

  /** The request is dropped unanswered (a route rule's {@code drop}): the transaction leaves the table. */
  public void drop() {
    if (!finalSent()) leave();
  }

  /** Leaves the table, and lets go of what a timer entry would otherwise keep for 64*T1. */
  void leave() {
    wire = null;
    lastResponse = null;
    table.remove(this);
  }
}
