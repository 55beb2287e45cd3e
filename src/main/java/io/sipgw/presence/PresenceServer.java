package io.sipgw.presence;

import io.sipgw.config.PresenceConfig;
import io.sipgw.proxy.DialogEvents;
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
import io.sipgw.store.LocationStore;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.logging.Logger;

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
public final class PresenceServer extends VerticleBase implements PresenceService, RegistrationListener, DialogEvents {
  private static final Logger LOG = Logger.getLogger("sipgw.presence");
  static final String EVENT = "presence";
  /** RFC 3857: who watches a presentity, for the presentity itself. */
  static final String WINFO = "presence.winfo";
  /** RFC 4235: the INVITE dialogs of a user, for busy lamps. */
  static final String DIALOG = "dialog";
  /** A dialog that never ends (a lost BYE) leaves the document after this long. */
  static final long DIALOG_MILLIS = 12 * 3600_000L;
  /** A subscription to a resource list (RFC 4662), its Event header {@code presence}. */
  static final String LIST = "eventlist";
  /** One member of a resource list's subscription: its id the list's, {@code |}, the member. */
  static final String MEMBER = "eventlist-member";
  static final long SWEEP_MILLIS = 1000;
  /** After a binding's end, how long before its presentity's document is made again (the store sees it gone). */
  static final long EXPIRY_SLACK_MILLIS = 250;

  private final Transports transports;
  private final Dispatcher dispatcher;
  private final PresenceStore store;
  private final LocationStore location;
  private final Supplier<PresenceConfig> settings;
  private final LongSupplier clock;
  private final UserDocuments documents;
  private final Function<String, String> localAor;
  private final String node = Long.toHexString(new SecureRandom().nextLong() >>> 16);
  private long sequence;
  private Context context;
  private Notifier notifier;
  private Presentities presentities;
  private ListServer lists;
  private long sweepTimer = -1;
  /** Per user, the change of its dialogs under way, which the next one waits for (on this verticle's loop). */
  private final Map<String, Future<Void>> dialogChanges = new HashMap<>();
  /** Per watched presentity with bindings, the timer of {@link #lookAgainWhenExpired}; touched on this verticle's loop only. */
  private final Map<String, Long> expiryTimers = new HashMap<>();

  public PresenceServer(Transports transports, Dispatcher dispatcher, PresenceStore store, LocationStore location,
      Supplier<PresenceConfig> settings, LongSupplier clock, UserDocuments documents, Function<String, String> localAor) {
    this.transports = transports;
    this.dispatcher = dispatcher;
    this.store = store;
    this.location = location;
    this.settings = settings;
    this.clock = clock;
    this.documents = documents;
    this.localAor = localAor;
  }

  @Override
  public Future<?> start() {
    context = vertx.getOrCreateContext();
    notifier = new Notifier(store, new LocalClient(vertx, transports, dispatcher, "ps"), clock);
    presentities = new Presentities(store, location, documents, settings, this::lookAgainWhenExpired);
    lists = new ListServer(store, documents, localAor, presentities, notifier, clock, this::ended);
    sweepTimer = vertx.setPeriodic(SWEEP_MILLIS, id -> sweep());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(sweepTimer);
    expiryTimers.values().forEach(vertx::cancelTimer);
    return Future.succeededFuture();
  }

  @Override
  public boolean takes(SipRequest req) {
    if (!settings.get().enabled() || context == null) return false;
    if (req.isMethod(Methods.PUBLISH)) return true; // this server is the compositor of every local user's state
    String pkg = req.isMethod(Methods.SUBSCRIBE) ? eventPackage(req) : null;
    return EVENT.equals(pkg) || WINFO.equals(pkg) || DIALOG.equals(pkg) && settings.get().dialogInfo();
  }

