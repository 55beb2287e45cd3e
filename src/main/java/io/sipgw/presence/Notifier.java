package io.sipgw.presence;

import io.sipgw.transport.LocalClient;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * Sends the NOTIFYs of subscriptions (RFC 6665 §4.2.2) through routing: in the subscription's
 * dialog, with the CSeq counted in the store, and ends a subscription whose watcher is gone (481 or
 * 408 to its NOTIFY).
 */
final class Notifier {
  private static final Logger LOG = Logger.getLogger("sipgw.presence");
  private final PresenceStore store;
  private final LocalClient client;
  private final LongSupplier clock;

  Notifier(PresenceStore store, LocalClient client, LongSupplier clock) {
    this.store = store;
    this.client = client;
    this.clock = clock;
  }

  /** {@code host:port} the NOTIFYs are sent by (the Contact of this server's side of each dialog). */
  String sentBy() { return client.sentBy(); }

  /**
   * Sends a NOTIFY in {@code s}'s dialog with the next CSeq (after its last when {@code terminated}:
   * it left the store), the body {@code body} makes of that CSeq ({@code type} null: none) and
   * {@code extra} header lines; {@code gone} gets the subscription when its watcher is gone.
   */
  void send(Subscription s, String terminated, boolean pending, String type, String extra, Function<Long, Future<String>> body,
      Consumer<Subscription> gone) {
    long now = clock.getAsLong();
    Future<Long> counted = terminated == null ? store.nextCseq(s.id()) : Future.succeededFuture(s.cseq() + 1);
    counted.compose(seq -> seq == 0 ? Future.succeededFuture(200) : body.apply(seq).compose(doc -> {
      String state = terminated == null ? (pending ? "pending" : "active") + ";expires=" + Math.max(0, (s.expires() - now + 999) / 1000)
          : "terminated" + (terminated.equals("terminated") ? "" : ";reason=" + terminated);
      String user = s.entity().substring(0, s.entity().lastIndexOf('@'));
      StringBuilder head = new StringBuilder(512).append("NOTIFY ").append(s.target()).append(" SIP/2.0\r\n")
          .append("Via: SIP/2.0/TCP ").append(client.sentBy()).append(";branch=z9hG4bK-").append(client.nextId()).append("\r\n")
          .append("Max-Forwards: 70\r\n");
      for (String r : s.routes()) head.append("Route: ").append(r).append("\r\n");
      head.append("From: <sip:").append(s.entity()).append(">;tag=").append(s.localTag()).append("\r\n")
          .append("To: ").append(s.watcher()).append(";tag=").append(s.remoteTag()).append("\r\n")
          .append("Call-ID: ").append(s.callId()).append("\r\n")
          .append("CSeq: ").append(seq).append(" NOTIFY\r\n")
          .append("Contact: <sip:").append(user).append('@').append(client.sentBy()).append(">\r\n")
          .append("Event: ").append(s.event().equals(PresenceServer.LIST) ? PresenceServer.EVENT : s.event()).append("\r\n")
          .append("Subscription-State: ").append(state).append("\r\n").append(extra);
      if (type == null) return client.send(head.toString(), new byte[0]);
      head.append("Content-Type: ").append(type).append("\r\n");
      return client.send(head.toString(), doc.getBytes(StandardCharsets.UTF_8));
    })).onComplete(ar -> {
      int status = ar.succeeded() ? ar.result() : 500;
      if (status == 481 || status == 408) {
        // RFC 6665 §4.2.2: the watcher is gone; the subscription ends
        LOG.info("subscription of " + s.watcher() + " to " + s.entity() + " ended: its NOTIFY got " + status + " (Call-ID " + s.callId() + ")");
        store.removeSubscription(s.id()).onSuccess(removed -> {
          if (removed) gone.accept(s);
        });
      } else if (status >= 300) {
        LOG.fine(() -> "NOTIFY to " + s.watcher() + " got " + status + " (Call-ID " + s.callId() + ")");
      }
    });
  }
}
