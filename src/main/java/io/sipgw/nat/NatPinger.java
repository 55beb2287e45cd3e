package io.sipgw.nat;

import io.sipgw.config.NatConfig;
import io.sipgw.config.NatConfig.Keepalive;
import io.sipgw.registrar.NodeRestart;
import io.sipgw.registrar.RegistrationListener;
import io.sipgw.sip.SipParseException;
import io.sipgw.sip.SipRequest;
import io.sipgw.sip.SipResponse;
import io.sipgw.sip.Transport;
import io.sipgw.store.Binding;
import io.sipgw.store.BindingChange;
import io.sipgw.store.LocationStore;
import io.sipgw.transport.Flow;
import io.sipgw.transport.Listener;
import io.sipgw.transport.Transports;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Keeps the NAT pinholes of UDP clients open, as Kamailio's nathelper does ({@code natping_interval}
 * with {@code sipping_method} OPTIONS, or a bare CRLF CRLF): a binding is flagged when its REGISTER
 * is saved — UDP, and behind NAT by its Contact or by its top Via (RFC 3581 §4) — and from then on
 * pinged at the address and from the listener the REGISTER came from, once per {@code nat.interval},
 * until it is removed, expires or, with OPTIONS, leaves {@code nat.maxMissed} pings in a row
 * unanswered: then it is removed from the location store. Any response counts as an answer.
 *
 * <p>Its state is owned by its own event loop. The other loops hand it what they see — saved
 * REGISTERs, and the answers to its pings, which arrive on the loop of their Call-ID — through a
 * lock-free queue it drains at every tick; every tick sends at most {@value #MAX_PINGS_PER_TICK}
 * pings, the others go at the next. The list of AORs with pinged bindings is shared so that a
 * REGISTER that concerns none of them costs its loop one set lookup and no hand-over.
 */
public final class NatPinger extends VerticleBase implements RegistrationListener, NodeRestart.Pinger {
  private static final Logger LOG = Logger.getLogger("sipgw.nat");
  static final long TICK_MILLIS = 100;
  static final int MAX_PINGS_PER_TICK = 1000;
  private static final int MAX_EVENTS_PER_TICK = 20_000;

  private record Saved(String aor, List<Binding> bindings, Set<String> renewed, Set<String> natted) { }

  private record Answer(long id, long seq) { }

  private final Transports transports;
  private final LocationStore store;
  private final Supplier<NatConfig> settings;
  private final Map<String, Listener> listeners = new HashMap<>();
  private final Queue<Object> inbox = new ConcurrentLinkedQueue<>();
  /** The AORs with a pinged binding: written by the pinger's loop, and by a loop handling a REGISTER before it hands one over. */
  private final Set<String> tracked = ConcurrentHashMap.newKeySet();
  private final PingTable table = new PingTable(new SplittableRandom());
  private long timer = -1;

  public NatPinger(Transports transports, LocationStore store, Supplier<NatConfig> settings) {
    this.transports = transports;
    this.store = store;
    this.settings = settings;
    for (Listener l : transports.listeners()) listeners.put(l.name(), l);
  }

  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(TICK_MILLIS, id -> tick());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  /** On the loop that handled {@code register}: notes which bindings {@code register} renewed and which of them are to be pinged. */
  @Override
  public void saved(SipRequest register, Flow flow, String aor, List<Binding> bindings, boolean cameOnline) {
    if (settings.get().keepalive() == Keepalive.NONE) return;
    long cseq;
    try {
      cseq = register.cseq().number();
    } catch (SipParseException e) {
      return; // the registrar accepted it, so it parsed
    }
    String callId = register.callId();
    Set<String> natted = Set.of();
    for (Binding b : bindings) {
      if (renewedBy(b, callId, cseq) && NatDetection.needsKeepalive(b)) {
        if (natted.isEmpty()) natted = new HashSet<>();
        natted.add(b.key());
      }
    }
    if (natted.isEmpty() && !tracked.contains(aor)) return; // the common case: nothing to hand over
    Set<String> renewed = new HashSet<>();
    for (Binding b : bindings) if (renewedBy(b, callId, cseq)) renewed.add(b.key());
    if (!natted.isEmpty()) tracked.add(aor);
    inbox.offer(new Saved(aor, bindings, renewed, natted));
  }

  /** Bindings saved through this node before it restarted (read back from a shared store): pinged from now on. */
  @Override
  public void adopt(String aor, List<Binding> bindings, Set<String> keys) {
    if (settings.get().keepalive() == Keepalive.NONE) return;
    tracked.add(aor);
    inbox.offer(new Saved(aor, bindings, keys, keys));
  }

  /** Whether the REGISTER with {@code callId} and {@code cseq} made or refreshed {@code b}. */
  private static boolean renewedBy(Binding b, String callId, long cseq) {
    return b.cseq() == cseq && b.callId().equals(callId);
  }

  /**
   * On a routing loop: whether {@code resp} answers one of our pings. It is then taken (counted as
   * an answer, whatever its status) and must not be forwarded.
   */
  public boolean claim(SipResponse resp) {
    long id = PingRequest.bindingId(resp.callId());
    if (id < 0) return false;
    long seq;
    try {
      seq = resp.cseq().number();
    } catch (SipParseException e) {
      return true;
    }
    inbox.offer(new Answer(id, seq));
    LOG.fine(() -> "keep-alive answered: " + resp.status() + " (Call-ID " + resp.callId() + ")");
    return true;
  }

  private void tick() {
    NatConfig cfg = settings.get();
    if (cfg.keepalive() == Keepalive.NONE) {
      if (table.size() > 0 || !inbox.isEmpty()) {
        table.clear();
        inbox.clear();
        tracked.clear();
      }
      return;
    }
    long now = System.currentTimeMillis();
    long interval = cfg.interval() * 1000L;
    Object event;
    for (int n = 0; n < MAX_EVENTS_PER_TICK && (event = inbox.poll()) != null; n++) {
      if (event instanceof Answer a) {
        table.answered(a.id, a.seq);
      } else if (event instanceof Saved s) {
        table.saved(s.aor, s.bindings, s.renewed, s.natted, now, interval);
        if (table.has(s.aor)) tracked.add(s.aor);
        else tracked.remove(s.aor);
      }
    }
    if (!inbox.isEmpty()) return; // the backlog first: an answer waiting in it is no miss
    for (PingTable.Due d : table.due(now, MAX_PINGS_PER_TICK, interval, cfg.keepalive() == Keepalive.OPTIONS, cfg.maxMissed())) {
      if (d.drop()) remove(d.entry(), cfg.maxMissed());
      else ping(d.entry(), d.seq(), cfg.keepalive());
    }
  }

  private void ping(PingedBinding e, long seq, Keepalive keepalive) {
    Binding b = e.binding;
    Binding.Source src = b.source();
    Listener from = listeners.get(src.listener());
    if (from == null) return;
    // To the address the REGISTER came from, out of the socket it came in on: the pinhole (RFC 5626 §4.4).
    Flow to = new Flow(Transport.UDP, from, src.host(), src.port(), 0);
    Buffer data = keepalive == Keepalive.OPTIONS ? PingRequest.options(b.contact(), e.id, seq, from) : Buffer.buffer(PingRequest.CRLF_CRLF);
    transports.send(to, data).onFailure(x -> LOG.info("keep-alive to " + to + " for " + b.aor() + " not sent: " + x.getMessage()
        + " (Call-ID " + PingRequest.callId(e.id, seq, from) + ")"));
    LOG.fine(() -> "keep-alive " + keepalive + " " + seq + " to " + to + " for " + b.aor() + " (Call-ID " + PingRequest.callId(e.id, seq, from) + ")");
  }

  /** Removes a binding that left {@code missed} pings in a row unanswered, unless a REGISTER renewed it meanwhile. */
  private void remove(PingedBinding e, int missed) {
    Binding b = e.binding;
    if (!table.has(b.aor())) tracked.remove(b.aor());
    Listener from = listeners.get(b.source().listener());
    String callId = from == null ? "-" : PingRequest.callId(e.id, e.sent, from); // the last unanswered ping
    store.update(b.aor(), current -> BindingChange.without(current, b)).onComplete(ar -> {
      if (ar.failed()) {
        LOG.warning("binding " + b.contact() + " of " + b.aor() + " not removed: location store failed: " + ar.cause().getMessage()
            + " (Call-ID " + callId + ")");
      } else if (ar.result()) {
        LOG.info("binding " + b.contact() + " of " + b.aor() + " removed: " + missed + " keep-alive OPTIONS in a row unanswered"
            + " (Call-ID " + callId + ")");
      } else {
        LOG.fine(() -> "binding " + b.contact() + " of " + b.aor() + " was renewed or removed meanwhile (Call-ID " + callId + ")");
      }
    });
  }
}