  /** The event package of the Event header, without its parameters, in lower case; null when absent. */
  static String eventPackage(SipRequest req) {
    String e = req.header(HeaderName.EVENT);
    if (e == null) return null;
    int semi = e.indexOf(';');
    return (semi < 0 ? e : e.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
  }

  @Override
  public Future<Buffer> answer(SipRequest req, Flow flow, String aor, String fromAor) {
    Promise<Buffer> answer = Promise.promise();
    // over a connection, the NOTIFYs go back down it (a flow token only this node turns into it)
    String nodeRoute = flow.connectionId() != 0 ? transports.nodeRoute(flow) : null;
    context.runOnContext(v -> {
      try {
        (req.isMethod(Methods.PUBLISH) ? publish(req, aor) : subscribe(req, aor, fromAor, flow, nodeRoute)).onComplete(answer);
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
      Publication p = old.with(newEtag(), now + expires * 1000, hasBody ? req.body() : null, now);
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

  private Future<Buffer> subscribe(SipRequest req, String entity, String fromAor, Flow flow, String nodeRoute) throws SipParseException {
    long expires = expiresOf(req);
    if (expires > 0 && expires < settings.get().minExpires()) return Future.succeededFuture(tooBrief(req));
    NameAddr from = req.from();
    String toTag = req.to().tag();
    long now = clock.getAsLong();
    String event = eventPackage(req);
    if (event.equals(WINFO) && !entity.equals(fromAor)) {
      // RFC 3857 §5.2: who watches a user is that user's business alone (user and domain: a namesake elsewhere is not the user)
      return Future.succeededFuture(ResponseBuilder.of(req, 403, "Forbidden (only the presentity may watch its watchers)").toBuffer());
    }
    if (toTag == null && event.equals(EVENT)) {
      return documents.listMembers(entity).compose(members -> {
        try {
          return members != null ? listSubscribe(req, entity, flow, nodeRoute, expires, now) : watch(req, entity, flow, nodeRoute, expires, now);
        } catch (SipParseException e) {
          return Future.succeededFuture(ResponseBuilder.of(req, 400, "Bad Request (" + e.reason() + ")").toBuffer());
        }
      });
    }
    return subscribed(req, entity, flow, nodeRoute, expires, now, event);
  }

  /** A new subscription to a user's presence, if the user's rules let the watcher in. */
  private Future<Buffer> watch(SipRequest req, String entity, Flow flow, String nodeRoute, long expires, long now) throws SipParseException {
    String watcher = req.from().uri().toString();
    return presentities.rules(entity).compose(r -> {
      if (presentities.handling(r, entity, watcher, now).equals("block")) {
        return Future.succeededFuture(ResponseBuilder.of(req, 403, "Forbidden (the presentity takes no such watcher)").toBuffer());
      }
      try {
        return subscribed(req, entity, flow, nodeRoute, expires, now, EVENT);
      } catch (SipParseException e) {
        return Future.succeededFuture(ResponseBuilder.of(req, 400, "Bad Request (" + e.reason() + ")").toBuffer());
      }
    });
  }

  /**
   * A SUBSCRIBE to a resource-list service (RFC 4662 §5): it must support {@code eventlist} (421
   * otherwise, §5.1); the list's members are watched with the subscriber's identity, each as that
   * member's rules say (§6).
   */
  private Future<Buffer> listSubscribe(SipRequest req, String entity, Flow flow, String nodeRoute, long expires, long now)
      throws SipParseException {
    if (!ListServer.supports(req, "eventlist")) {
      return Future.succeededFuture(ResponseBuilder.of(req, 421, "Extension Required (eventlist)").header(HeaderName.REQUIRE, "eventlist").toBuffer());
    }
    return subscribed(req, entity, flow, nodeRoute, expires, now, LIST);
  }

  /** A SUBSCRIBE this server takes: a refresh of a subscription it has, or a new one. */
  private Future<Buffer> subscribed(SipRequest req, String entity, Flow flow, String nodeRoute, long expires, long now, String event)
      throws SipParseException {
    NameAddr from = req.from();
    String toTag = req.to().tag();
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
    Subscription s = new Subscription(req.callId() + ";" + from.tag(), event, entity, req.callId(), watcher, from.tag(), "ps" + newEtag(),
        target.toString(), routes, 0, now + expires * 1000);
    return accept(req, s, expires);
  }

  /** 200 for the SUBSCRIBE, and at once a NOTIFY with the current state (terminated for Expires: 0). */
  private Future<Buffer> accept(SipRequest req, Subscription s, long expires) {
    ResponseBuilder rb = ResponseBuilder.of(req, 200).toTag(s.localTag()).header(HeaderName.EXPIRES, Long.toString(expires))
        .header(HeaderName.CONTACT, "<sip:" + s.entity().substring(0, s.entity().lastIndexOf('@')) + "@" + notifier.sentBy() + ">");
    if (s.event().equals(LIST)) rb.header(HeaderName.REQUIRE, "eventlist"); // RFC 4662 §5.2
    Buffer ok = rb.toBuffer();
    boolean fresh = s.cseq() == 0;
    Future<Void> kept = expires == 0 ? store.removeSubscription(s.id()).mapEmpty() : store.put(s);
    if (s.event().equals(LIST)) kept = kept.compose(x -> lists.members(s, expires == 0));
    return kept.map(x -> {
      // after the 200 has left: the NOTIFY goes through routing, on this loop, after this answer
      vertx.setTimer(1, id -> {
        notify(s, expires == 0 ? "terminated" : null);
        // a watcher came or went: who watches the presentity changed
        if (s.event().equals(EVENT) && (fresh || expires == 0)) changed(s.entity(), WINFO);
      });
      return ok;
    });
  }

  /** The presentity's document changed: every watcher is told (a pending one nothing: RFC 6665 §4.2.2 gives it no state to see change). */
  private Future<Void> changed(String entity) { return changed(entity, EVENT, false); }

  private Future<Void> changed(String entity, String event) { return changed(entity, event, true); }

  /**
   * What subscribers of {@code event} to {@code entity} see changed: each is told. The presentity's
   * document is composed once for all of them.
   */
  private Future<Void> changed(String entity, String event, boolean pendingToo) {
    long now = clock.getAsLong();
    return store.watchers(entity, now).compose(watchers -> {
      if (event.equals(EVENT)) {
        // the lists the presentity is in: each told of this member alone (RFC 4662 §5.3, partial state)
        for (Subscription m : watchers) if (m.event().equals(MEMBER)) lists.memberChanged(m, now);
      }
      List<Subscription> told = watchers.stream().filter(s -> s.event().equals(event)).toList();
      if (told.isEmpty()) return Future.succeededFuture();
      Future<String> doc = event.equals(EVENT) ? presentities.document(entity, now) : null;
      Future<PresRules> rules = event.equals(EVENT) ? presentities.rules(entity) : null;
      // the user's dialogs as this change left them, read before the next change (or an ended call's removal) is stored
      Future<List<Publication>> dialogs = event.equals(DIALOG) ? store.publications(DialogInfo.key(entity), now) : null;
      Future<?> ready = doc != null ? Future.all(doc, rules) : dialogs != null ? dialogs : Future.succeededFuture();
      return ready.map(x -> {
        for (Subscription s : told) {
          Future<String> shown = dialogs == null ? doc : Future.succeededFuture(DialogInfo.full("sip:" + entity, dialogs.result(), s.cseq()));
          if (pendingToo || rules == null || !presentities.handling(rules.result(), entity, s.watcher(), now).equals("confirm")) {
            notify(s, null, shown, rules);
          }
        }
        return null;
      });
    });
  }

  /** A subscription ended without an unsubscribe (expired, or its NOTIFY failed). */
  private void ended(Subscription s) {
    if (s.event().equals(EVENT)) changed(s.entity(), WINFO);
  }

  /** A NOTIFY with the presentity's document; {@code terminated}: the reason the subscription ended (null: active). */
  private void notify(Subscription s, String terminated) { notify(s, terminated, null, null); }

  /** As {@link #notify(Subscription, String)}, with the document (presence or dialog-info) and the presentity's rules when they are read already. */
  private void notify(Subscription s, String terminated, Future<String> presenceDocument, Future<PresRules> rulesRead) {
    if (s.event().equals(LIST)) {
      lists.notify(s, terminated, null);
      return;
    }
    long now = clock.getAsLong();
    boolean presence = s.event().equals(EVENT);
    Future<PresRules> rules = !presence ? Future.succeededFuture(PresRules.NONE) : rulesRead != null ? rulesRead : presentities.rules(s.entity());
    rules.onSuccess(r -> {
      String handling = presence ? presentities.handling(r, s.entity(), s.watcher(), now) : "allow";
      if (terminated == null && handling.equals("block")) {
        // RFC 6665 §4.2.2: the presentity's rules now refuse this watcher
        store.removeSubscription(s.id()).onSuccess(removed -> {
          if (!removed) return;
          LOG.info("subscription of " + s.watcher() + " to " + s.entity() + " ended: the presentity's rules block it (Call-ID " + s.callId() + ")");
          send(s, "rejected", presenceDocument, handling);
          ended(s);
        });
      } else {
        send(s, terminated, presenceDocument, handling);
      }
    });
  }

  /** Sends the NOTIFY of {@link #notify(Subscription, String)}, the watcher's sub-handling decided. */
  private void send(Subscription s, String terminated, Future<String> presenceDocument, String handling) {
    long now = clock.getAsLong();
    // RFC 6665 §4.2.2: a pending subscription is told nothing of the state, a rejected one nothing either
    boolean silent = handling.equals("confirm") || handling.equals("block");
    String shown = handling.equals("polite-block") ? Pidf.basic("sip:" + s.entity(), "blocked", false, null) : null; // RFC 5025 §3.2.1: as if offline
    notifier.send(s, terminated, handling.equals("confirm"), silent ? null : contentType(s.event()), "",
        seq -> silent ? Future.succeededFuture("") : shown != null ? Future.succeededFuture(shown)
            : presenceDocument != null ? presenceDocument
            : s.event().equals(WINFO) ? watcherInfo(s, now) : s.event().equals(DIALOG) ? dialogInfo(s, now) : presentities.document(s.entity(), now),
        this::ended);
  }

  /**
   * Who watches {@code winfo}'s presentity (RFC 3858), full state each time, its version counted by
   * the NOTIFYs of that subscription.
   */
  private Future<String> watcherInfo(Subscription winfo, long now) {
    return Future.all(store.watchers(winfo.entity(), now), presentities.rules(winfo.entity())).map(both -> {
      List<Subscription> all = both.resultAt(0);
      PresRules rules = both.resultAt(1);
      List<Subscription> shown = new ArrayList<>();
      List<String> status = new ArrayList<>();
      for (Subscription w : all) {
        if (!w.event().equals(EVENT)) continue;
        String h = presentities.handling(rules, w.entity(), w.watcher(), now);
        if (h.equals("block")) continue; // on its way out (RFC 3857 §3.4: terminated)
        shown.add(w);
        status.add(h.equals("confirm") ? "pending" : "active");
      }
      return WatcherInfo.full("sip:" + winfo.entity(), EVENT, shown, status, winfo.cseq());
    });
  }

  /** An XCAP document of {@code user} changed: what it governs applies at once to live subscriptions. */
  public void documentChanged(String auid, String user) {
    if (context == null || !settings.get().enabled()) return;
    if (auid.equals("pres-rules")) {
      context.runOnContext(v -> changed(user, EVENT).compose(x -> changed(user, WINFO)));
    } else if (auid.equals("resource-lists") || auid.equals("rls-services")) {
      // the user's lists may have changed: each subscription to them is told the lists' full state
      context.runOnContext(v -> documents.servicesOf(user).onSuccess(lists::listsChanged));
    }
  }

  private static String contentType(String event) {
    return switch (event) {
      case WINFO -> WatcherInfo.CONTENT_TYPE;
      case DIALOG -> DialogInfo.CONTENT_TYPE;
      default -> Pidf.CONTENT_TYPE;
    };
  }

  /** The user's dialogs (RFC 4235), full state, its version counted by the NOTIFYs of that subscription. */
  private Future<String> dialogInfo(Subscription s, long now) {
    return store.publications(DialogInfo.key(s.entity()), now)
        .map(dialogs -> DialogInfo.full("sip:" + s.entity(), dialogs, s.cseq()));
  }

  // ---- dialog-info (pua_dialoginfo)

  @Override
  public boolean wanted() { return context != null && settings.get().dialogInfo(); }

  /** On a routing loop: the call's state, for each local user in it, on this verticle's loop. */
  @Override
  public void state(String callId, String callerAor, String calleeAor, String state, String fromTag, String toTag) {
    context.runOnContext(v -> {
      if (callerAor != null) dialogState(callerAor, callId, "initiator", state, fromTag, toTag);
      if (calleeAor != null) dialogState(calleeAor, callId, "recipient", state, toTag, fromTag);
    });
  }

  /**
   * One change of a user's dialogs after the other: each is stored and its NOTIFYs' document read
   * before the next is stored, so that no state is skipped (a 180 right after the INVITE) or read
   * after the ended call left the document, with a store whose answers take a round trip.
   */
  private void dialogState(String aor, String callId, String direction, String state, String localTag, String remoteTag) {
    Future<Void> change = dialogChanges.getOrDefault(aor, Future.succeededFuture())
        .transform(x -> dialogChange(aor, callId, direction, state, localTag, remoteTag));
    dialogChanges.put(aor, change);
    change.onComplete(x -> dialogChanges.remove(aor, change));
  }

  private Future<Void> dialogChange(String aor, String callId, String direction, String state, String localTag, String remoteTag) {
    String key = DialogInfo.key(aor);
    long now = clock.getAsLong();
    return store.publication(key, callId, now).compose(known -> {
      boolean ends = state.equals("terminated");
      if (known == null && ends) return Future.succeededFuture(); // a BYE of a call not seen starting here
      // a BYE names the sides by its own From and To: an ending keeps the dialog as the INVITE made it
      byte[] body = (known != null && ends ? DialogInfo.withState(known.body(), state)
          : DialogInfo.dialog(callId, known != null ? DialogInfo.direction(known.body()) : direction, state, localTag, remoteTag))
          .getBytes(StandardCharsets.UTF_8);
      Publication p = new Publication(key, callId, now + DIALOG_MILLIS, known != null ? known.published() : now, body);
      return store.put(p, callId).compose(x -> changed(aor, DIALOG)).compose(x -> {
        // RFC 4235 §3.7.1: reported terminated once, then it leaves the document
        return state.equals("terminated") ? store.removePublication(key, callId).mapEmpty() : Future.<Void>succeededFuture();
      });
    });
  }

  /**
   * Presence from registrations when no REGISTER comes: a watched user whose last binding runs out
   * (RFC 3261 §10.3: it expires by itself) is shown closed then. One timer per presentity, on this
   * loop, set for when its latest binding ends; when it fires the document is made again (and, if
   * a binding was refreshed meanwhile, the timer set again for the new end).
   */
  private void lookAgainWhenExpired(String entity, List<Binding> bindings) {
    if (!store.mayBeWatched(entity)) return;
    long last = 0;
    for (Binding b : bindings) last = Math.max(last, b.expiresAtMillis());
    long end = last;
    context.runOnContext(v -> {
      Long old = expiryTimers.remove(entity);
      if (old != null) vertx.cancelTimer(old);
      long delay = Math.max(1, end - clock.getAsLong() + EXPIRY_SLACK_MILLIS);
      expiryTimers.put(entity, vertx.setTimer(delay, id -> {
        expiryTimers.remove(entity);
        changed(entity);
      }));
    });
  }

  private void sweep() {
    long now = clock.getAsLong();
    store.expiredSubscriptions(now).onSuccess(ended -> {
      for (Subscription s : ended) {
        if (s.event().equals(MEMBER)) continue; // its list ends by itself
        notify(s, "timeout");
        ended(s);
      }
    });
    store.expiredPublications(now).onSuccess(entities -> {
      for (String e : entities) changed(e);
    });
  }

  // ---- presence from registrations (pua_usrloc)

  /** On the loop of a REGISTER: a user who came online is open, one whose last binding went is closed. */
  @Override
  public void saved(SipRequest register, Flow flow, String aor, List<Binding> bindings, boolean cameOnline) {
    if (cameOnline || bindings.isEmpty()) registered(aor);
    else if (context != null && settings.get().enabled()) lookAgainWhenExpired(aor, bindings); // a refresh: only the end moved
  }

  /** A user whose last connection-bound binding (a browser's WebSocket) went when it closed is closed. */
  @Override
  public void wentOffline(String aor) { registered(aor); }

  /**
   * The user's registration state changed: its watchers are told, if it may have any (asked without
   * a look at any store, so a REGISTER of a user no one watches costs nothing). The state itself is
   * read from the location service when the document is made.
   */
  private void registered(String aor) {
    if (context == null || !settings.get().enabled() || !store.mayBeWatched(aor)) return;
    context.runOnContext(v -> changed(aor));
  }
}
