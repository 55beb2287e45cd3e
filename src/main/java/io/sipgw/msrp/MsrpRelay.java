package io.sipgw.msrp;

import io.sipgw.auth.Authenticator;
import io.sipgw.config.MsrpConfig;
import io.sipgw.transport.TlsCertificates;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.TcpServerConfig;
import io.vertx.core.net.TcpClientConfig;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The MSRP relay (RFC 4975, RFC 4976, RFC 7977), as Kamailio's msrp module, on its own event loop:
 * MSRP over TCP and TLS on the {@code msrp}/{@code msrps} listeners, and over WebSockets handed over
 * by the HTTP listeners. A client AUTHenticates with its SIP credentials (§5: 401 with a digest
 * challenge, then 200 with Use-Path, its session URI here, and Expires); SEND and REPORT are then
 * forwarded hop by hop along their To-Path: each leading URI of this relay taken off To-Path and put
 * in front of From-Path (§7.1), the message sent down the connection that owns the last session
 * taken (the client of that session) or to the next hop's address; body bytes are passed on as they
 * come (chunks of any size, an interrupted chunk ended with {@code #}); a response goes back to the
 * hop the request came from; a next hop that cannot be reached or does not answer gets the sender a
 * 408.
 */
public final class MsrpRelay extends VerticleBase {
  private static final Logger LOG = Logger.getLogger("sipgw.msrp");
  static final int MAX_HEAD = 32 * 1024;
  static final int MAX_QUEUED = 1 << 20;
  /** As the WS listeners take them: a chunk of up to 1 MB with its head (RFC 7977 §5.2: one chunk, one message). */
  static final int MAX_WS_MESSAGE = (1 << 20) + 65536;
  static final long TRANSACTION_MILLIS = 30_000;
  static final long SWEEP_MILLIS = 10_000;

  private final List<MsrpListener> listeners;
  private final Authenticator authenticator;
  private final Supplier<MsrpConfig> settings;
  private final TlsCertificates tls;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Session> sessions = new HashMap<>();
  private final Map<String, Link> outbound = new HashMap<>();
  private final Map<Long, Link> links = new HashMap<>();
  private final List<NetServer> servers = new ArrayList<>();
  private NetClient client;
  private NetClient tlsClient;
  private Context context;
  private long nextLink;
  private long sweepTimer;

  /** A session of a client: its id (the path of its URI), the link that owns it, its user and end. */
  record Session(String id, String uri, Link owner, String user, long expires) { }

  /** {@code authenticator}: null when auth is off (AUTH is then answered 200 at once, user unknown). */
  public MsrpRelay(List<MsrpListener> listeners, Authenticator authenticator, Supplier<MsrpConfig> settings, TlsCertificates tls) {
    this.listeners = listeners;
    this.authenticator = authenticator;
    this.settings = settings;
    this.tls = tls;
  }

  @Override
  public Future<?> start() {
    context = vertx.getOrCreateContext();
    client = vertx.createNetClient(new NetClientOptions().setConnectTimeout(5000).setTcpNoDelay(true));
    if (tls != null) {
      tlsClient = vertx.createNetClient(new TcpClientConfig().setConnectTimeout(java.time.Duration.ofSeconds(5)).setSsl(true), tls.clientOptions());
    }
    List<Future<?>> bound = new ArrayList<>();
    for (MsrpListener l : listeners) {
      if (l.uri().transport().equals("ws")) continue; // on the HTTP listeners
      NetServerOptions o = new NetServerOptions().setHost(l.host()).setPort(l.port()).setTcpNoDelay(true).setReuseAddress(true);
      NetServer server = l.uri().secure() ? vertx.createNetServer(new TcpServerConfig(o).setSsl(true), tls.serverOptions())
          : vertx.createNetServer(o);
      server.connectHandler(socket -> accepted(socket, l.uri()));
      server.exceptionHandler(e -> LOG.fine(() -> "MSRP connection refused on " + l.uri() + ": " + e.getMessage()));
      if (l.uri().secure()) tls.register(server);
      servers.add(server);
      bound.add(server.listen().onSuccess(s -> LOG.info("MSRP relay listening at " + l.uri())));
    }
    sweepTimer = vertx.setPeriodic(SWEEP_MILLIS, id -> sweep());
    return Future.all(bound);
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(sweepTimer);
    List<Future<?>> closed = new ArrayList<>();
    for (NetServer s : servers) {
      if (tls != null) tls.unregister(s);
      closed.add(s.close());
    }
    for (Link l : new ArrayList<>(links.values())) l.channel.close();
    return Future.join(closed);
  }

  // ---- connections

  private void accepted(NetSocket socket, MsrpUri local) {
    Link link = open(local, null, new StreamChannel(socket, MAX_QUEUED));
    socket.handler(b -> link.framer.feed(b));
    socket.closeHandler(v -> closed(link));
    socket.exceptionHandler(e -> LOG.fine(() -> "MSRP " + link + ": " + e.getMessage()));
  }

  /**
   * A WebSocket with the {@code msrp} subprotocol (RFC 7977), accepted by an HTTP listener whose relay
   * URI is {@code local}. Called on the listener's event loop: the WebSocket is paused there and then,
   * so that what the client sends at once (a browser's AUTH in onopen) waits for the handler this
   * relay sets on its own loop — a WebSocket with no handler drops what comes.
   */
  public void acceptWebSocket(ServerWebSocket ws, MsrpUri local) {
    ws.pause();
    context.runOnContext(v -> {
      Link link = open(local, null, new WebSocketChannel(ws, MAX_QUEUED, MAX_WS_MESSAGE));
      ws.handler(b -> context.runOnContext(x -> link.framer.feed(b)));
      ws.closeHandler(x -> context.runOnContext(y -> closed(link)));
      ws.exceptionHandler(e -> LOG.fine(() -> "MSRP " + link + ": " + e.getMessage()));
      if (ws.isClosed()) closed(link); // it went before its close handler was there
      else ws.resume();
    });
  }

  private Link open(MsrpUri local, String authority, Channel channel) {
    Link link = new Link(++nextLink, local, authority, channel, System.currentTimeMillis());
    link.framer = new MsrpFramer(new Inbound(link), MAX_HEAD);
    links.put(link.id, link);
    return link;
  }

  /** The link to {@code next}'s address: an open one, else a new one (written to once connected). */
  private Link outboundTo(MsrpUri next) {
    String key = next.authority();
    Link l = outbound.get(key);
    if (l != null && !l.closed) return l;
    Link link = new Link(++nextLink, next, key, null, System.currentTimeMillis());
    link.framer = new MsrpFramer(new Inbound(link), MAX_HEAD);
    links.put(link.id, link);
    outbound.put(key, link);
    NetClient c = next.secure() ? tlsClient : client;
    if (c == null || next.transport().equals("ws")) {
      vertx.setTimer(1, id -> closed(link)); // no way there: its transactions fail
      return link;
    }
    c.connect(next.port(), next.host()).onComplete(ar -> context.runOnContext(v -> {
      if (ar.failed()) {
        LOG.info("MSRP next hop " + key + " unreachable: " + ar.cause().getMessage());
        closed(link);
        return;
      }
      NetSocket socket = ar.result();
      if (link.closed) {
        socket.close();
        return;
      }
      link.connected(new StreamChannel(socket, MAX_QUEUED));
      socket.handler(b -> link.framer.feed(b));
      socket.closeHandler(x -> closed(link));
    }));
    return link;
  }

  /** A link went: its sessions end, what was forwarded down it gets its senders a 408, a body it was sending is cut short. */
  private void closed(Link link) {
    if (link.closed) return;
    link.closed = true;
    links.remove(link.id);
    if (link.authority != null) outbound.remove(link.authority, link);
    for (String s : link.sessions) sessions.remove(s);
    for (Map.Entry<String, Link.Pending> p : link.pending.entrySet()) {
      vertx.cancelTimer(p.getValue().timer());
      failed(p.getValue(), p.getKey(), 408, "Request Timeout (the next hop is gone)");
    }
    link.pending.clear();
    if (link.target != null) interrupt(link);
    for (Link other : links.values()) if (other.target == link) other.target = null;
    if (link.channel != null) link.channel.close();
    LOG.fine(() -> "MSRP " + link + " closed");
  }

  /**
   * A chunk too large for the next hop's WebSocket (RFC 7977: one chunk, one message): what went is
   * ended interrupted, the rest dropped, and the sender told 413 (RFC 4975 §7.3: stop sending it).
   */
  private void tooLarge(Link from, Link to) {
    String tid = from.targetTid;
    LOG.info("MSRP chunk " + tid + " on " + from + " is larger than " + to + " takes (" + to.channel.maxMessage() + " bytes): 413");
    interrupt(from);
    Link.Pending p = to.pending.remove(tid);
    if (p != null) {
      vertx.cancelTimer(p.timer());
      respond(p, tid, 413, "Request Entity Too Large (the next hop takes chunks of up to " + (MAX_WS_MESSAGE >> 10) + " KB)");
    }
  }

  /** The message {@code from} was sending ends interrupted ({@code #}, RFC 4975 §7.1): its sender went. */
  private void interrupt(Link from) {
    from.target.send(Buffer.buffer((from.targetBody ? "\r\n-------" : "-------") + from.targetTid + "#\r\n"));
    from.target.messageEnd();
    from.target = null;
  }

  private void sweep() {
    long now = System.currentTimeMillis();
    sessions.values().removeIf(s -> {
      if (s.expires() > now) return false;
      s.owner().sessions.remove(s.id());
      return true;
    });
    long idle = settings.get().idleTimeout() * 1000L;
    for (Link l : new ArrayList<>(links.values())) {
      if (l.sessions.isEmpty() && l.pending.isEmpty() && l.target == null && now - l.lastActive > idle) {
        LOG.fine(() -> "MSRP " + l + " idle, closed");
        closed(l);
      }
    }
  }

  // ---- messages

  /** What the framer of one link finds. */
  private final class Inbound implements MsrpFramer.Handler {
    private final Link link;

    Inbound(Link link) { this.link = link; }

    @Override
    public void head(MsrpHead head) {
      link.lastActive = System.currentTimeMillis();
      link.target = null;
      if (head.isResponse()) {
        response(link, head);
        return;
      }
      String method = head.method();
      switch (method) {
        case "AUTH" -> auth(link, head);
        case "SEND", "REPORT" -> forward(link, head);
        default -> reply(link, head, 501, "Not Implemented");
      }
    }

    @Override
    public void data(Buffer bytes) {
      Link to = link.target;
      if (to == null) return;
      link.targetBytes += bytes.length();
      if (to.channel != null && link.targetBytes > to.channel.maxMessage()) {
        tooLarge(link, to);
        return;
      }
      to.send(bytes);
      if (to.full(MAX_QUEUED)) {
        // bytes in flight: the sender waits until the next hop took them
        link.channel.pause();
        if (to.connecting()) vertx.setTimer(50, id -> link.channel.resume());
        else to.channel.onDrain(() -> link.channel.resume());
      }
    }

    @Override
    public void end(char flag) {
      Link to = link.target;
      if (to == null) return;
      to.send(Buffer.buffer((link.targetBody ? "\r\n-------" : "-------") + link.targetTid + flag + "\r\n"));
      to.messageEnd();
      link.target = null;
    }

    @Override
    public void fail(String why) {
      LOG.info("MSRP " + link + " closed: " + why);
      closed(link);
    }
  }

  /** RFC 4976 §5: a client asks for a session URI here, with its credentials. */
  private void auth(Link link, MsrpHead head) {
    List<String> to = head.toPath();
    List<String> from = head.fromPath();
    if (to.size() != 1 || from.size() != 1) {
      reply(link, head, 400, "Bad Request (AUTH needs one To-Path and one From-Path URI)");
      return;
    }
    String realm = settings.get().realm();
    Future<Authenticator.Outcome> checked = authenticator == null ? Future.succeededFuture(null)
        : authenticator.checkHttp("AUTH", null, head.headers("Authorization"), realm);
    checked.onComplete(ar -> context.runOnContext(v -> {
      if (link.closed) return;
      if (ar.failed()) {
        reply(link, head, 500, "Server Error (credentials unavailable)");
        return;
      }
      Authenticator.Outcome o = ar.result();
      if (o != null && !o.authenticated()) {
        List<String> extra = new ArrayList<>();
        for (String c : o.challenges()) extra.add("WWW-Authenticate: " + c);
        reply(link, head, 401, "Unauthorized", extra);
        return;
      }
      String user = o == null ? "" : o.user() + "@" + realm;
      long mine = sessions.values().stream().filter(s -> s.user().equals(user)).count();
      if (mine >= settings.get().maxSessionsPerUser()) { // with auth off, every client is the one user ""
        LOG.info("MSRP AUTH of " + user + " refused: msrp.maxSessionsPerUser (" + settings.get().maxSessionsPerUser() + ") reached");
        reply(link, head, 403, "Forbidden (too many sessions)");
        return;
      }
      long expires = settings.get().expires();
      String requested = head.header("Expires");
      if (requested != null) {
        try {
          expires = Math.max(60, Math.min(expires, Long.parseLong(requested)));
        } catch (NumberFormatException e) {
          reply(link, head, 400, "Bad Request (Expires)");
          return;
        }
      }
      byte[] b = new byte[12];
      random.nextBytes(b);
      String id = HexFormat.of().formatHex(b);
      MsrpUri uri = new MsrpUri(link.local.secure(), link.local.host(), link.local.port(), id, link.local.transport());
      sessions.put(id, new Session(id, uri.toString(), link, user, System.currentTimeMillis() + expires * 1000));
      link.sessions.add(id);
      LOG.info("MSRP session " + uri + " for " + (user.isEmpty() ? "an unauthenticated client" : user) + " on " + link);
      reply(link, head, 200, "OK", List.of("Use-Path: " + uri, "Expires: " + expires));
    }));
  }

  /** Whether {@code u} names this relay (one of its listeners' addresses). */
  private boolean ours(MsrpUri u) {
    for (MsrpListener l : listeners) {
      if (l.uri().port() == u.port() && (l.uri().host().equals(u.host()) || l.host().equals(u.host()))) return true;
    }
    return false;
  }

  /** SEND or REPORT: on to the next hop (RFC 4976 §7.1). */
  private void forward(Link link, MsrpHead head) {
    List<String> to = head.toPath();
    List<String> from = head.fromPath();
    boolean report = head.method().equals("REPORT");
    if (to.size() < 2 || from.isEmpty()) {
      refuse(link, head, report, 400, "Bad Request (To-Path and From-Path needed)");
      return;
    }
    boolean peer = link.channel != null && settings.get().peer(link.channel.remoteHost());
    if (link.sessions.isEmpty() && !peer) {
      // RFC 4976 §7.1: only a client that authenticated on this connection (or another relay) may send through the relay
      refuse(link, head, report, 403, "Forbidden (AUTH first)");
      return;
    }
    List<Session> popped = new ArrayList<>();
    int i = 0;
    for (; i < to.size(); i++) {
      MsrpUri u = MsrpUri.parse(to.get(i));
      if (u == null) {
        refuse(link, head, report, 400, "Bad Request (not an MSRP URI: " + to.get(i) + ")");
        return;
      }
      if (!ours(u)) break;
      Session s = sessions.get(u.session());
      if (s == null) {
        refuse(link, head, report, 481, "Session Does Not Exist");
        return;
      }
      popped.add(s);
    }
    if (popped.isEmpty()) {
      refuse(link, head, report, 403, "Forbidden (the To-Path does not begin with this relay)");
      return;
    }
    if (i == to.size()) {
      refuse(link, head, report, 481, "Session Does Not Exist (no hop after the relay)");
      return;
    }
    if (popped.size() > 1 && popped.get(0).owner() != link && !peer) {
      // RFC 4975 §7.3.1: a session URI another connection authenticated is no way out for this one
      refuse(link, head, report, 506, "Session Already Bound To Another Connection");
      return;
    }
    Session last = popped.get(popped.size() - 1);
    MsrpUri next = MsrpUri.parse(to.get(i));
    if (next == null) {
      refuse(link, head, report, 400, "Bad Request (not an MSRP URI: " + to.get(i) + ")");
      return;
    }
    // toward a client of this relay: down the connection its session was authenticated on
    Link target = last.owner() != link ? last.owner() : outboundTo(next);
    List<String> newFrom = new ArrayList<>();
    for (int k = popped.size() - 1; k >= 0; k--) newFrom.add(popped.get(k).uri());
    newFrom.addAll(from);
    String failureReport = head.header("Failure-Report");
    if (!report && !"no".equalsIgnoreCase(failureReport)) {
      String tid = head.tid();
      long timer = vertx.setTimer(TRANSACTION_MILLIS, id -> {
        Link.Pending p = target.pending.remove(tid);
        if (p != null) failed(p, tid, 408, "Request Timeout");
      });
      Link.Pending old = target.pending.put(tid, new Link.Pending(link, from.get(0), to.get(0), timer, head));
      if (old != null) vertx.cancelTimer(old.timer());
    }
    target.send(Buffer.buffer(head.withPaths(to.subList(i, to.size()), newFrom).bytes()));
    // the end-line, with the flag the sender gave, goes when the framer finds it
    if (head.hasBody()) target.send(Buffer.buffer("\r\n"));
    link.target = target;
    link.targetTid = head.tid();
    link.targetBody = head.hasBody();
    link.targetBytes = 0;
  }

  /** A response from a next hop: to the hop its request came from, addressed as that hop expects (RFC 4975 §7.2). */
  private void response(Link link, MsrpHead head) {
    Link.Pending p = link.pending.remove(head.tid());
    if (p == null) {
      LOG.fine(() -> "MSRP response " + head + " on " + link + " matches no transaction");
      return;
    }
    vertx.cancelTimer(p.timer());
    String start = head.toString();
    respond(p, head.tid(), head.status(), start.substring(Math.min(start.length(), 10 + head.tid().length())).trim());
  }

  private void respond(Link.Pending p, String tid, int status, String comment) {
    if (p.from().closed) return;
    write(p.from(), tid, status, comment, p.toPath(), p.fromPath(), List.of());
  }

  /** A failure of this relay's own (408, 481) to a SEND: its response, and a REPORT when the sender asked for one. */
  private void failed(Link.Pending p, String tid, int status, String comment) {
    respond(p, tid, status, comment);
    if (!p.from().closed) report(p.from(), p.report(), status, comment);
  }

  /**
   * RFC 4975 §7.1.2, RFC 4976 §7.1: a REPORT of a SEND that failed here, toward its sender (To-Path its
   * From-Path as this relay got it), with its Message-ID and Byte-Range and {@code Status: 000 <code>},
   * when its Failure-Report is {@code yes} (the default) or {@code partial}.
   */
  private static void report(Link link, MsrpHead send, int status, String comment) {
    String fr = send.header("Failure-Report");
    if ("no".equalsIgnoreCase(fr) || send.header("Message-ID") == null || send.toPath().isEmpty()) return;
    String tid = "rep" + Long.toHexString(System.nanoTime());
    StringBuilder sb = new StringBuilder(256).append("MSRP ").append(tid).append(" REPORT\r\n")
        .append("To-Path: ").append(String.join(" ", send.fromPath())).append("\r\nFrom-Path: ").append(send.toPath().get(0)).append("\r\n")
        .append("Message-ID: ").append(send.header("Message-ID")).append("\r\n");
    if (send.header("Byte-Range") != null) sb.append("Byte-Range: ").append(send.header("Byte-Range")).append("\r\n");
    sb.append("Status: 000 ").append(status).append(' ').append(comment).append("\r\n-------").append(tid).append("$\r\n");
    link.send(Buffer.buffer(sb.toString().getBytes(StandardCharsets.UTF_8)));
    link.messageEnd();
  }

  /** A request refused here: a response (none to a REPORT, RFC 4975 §7.1.2), its body, if any, dropped. */
  private void refuse(Link link, MsrpHead head, boolean report, int status, String comment) {
    LOG.info("MSRP " + head.method() + " " + head.tid() + " on " + link + " refused with " + status + ": " + comment);
    if (!report && !"no".equalsIgnoreCase(head.header("Failure-Report"))) reply(link, head, status, comment);
    if (!report && status == 481) report(link, head, status, comment);
  }

  private void reply(Link link, MsrpHead head, int status, String comment) { reply(link, head, status, comment, List.of()); }

  /** A response of this relay's own to {@code head}: To-Path the request's sender, From-Path this relay's URI it was sent to. */
  private void reply(Link link, MsrpHead head, int status, String comment, List<String> extra) {
    List<String> from = head.fromPath();
    List<String> to = head.toPath();
    write(link, head.tid(), status, comment, from.isEmpty() ? "" : from.get(0), to.isEmpty() ? link.local.toString() : to.get(0), extra);
  }

  private static void write(Link link, String tid, int status, String comment, String toPath, String fromPath, List<String> extra) {
    StringBuilder sb = new StringBuilder(256).append("MSRP ").append(tid).append(' ').append(status).append(' ').append(comment).append("\r\n")
        .append("To-Path: ").append(toPath).append("\r\nFrom-Path: ").append(fromPath).append("\r\n");
    for (String e : extra) sb.append(e).append("\r\n");
    sb.append("-------").append(tid).append("$\r\n");
    link.send(Buffer.buffer(sb.toString().getBytes(StandardCharsets.UTF_8)));
    link.messageEnd();
  }

  /** Live sessions, for tests and metrics. */
  public int sessionCount() { return sessions.size(); }
}
