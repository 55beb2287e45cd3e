package io.sipgw.xcap;

import io.sipgw.auth.Authenticator;
import io.sipgw.sip.SipParseException;
import io.sipgw.sip.SipUri;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.logging.Logger;
import org.w3c.dom.Document;

/**
 * The XCAP server (RFC 4825) as Kamailio's xcap_server: per-user documents of the pres-rules,
 * resource-lists and rls-services application usages under {@value #ROOT} on the gateway's HTTP
 * listeners. GET, PUT and DELETE of whole documents, of one element and of one attribute, with entity
 * tags (If-Match, If-None-Match), each written document checked against its usage's schema and
 * constraints (409 with the RFC's {@code <xcap-error>} bodies). With {@code auth.enabled}, a user
 * authenticates with its SIP credentials (HTTP digest, realm its domain) and reaches only its own
 * documents. Every change is told to {@code changes}, so the presence server applies it to live
 * subscriptions at once.
 */
public final class XcapServer implements Handler<RoutingContext> {
  private static final Logger LOG = Logger.getLogger("sipgw.xcap");
  public static final String ROOT = "/xcap-root";
  /** The one document of each usage a user keeps (RFC 5025 §9.4, RFC 4826 §3.4.8, §4.4.8: "index"). */
  static final String DOCUMENT = "index";
  static final int MAX_BODY = 1 << 20;
  private static final String ELEMENT_TYPE = "application/xcap-el+xml";
  private static final String ATTRIBUTE_TYPE = "application/xcap-att+xml";
  /** How often a write that lost a race with another one is tried again from a fresh read. */
  private static final int ATTEMPTS = 4;

  private final XcapStore store;
  private final Authenticator authenticator;
  private final Consumer<DocumentKey> changes;
  private final BooleanSupplier enabled;
  private final SecureRandom random = new SecureRandom();

  /**
   * {@code authenticator}: null when auth is off (every user's documents open to all, as SIP is);
   * {@code enabled}: read at each request (off: 404).
   */
  public XcapServer(XcapStore store, Authenticator authenticator, Consumer<DocumentKey> changes, BooleanSupplier enabled) {
    this.store = store;
    this.authenticator = authenticator;
    this.changes = changes;
    this.enabled = enabled;
  }

