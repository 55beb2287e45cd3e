package io.sipgw.presence;

import io.sipgw.config.PresenceConfig;
import io.sipgw.proxy.PresenceService;
import io.sipgw.registrar.RegistrationListener;
import io.sipgw.sip.HeaderField;
import io.sipgw.sip.HeaderName;
import io.sipgw.sip.Hosts;
import io.sipgw.sip.Methods;
import io.sipgw.sip.NameAddr;
import io.sipgw.sip.ResponseBuilder;
import io.sipgw.sip.SipParseException;
import io.sipgw.sip.SipRequest;
import io.sipgw.sip.SipUri;
import io.sipgw.store.Binding;
import io.sipgw.transport.Dispatcher;
import io.sipgw.transport.Flow;
import io.sipgw.transport.LocalClient;
import io.sipgw.transport.Transports;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.logging.Logger;
import org.w3c.dom.Document;

/**
 * The presence server (RFC 3856) as Kamailio's presence and presence_xml modules: the event state
 * compositor of RFC 3903 for the {@code presence} event of local users (PUBLISH with entity-tags:
 * create, refresh, modify, remove; 412 for an unknown SIP-If-Match, 423 below
 * {@code presence.minExpires}, 489 for another event package), the notifier of RFC 6665 (a SUBSCRIBE
 * gets 200 and at once a NOTIFY with the presentity's document; every change of it a NOTIFY; an
 * unsubscribe or an expiry a terminated NOTIFY), and presence from registrations as pua_usrloc: a user
 * with a binding has an {@code open} tuple, one whose last binding went a {@code closed} one.
 *
 * <p>Its state is in a {@link PresenceStore}; its logic runs on this verticle's event loop, which
 * routing hands each request to; NOTIFYs go through routing ({@link LocalClient}), to the watcher's
 * Contact along the SUBSCRIBE's Record-Route, or along a route to the very flow the SUBSCRIBE came on.
 */
public final class PresenceServer extends VerticleBase implements PresenceService, RegistrationListener {
  private static final Logger LOG = Logger.getLogger("sipgw.presence");
  static final String EVENT = "presence";
  /** The entity-tag of the publication that presence from registrations makes. */
  static final String USRLOC_ETAG = "usrloc";
  static final long SWEEP_MILLIS = 1000;

  private final Transports transports;
  private final Dispatcher dispatcher;
  private final PresenceStore store;
  private final Supplier<PresenceConfig> settings;
  private final LongSupplier clock;
  private final String node = Long.toHexString(new SecureRandom().nextLong() >>> 16);
  private long sequence;
  private Context context;
  private LocalClient client;
  private long sweepTimer = -1;

  public PresenceServer(Transports transports, Dispatcher dispatcher, PresenceStore store, Supplier<PresenceConfig> settings,
      LongSupplier clock) {
    this.transports = transports;
    this.dispatcher = dispatcher;
    this.store = store;
    this.settings = settings;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    context = vertx.getOrCreateContext();
    client = new LocalClient(vertx, transports, dispatcher, "ps");
    sweepTimer = vertx.setPeriodic(SWEEP_MILLIS, id -> sweep());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(sweepTimer);
    return Future.succeededFuture();
  }

  @Override
  public boolean takes(SipRequest req) {
    if (!settings.get().enabled() || context == null) return false;
    if (req.isMethod(Methods.PUBLISH)) return true; // this server is the compositor of every local user's state
    return req.isMethod(Methods.SUBSCRIBE) && EVENT.equals(eventPackage(req));
  }

