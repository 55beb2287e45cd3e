package io.sipgw.im;

import io.sipgw.config.ImConfig;
import io.sipgw.registrar.RegistrationListener;
import io.sipgw.sip.SipRequest;
import io.sipgw.store.Binding;
import io.sipgw.store.LocationStore;
import io.sipgw.transport.Dispatcher;
import io.sipgw.transport.Flow;
import io.sipgw.transport.LocalClient;
import io.sipgw.transport.Transports;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Delivers the messages kept for a user when the user registers, as msilo's m_dump does: shortly
 * after the REGISTER's 200 OK, each waiting MESSAGE is sent to the user's AOR through routing (so it
 * reaches every binding, over any transport, a browser's WebSocket included), one at a time in the
 * order they came, with their original From and Date. A message is removed only when its delivery
 * gets a 2xx; at the first that does not, delivery stops and the rest wait for the next registration.
 * Expired messages are swept every {@value #SWEEP_MILLIS} ms. With {@code im.noticeDelivered} /
 * {@code im.noticeExpired} the sender gets a MESSAGE saying so.
 *
 * <p>Its requests enter routing on an internal flow of this node ({@link Transports#internalFlow}),
 * which routing never challenges and never stores again; their responses come back on it. State is
 * owned by this verticle's event loop; a REGISTER's loop hands it an AOR only when messages may wait.
 */
public final class MessageDelivery extends VerticleBase implements RegistrationListener {
  private static final Logger LOG = Logger.getLogger("sipgw.im");
  /** After the registration, so that its 200 OK leaves first. */
  static final long DELAY_MILLIS = 200;
  static final long SWEEP_MILLIS = 10_000;
  private static final int SWEEP_BATCH = 1000;
  /** Longer than a delivery of many messages may take; a node that dies holding it frees it then. */
  static final long CLAIM_MILLIS = 2 * 60_000;

  private final Transports transports;
  private final Dispatcher dispatcher;
  private final MessageStore store;
  private final LocationStore location;
  private final Supplier<ImConfig> settings;
  private final LongSupplier clock;
  private final Set<String> delivering = new HashSet<>();
  private Context context;
  private LocalClient client;
  private long sweepTimer = -1;

  public MessageDelivery(Transports transports, Dispatcher dispatcher, MessageStore store, LocationStore location,
      Supplier<ImConfig> settings, LongSupplier clock) {
    this.transports = transports;
    this.dispatcher = dispatcher;
    this.store = store;
    this.location = location;
    this.settings = settings;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    context = vertx.getOrCreateContext();
    client = new LocalClient(vertx, transports, dispatcher, "im");
    sweepTimer = vertx.setPeriodic(SWEEP_MILLIS, id -> sweep());
    // a message another node kept for a user who is online by now (who registered there or here
    // before this node learned of the message) goes at once, not at the user's next REGISTER
    store.onStoredElsewhere(aor -> context.runOnContext(v -> location.lookup(aor).onSuccess(r -> {
      if (!r.bindings().isEmpty()) schedule(aor);
    })));
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(sweepTimer);
    return Future.succeededFuture();
  }

  /**
   * On the loop of a REGISTER: a user with a binding gets what waits for it — at once when the
   * REGISTER brought it online, else (a refresh) what a delivery that failed before left. Messages
   * are kept only for users with no reachable binding, and {@link MessageStore#mayHave} answers
   * without asking anyone, so a REGISTER of a user with nothing waiting costs a set lookup.
   */
  @Override
  public void saved(SipRequest register, Flow from, String aor, List<Binding> bindings, boolean cameOnline) {
    if (bindings.isEmpty() || context == null || !store.mayHave(aor)) return;
    context.runOnContext(v -> schedule(aor));
  }

  /**
   * On this verticle's loop: a delivery to {@code aor} shortly, unless one is on its way; one node
   * at a time delivers to a user (the claim), so the order holds.
   */
  private void schedule(String aor) {
    if (!delivering.add(aor)) return;
    vertx.setTimer(DELAY_MILLIS, id -> store.claimDelivery(aor, CLAIM_MILLIS)
        .compose(claimed -> claimed ? deliver(aor).andThen(x -> store.releaseDelivery(aor)) : Future.succeededFuture())
        .onComplete(x -> delivering.remove(aor)));
  }

  private Future<Void> deliver(String aor) {
    return store.waiting(aor, clock.getAsLong())
        .compose(waiting -> {
          if (waiting.isEmpty()) store.nothingWaits(aor);
          return deliverFrom(aor, waiting, 0);
        })
        .recover(e -> {
          LOG.fine(() -> "messages for " + aor + " not delivered now: " + e.getMessage());
          return Future.succeededFuture();
        });
  }

  private Future<Void> deliverFrom(String aor, List<StoredMessage> waiting, int i) {
    if (i == waiting.size()) {
      // one more look: what was stored meanwhile goes too, and a look that finds nothing ends it
      return i > 0 ? deliver(aor) : Future.succeededFuture();
    }
    StoredMessage m = waiting.get(i);
    return send("sip:" + aor, m.from(), m.date(), m.contentType(), m.body()).compose(status -> {
      if (status / 100 != 2) {
        LOG.info("stored MESSAGE for " + aor + " not delivered (" + status + "): it and " + (waiting.size() - i - 1)
            + " more wait for the next registration");
        return Future.succeededFuture();
      }
      LOG.fine(() -> "stored MESSAGE for " + aor + " delivered (" + status + ")");
      if (settings.get().noticeDelivered()) notice(m, "was delivered");
      return store.remove(aor, m.id()).compose(x -> deliverFrom(aor, waiting, i + 1));
    });
  }

  private void sweep() {
    store.expire(clock.getAsLong(), SWEEP_BATCH).onSuccess(expired -> {
      for (StoredMessage m : expired) {
        LOG.fine(() -> "stored MESSAGE for " + m.aor() + " expired undelivered");
        if (settings.get().noticeExpired()) notice(m, "could not be delivered: it expired");
      }
    });
  }

  /** A MESSAGE to the sender of {@code m} about it, from {@code messages@} the recipient's domain. */
  private void notice(StoredMessage m, String what) {
    String sender = uriOf(m.from());
    String notifier = "sip:messages@" + m.aor().substring(m.aor().lastIndexOf('@') + 1);
    if (sender == null || sender.equals(notifier)) return; // never a notice about a notice
    String text = "Your message to sip:" + m.aor() + " of " + m.date() + " " + what + ".";
    send(sender, "<" + notifier + ">", OfflineMessages.SIP_DATE.format(java.time.Instant.ofEpochMilli(clock.getAsLong())),
        "text/plain;charset=UTF-8", text.getBytes(StandardCharsets.UTF_8))
        .onComplete(ar -> LOG.fine(() -> "notice to " + sender + ": " + (ar.succeeded() ? ar.result() : ar.cause().getMessage())));
  }

  private static String uriOf(String nameAddr) {
    int lt = nameAddr.lastIndexOf('<');
    int gt = nameAddr.lastIndexOf('>');
    return lt >= 0 && gt > lt ? nameAddr.substring(lt + 1, gt) : null;
  }

  /** Sends a MESSAGE through routing; the final status it gets (408 when none comes). */
  private Future<Integer> send(String to, String from, String date, String contentType, byte[] body) {
    String id = client.nextId();
    StringBuilder head = new StringBuilder(512)
        .append("MESSAGE ").append(to).append(" SIP/2.0\r\n")
        .append("Via: SIP/2.0/TCP ").append(client.sentBy()).append(";branch=z9hG4bK-").append(id).append("\r\n")
        .append("Max-Forwards: 70\r\n")
        .append("From: ").append(from).append(";tag=").append(id).append("\r\n")
        .append("To: <").append(to).append(">\r\n")
        .append("Call-ID: ").append(id).append('@').append(client.host()).append("\r\n")
        .append("CSeq: 1 MESSAGE\r\n")
        .append("Date: ").append(date).append("\r\n");
    if (contentType != null) head.append("Content-Type: ").append(contentType).append("\r\n");
    return client.send(head.toString(), body);
  }
}