  /** Serves XCAP on {@code router} under {@value #ROOT}. */
  public void mount(Router router) {
    router.route(ROOT + "/*").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY)).handler(this);
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    String uri = req.uri();
    String raw = req.path();
    String query = req.query();
    HttpMethod m = req.method();
    if (!enabled.getAsBoolean()) {
      ctx.response().setStatusCode(404).end();
      return;
    }
    if (m != HttpMethod.GET && m != HttpMethod.PUT && m != HttpMethod.DELETE) {
      ctx.response().setStatusCode(405).putHeader("Allow", "GET, PUT, DELETE").end();
      return;
    }
    Future<Reply> reply;
    try {
      if (raw.length() <= ROOT.length() + 1) throw XcapException.status(404, "no application usage named");
      String below = raw.substring(ROOT.length() + 1);
      if (below.equals("xcap-caps/global/index")) {
        reply = Future.succeededFuture(m == HttpMethod.GET ? Reply.body(200, "application/xcap-caps+xml", null, caps())
            : Reply.status(405, "the capabilities are read-only"));
      } else {
        String auid = XcapUri.decode(below.substring(0, Math.max(0, below.indexOf('/'))));
        ApplicationUsage usage = ApplicationUsage.of(auid);
        if (usage == null) throw XcapException.status(404, "no application usage " + auid);
        XcapUri x = XcapUri.parse(below, query, a -> usage.namespace);
        if (x.global()) throw XcapException.status(404, "no global documents of " + auid + " are kept");
        if (m == HttpMethod.PUT && !x.document().equals(DOCUMENT)) {
          // the presence server reads each user's "index" only: other names would be kept and never used
          throw XcapException.status(403, "only the document \"" + DOCUMENT + "\" of each usage is kept, not \"" + x.document() + "\"");
        }
        Buffer body = ctx.body().buffer();
        reply = authenticated(req, uri, x).compose(refused -> refused != null ? Future.succeededFuture(refused)
            : operate(m, usage, x, req, body == null ? new byte[0] : body.getBytes(), 0));
      }
    } catch (XcapException e) {
      reply = Future.succeededFuture(Reply.of(e));
    }
    reply.onComplete(ar -> {
      Reply r = ar.succeeded() ? ar.result() : Reply.status(500, "the store failed: " + ar.cause().getMessage());
      if (r.status() >= 500) LOG.warning("XCAP " + m + " " + raw + " answered " + r.status() + ": " + r.why());
      else if (r.status() >= 400) LOG.fine(() -> "XCAP " + m + " " + raw + " answered " + r.status() + ": " + r.why());
      send(ctx.response(), r);
    });
  }

  private static void send(HttpServerResponse res, Reply r) {
    res.setStatusCode(r.status());
    for (int i = 0; i + 1 < r.headers().size(); i += 2) res.putHeader(r.headers().get(i), r.headers().get(i + 1));
    if (r.etag() != null) res.putHeader("ETag", "\"" + r.etag() + "\"");
    if (r.body() == null) {
      res.end();
    } else {
      res.putHeader("Content-Type", r.type());
      res.end(Buffer.buffer(r.body()));
    }
  }

  /** Null when the request may go on; else the 401 or 403 that answers it. */
  private Future<Reply> authenticated(HttpServerRequest req, String uri, XcapUri x) {
    if (authenticator == null) return Future.succeededFuture();
    String domain = x.user().substring(x.user().lastIndexOf('@') + 1);
    String user = x.user().substring(0, x.user().lastIndexOf('@'));
    return authenticator.checkHttp(req.method().name(), uri, req.headers().getAll("Authorization"), domain).map(o -> {
      if (!o.authenticated()) {
        LOG.fine(() -> "XCAP " + req.method() + " " + req.path() + " from " + req.remoteAddress() + " challenged: " + o.why());
        Reply r = Reply.status(401, o.why());
        for (String c : o.challenges()) r.headers().addAll(List.of("WWW-Authenticate", c));
        return r;
      }
      if (!o.user().equals(user)) return Reply.status(403, o.user() + "@" + domain + " may not reach the documents of " + x.user());
      return null;
    });
  }

  private Future<Reply> operate(HttpMethod m, ApplicationUsage usage, XcapUri x, HttpServerRequest req, byte[] body, int attempt) {
    return store.get(x.key()).compose(doc -> {
      try {
        Reply pre = preconditions(req, doc, m);
        if (pre != null) return Future.succeededFuture(pre);
        if (m == HttpMethod.GET) return Future.succeededFuture(read(usage, x, doc));
        Edit edit = m == HttpMethod.PUT ? Edits.put(usage, x, doc, body, req.getHeader("Content-Type"))
            : Edits.delete(x, doc);
        if (edit.document() != null) usage.check(edit.document());
        return write(usage, x, doc, edit).compose(stored -> {
          if (stored != null) return Future.succeededFuture(stored);
          if (attempt + 1 >= ATTEMPTS) return Future.succeededFuture(Reply.status(409, "the document kept changing under this write"));
          return operate(m, usage, x, req, body, attempt + 1); // another write came between the read and this one
        });
      } catch (XcapException e) {
        return Future.succeededFuture(Reply.of(e));
      }
    });
  }

  /** Stores the edited document (or removes it), if it was not changed since it was read; null when it was. */
  private Future<Reply> write(ApplicationUsage usage, XcapUri x, XcapDocument before, Edit edit) {
    String expected = before == null ? "" : before.etag();
    Future<Boolean> done;
    XcapDocument after = null;
    if (edit.document() == null) {
      done = servicesOf(usage, x, null).compose(v -> store.delete(x.key(), expected));
    } else {
      after = new XcapDocument(XcapXml.write(edit.document(), true), newEtag());
      XcapDocument stored = after;
      done = servicesOf(usage, x, edit.document()).compose(v -> store.put(x.key(), stored, expected));
    }
    String etag = after == null ? null : after.etag();
    return done.map(ok -> {
      if (!ok) return null;
      LOG.info("XCAP " + x.user() + ": " + edit.what() + " " + x.key() + (etag == null ? "" : ", etag " + etag));
      changes.accept(x.key());
      return Reply.status(edit.status(), edit.what()).withEtag(etag);
    }).recover(e -> e instanceof XcapStore.ServiceTaken t
        ? Future.succeededFuture(Reply.of(XcapException.conflict("<uniqueness-failure><exists field=\"rls-services/service/@uri\"/></uniqueness-failure>",
            t.getMessage())))
        : e instanceof XcapException x409 ? Future.succeededFuture(Reply.of(x409)) : Future.failedFuture(e));
  }

  /** For an rls-services document: its service URIs become the user's (RFC 4826 §4.4.8: unique across all users). */
  private Future<Void> servicesOf(ApplicationUsage usage, XcapUri x, Document d) {
    if (usage != ApplicationUsage.RLS_SERVICES || !x.document().equals("index")) return Future.succeededFuture();
    Set<String> uris = new LinkedHashSet<>();
    try {
      if (d != null) for (String u : ApplicationUsage.services(d)) uris.add(serviceKey(u));
    } catch (XcapException e) {
      return Future.failedFuture(e);
    }
    return store.ownServices(x.user(), uris);
  }

  /** A service URI as the RLS looks it up: the key of its address of record ({@code user@domain}). */
  public static String serviceKey(String uri) throws XcapException {
    try {
      return SipUri.parse(uri).aor();
    } catch (SipParseException e) {
      throw XcapException.conflictPhrase("constraint-failure", "the service URI " + uri + " is not a SIP URI");
    }
  }

  private static Reply read(ApplicationUsage usage, XcapUri x, XcapDocument doc) throws XcapException {
    if (doc == null) throw XcapException.status(404, "no document " + x.key());
    if (!x.selectsNode()) return Reply.body(200, usage.mime, doc.etag(), doc.body());
    org.w3c.dom.Element e = XcapXml.select(XcapXml.parse(doc.body()), x.steps());
    if (e == null) throw XcapException.status(404, "the selector picks no single element");
    if (x.attribute() == null) return Reply.body(200, ELEMENT_TYPE, doc.etag(), XcapXml.write(e, false));
    if (!e.hasAttributeNS(null, x.attribute())) throw XcapException.status(404, "no attribute " + x.attribute());
    return Reply.body(200, ATTRIBUTE_TYPE, doc.etag(), XcapException.escape(e.getAttributeNS(null, x.attribute())).getBytes(StandardCharsets.UTF_8));
  }

  /** RFC 4825 §7.11 and RFC 7232: If-Match and If-None-Match against the document's entity tag. */
  static Reply preconditions(HttpServerRequest req, XcapDocument doc, HttpMethod m) {
    String ifMatch = req.getHeader("If-Match");
    String ifNoneMatch = req.getHeader("If-None-Match");
    String etag = doc == null ? null : doc.etag();
    if (ifMatch != null && !matches(ifMatch, etag)) return Reply.status(412, "If-Match " + ifMatch + " does not hold").withEtag(etag);
    if (ifNoneMatch != null && matches(ifNoneMatch, etag)) {
      return (m == HttpMethod.GET ? Reply.status(304, "not modified") : Reply.status(412, "If-None-Match " + ifNoneMatch + " does not hold"))
          .withEtag(etag);
    }
    return null;
  }

  /** Whether an If-Match / If-None-Match value names {@code etag} ({@code *}: any existing document). */
  static boolean matches(String value, String etag) {
    if (etag == null) return false;
    for (String t : value.split(",")) {
      String v = t.trim();
      if (v.startsWith("W/")) v = v.substring(2);
      if (v.equals("*") || v.equals("\"" + etag + "\"")) return true;
    }
    return false;
  }

  private String newEtag() {
    byte[] b = new byte[9];
    random.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  private static byte[] caps() {
    StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<xcap-caps xmlns=\"urn:ietf:params:xml:ns:xcap-caps\"><auids>");
    for (ApplicationUsage u : ApplicationUsage.values()) sb.append("<auid>").append(u.auid).append("</auid>");
    sb.append("<auid>xcap-caps</auid></auids><extensions/><namespaces>");
    for (ApplicationUsage u : ApplicationUsage.values()) sb.append("<namespace>").append(u.namespace).append("</namespace>");
    sb.append("<namespace>urn:ietf:params:xml:ns:pres-rules</namespace><namespace>urn:ietf:params:xml:ns:xcap-caps</namespace>")
        .append("<namespace>urn:ietf:params:xml:ns:xcap-error</namespace></namespaces></xcap-caps>");
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }
}