  /** The event package of the Event header, without its parameters, in lower case; null when absent. */
  static String eventPackage(SipRequest req) {
    String e = req.header(HeaderName.EVENT);
    if (e == null) return null;
    int semi = e.indexOf(';');
    return (semi < 0 ? e : e.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
  }

  @Override
  public Future<Buffer> answer(SipRequest req, Flow flow, String aor) {
    Promise<Buffer> answer = Promise.promise();
    // over a connection, the NOTIFYs go back down it (a flow token only this node turns into it)
    String nodeRoute = flow.connectionId() != 0 ? transports.nodeRoute(flow) : null;
    context.runOnContext(v -> {
      try {
        (req.isMethod(Methods.PUBLISH) ? publish(req, aor) : subscribe(req, aor, flow, nodeRoute)).onComplete(answer);
      } catch (SipParseException e) {
        answer.complete(ResponseBuilder.of(req, 400, "Bad Request (" + e.reason() + ")").toBuffer());
      }
    });
    return answer.future();
  }

  /** The Expires asked for, within the limits, or a 423; {@code -1} when the request had none. */
  private long expiresOf(SipRequest req) throws SipParseException {
    PresenceConfig cfg = settings.get();
    long asked = req.expires();
    if (asked < 0) return cfg.defaultExpires();
    return asked == 0 ? 0 : Math.min(asked, cfg.maxExpires());
  }

  private Buffer tooBrief(SipRequest req) {
    return ResponseBuilder.of(req, 423).header(HeaderName.MIN_EXPIRES, Integer.toString(settings.get().minExpires())).toBuffer();
  }

  // ---- PUBLISH (RFC 3903 §6)

  private Future<Buffer> publish(SipRequest req, String entity) throws SipParseException {
    String pkg = eventPackage(req);
    if (!EVENT.equals(pkg)) {
      return Future.succeededFuture(ResponseBuilder.of(req, 489).header(HeaderName.ALLOW_EVENTS, EVENT).toBuffer());
    }
    long expires = expiresOf(req);
    if (expires > 0 && expires < settings.get().minExpires()) return Future.succeededFuture(tooBrief(req));
    String ifMatch = req.header("SIP-If-Match");
    boolean hasBody = req.bodyLength() > 0;
    if (hasBody) {
      String type = req.header(HeaderName.CONTENT_TYPE);
      if (type == null || !type.toLowerCase(Locale.ROOT).startsWith(Pidf.CONTENT_TYPE)) {
        return Future.succeededFuture(ResponseBuilder.of(req, 415).header(HeaderName.ACCEPT, Pidf.CONTENT_TYPE).toBuffer());
      }
      try {
        Pidf.parse(req.body());
      } catch (Pidf.NotPidf e) {
        return Future.succeededFuture(ResponseBuilder.of(req, 400, "Bad Request (" + e.getMessage() + ")").toBuffer());
      }
    }
    long now = clock.getAsLong();
    if (ifMatch == null) {
      if (!hasBody) return Future.succeededFuture(ResponseBuilder.of(req, 400, "Bad Request (an initial PUBLISH needs a body)").toBuffer());
      if (expires == 0) return Future.succeededFuture(published(req, null, 0));
      Publication p = new Publication(entity, newEtag(), now + expires * 1000, now, req.body());
      return store.put(p, null).compose(x -> changed(entity)).map(x -> published(req, p.etag(), expires));
    }
    String etag = ifMatch.trim();
    return store.publication(entity, etag, now).compose(old -> {
      if (old == null) return Future.succeededFuture(ResponseBuilder.of(req, 412).toBuffer());
      if (expires == 0) {
        return store.removePublication(entity, etag).compose(x -> changed(entity)).map(x -> published(req, etag, 0));
      }
      Publication p = old.with(newEtag(), now + expires * 1000, hasBody ? req.body() : null);
      Future<Void> stored = store.put(p, etag);
      // a refresh changes nothing watchers see; a modification does
      return (hasBody ? stored.compose(x -> changed(entity)) : stored).map(x -> published(req, p.etag(), expires));
    });
  }

  private static Buffer published(SipRequest req, String etag, long expires) {
    ResponseBuilder rb = ResponseBuilder.of(req, 200).header(HeaderName.EXPIRES, Long.toString(expires));
    if (etag != null) rb.header("SIP-ETag", etag);
    return rb.toBuffer();
  }

  private String newEtag() { return node + "." + Long.toString(++sequence, 36); }

  // ---- SUBSCRIBE (RFC 6665 §4.2, RFC 3856)

  private Future<Buffer> subscribe(SipRequest req, String entity, Flow flow, String nodeRoute) throws SipParseException {
    long expires = expiresOf(req);
    if (expires > 0 && expires < settings.get().minExpires()) return Future.succeededFuture(tooBrief(req));
    NameAddr from = req.from();
    String toTag = req.to().tag();
    long now = clock.getAsLong();
    if (toTag != null) {
      String id = req.callId() + ";" + from.tag();
      return store.subscription(id, now).compose(s -> {
        if (s == null || !s.localTag().equals(toTag)) {
          return Future.succeededFuture(ResponseBuilder.of(req, 481, "Subscription Does Not Exist").toBuffer());
        }
        return accept(req, s.withExpires(now + expires * 1000), expires);
      });
    }
    List<NameAddr> contacts = req.addresses(HeaderName.CONTACT);
    if (contacts.size() != 1) return Future.succeededFuture(ResponseBuilder.of(req, 400, "Bad Request (one Contact needed)").toBuffer());
    List<String> routes = new ArrayList<>();
    for (HeaderField rr : req.fields(HeaderName.RECORD_ROUTE)) {
      for (NameAddr r : NameAddr.parseList(rr.value(), "Record-Route")) routes.add(r.toString());
    }
    if (routes.isEmpty() && nodeRoute != null) routes.add(nodeRoute); // straight back down the SUBSCRIBE's own flow
    SipUri target = contacts.get(0).uri();
    if (routes.isEmpty() && flow.connectionId() == 0 && !(Hosts.bare(target.host()).equals(flow.remoteHost()) && target.port() == flow.remotePort())) {
      // a UDP watcher behind NAT is reached where its SUBSCRIBE came from (as nathelper's fix_nated_contact)
      target = target.withHostPort(Hosts.forUri(flow.remoteHost()), flow.remotePort());
    }
    String watcher = (from.displayName() == null ? "" : "\"" + from.displayName().replace("\"", "\\\"") + "\" ") + "<" + from.uri() + ">";
    Subscription s = new Subscription(req.callId() + ";" + from.tag(), entity, req.callId(), watcher, from.tag(), "ps" + newEtag(),
        target.toString(), routes, 0, now + expires * 1000);
    return accept(req, s, expires);
  }

  /** 200 for the SUBSCRIBE, and at once a NOTIFY with the current state (terminated for Expires: 0). */
  private Future<Buffer> accept(SipRequest req, Subscription s, long expires) {
    Buffer ok = ResponseBuilder.of(req, 200).toTag(s.localTag()).header(HeaderName.EXPIRES, Long.toString(expires))
        .header(HeaderName.CONTACT, "<sip:" + s.entity().substring(0, s.entity().lastIndexOf('@')) + "@" + client.sentBy() + ">").toBuffer();
    Future<Void> kept = expires == 0 ? store.removeSubscription(s.id()).mapEmpty() : store.put(s);
    return kept.map(x -> {
      // after the 200 has left: the NOTIFY goes through routing, on this loop, after this answer
      vertx.setTimer(1, id -> notify(s, expires == 0 ? "terminated" : null));
      return ok;
    });
  }

  /** The presentity's document changed: every watcher is told. */
  private Future<Void> changed(String entity) {
    return store.watchers(entity, clock.getAsLong()).map(watchers -> {
      for (Subscription s : watchers) notify(s, null);
      return null;
    });
  }

  /** A NOTIFY with the presentity's document; {@code terminated}: the reason the subscription ended (null: active). */
  private void notify(Subscription s, String terminated) {
    long now = clock.getAsLong();
    // a subscription that ended was taken out of the store with its last count
    Future<Long> counted = terminated == null ? store.nextCseq(s.id()) : Future.succeededFuture(s.cseq() + 1);
    counted.compose(seq -> seq == 0 ? Future.succeededFuture(200) : document(s.entity(), now).compose(doc -> {
      String state = terminated == null ? "active;expires=" + Math.max(0, (s.expires() - now + 999) / 1000)
          : "terminated" + (terminated.equals("terminated") ? "" : ";reason=" + terminated);
      StringBuilder head = new StringBuilder(512).append("NOTIFY ").append(s.target()).append(" SIP/2.0\r\n")
          .append("Via: SIP/2.0/TCP ").append(client.sentBy()).append(";branch=z9hG4bK-").append(client.nextId()).append("\r\n")
          .append("Max-Forwards: 70\r\n");
      for (String r : s.routes()) head.append("Route: ").append(r).append("\r\n");
      head.append("From: <sip:").append(s.entity()).append(">;tag=").append(s.localTag()).append("\r\n")
          .append("To: ").append(s.watcher()).append(";tag=").append(s.remoteTag()).append("\r\n")
          .append("Call-ID: ").append(s.callId()).append("\r\n")
          .append("CSeq: ").append(seq).append(" NOTIFY\r\n")
          .append("Contact: <sip:").append(s.entity(), 0, s.entity().lastIndexOf('@')).append('@').append(client.sentBy()).append(">\r\n")
          .append("Event: ").append(EVENT).append("\r\n")
          .append("Subscription-State: ").append(state).append("\r\n")
          .append("Content-Type: ").append(Pidf.CONTENT_TYPE).append("\r\n");
      return client.send(head.toString(), doc.getBytes(StandardCharsets.UTF_8));
    })).onComplete(ar -> {
      int status = ar.succeeded() ? ar.result() : 500;
      if (status == 481 || status == 408) {
        // RFC 6665 §4.2.2: the watcher is gone; the subscription ends
        LOG.info("subscription of " + s.watcher() + " to " + s.entity() + " ended: its NOTIFY got " + status + " (Call-ID " + s.callId() + ")");
        store.removeSubscription(s.id());
      } else if (status >= 300) {
        LOG.fine(() -> "NOTIFY to " + s.watcher() + " got " + status + " (Call-ID " + s.callId() + ")");
      }
    });
  }

  /** The presentity's document, composed from its live publications. */
  private Future<String> document(String entity, long now) {
    return store.publications(entity, now).map(pubs -> {
      List<Document> parts = new ArrayList<>();
      for (Publication p : pubs) {
        try {
          parts.add(Pidf.parse(p.body()));
        } catch (Pidf.NotPidf e) {
          // checked when it was published: not reached
        }
      }
      return Pidf.compose("sip:" + entity, parts);
    });
  }

  private void sweep() {
    long now = clock.getAsLong();
    store.expiredSubscriptions(now).onSuccess(ended -> {
      for (Subscription s : ended) notify(s, "timeout");
    });
    store.expiredPublications(now).onSuccess(entities -> {
      for (String e : entities) changed(e);
    });
  }

  // ---- presence from registrations (pua_usrloc)

  /** On the loop of a REGISTER: a user who came online is open, one whose last binding went is closed. */
  @Override
  public void saved(SipRequest register, Flow flow, String aor, List<Binding> bindings, boolean cameOnline) {
    if (context == null || !settings.get().enabled() || !(cameOnline || bindings.isEmpty())) return;
    boolean open = !bindings.isEmpty();
    context.runOnContext(v -> {
      long now = clock.getAsLong();
      byte[] doc = Pidf.basic("sip:" + aor, USRLOC_ETAG, open, null).getBytes(StandardCharsets.UTF_8);
      // kept until replaced: the registrations, not an Expires, say when it changes
      store.put(new Publication(aor, USRLOC_ETAG, Long.MAX_VALUE, 0, doc), USRLOC_ETAG).compose(x -> changed(aor));
    });
  }
}
