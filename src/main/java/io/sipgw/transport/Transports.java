package io.sipgw.transport;

import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.NetUtil;
import io.sipgw.sip.Hosts;
import io.sipgw.metrics.Metrics;
import io.sipgw.sip.Transport;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.ConnectOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.TcpClientConfig;
import io.vertx.core.http.ServerWebSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;
import java.util.logging.Logger;

/**
 * The transport layer's sending side and its registry of sockets and connections. The only place
 * that writes to a socket: to a flow (the same connection back, RFC 3261 §18.2.2) or to a target
 * (an existing connection to it is reused, else one is opened, over TLS for a TLS target; UDP goes
 * out of a listener's socket). Safe to call from any event loop.
 */
public final class Transports {
  private static final Logger LOG = Logger.getLogger("sipgw.transport");
  /** How long a connection with a framing fault stays open for the answers to what came before it. */
  private static final long CLOSE_GRACE_MILLIS = 500;

  private final Vertx vertx;
  private final List<Listener> listeners;
  /** The transports with a listener, UDP, TCP, TLS in that order (the listeners are fixed for the run). */
  private final List<Transport> supported;
  private volatile int maxMessageSize;
  private volatile int maxConnections;
  /** How many accepted connections a source address may hold at once ({@code bans.maxConnections}). */
  private volatile ToIntFunction<String> allowedPerSource = ip -> Integer.MAX_VALUE;
  private final Map<String, AtomicInteger> perSource = new ConcurrentHashMap<>();
  private final Map<String, List<DatagramChannel>> udpChannels = new ConcurrentHashMap<>();
  private final Map<Long, Connection> connections = new ConcurrentHashMap<>();
  /** The flows of {@link #internalFlow}: not connections, so no cap, idle timer or keep-alive concerns them. */
  private final Map<Long, java.util.function.Function<Buffer, Future<Void>>> internal = new ConcurrentHashMap<>();
  private final Map<Target, Connection> byRemote = new ConcurrentHashMap<>();
  private final Map<Target, PendingConnection> connecting = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private final NetClient client;
  /** Opens outbound TLS connections; null without TLS settings. */
  private final NetClient tlsClient;
  private volatile Dispatcher dispatcher;
  private final List<Consumer<Flow>> closeListeners = new CopyOnWriteArrayList<>();
  /** This run of this node (see {@link #node()}). */
  private final String run = Long.toHexString(new SecureRandom().nextLong());
  /** Where other nodes reach this one when its node listener is a wildcard without advertise; null: that listener's address. */
  private volatile String nodeAddress;
  /** The node's metrics ({@link Metrics#OFF} until set): what sends and receives counts there. */
  private Metrics metrics = Metrics.OFF;
  /** What sees every message received and sent (SIP capture); null when nothing does: one volatile read per message. */
  volatile MessageTap tap;

  public Transports(Vertx vertx, List<Listener> listeners, int maxMessageSize, int maxConnections) {
    this(vertx, listeners, maxMessageSize, maxConnections, null);
  }

  /** With {@code tls} (null: none), TLS targets are reached over connections verified as it says. */
  public Transports(Vertx vertx, List<Listener> listeners, int maxMessageSize, int maxConnections, TlsCertificates tls) {
    this.vertx = vertx;
    this.listeners = List.copyOf(listeners);
    List<Transport> have = new ArrayList<>(3);
    for (Transport t : List.of(Transport.UDP, Transport.TCP, Transport.TLS)) if (supports(t)) have.add(t);
    // WS and WSS are not in the list: a request is never sent out on a WebSocket the gateway opens.
    this.supported = List.copyOf(have);
    this.maxMessageSize = maxMessageSize;
    this.maxConnections = maxConnections;
    this.client = vertx.createNetClient(clientOptions());
    if (tls != null) {
      this.tlsClient = vertx.createNetClient(new TcpClientConfig(clientOptions()).setSsl(true), tls.clientOptions());
      tls.register(tlsClient);
    } else {
      this.tlsClient = null;
    }
  }

  private static NetClientOptions clientOptions() { return new NetClientOptions().setConnectTimeout(5000).setTcpNoDelay(true); }

  void dispatcher(Dispatcher d) { this.dispatcher = d; }

  /** Sets the node's metrics, before any listener starts; the open connections per transport become its gauges. */
  public void metrics(Metrics m) {
    this.metrics = m;
    m.connections(List.of("TCP", "TLS", "WS", "WSS"), t -> connectionCount(Transport.valueOf(t)));
  }

  /** The node's metrics ({@link Metrics#OFF} when none were set). */
  public Metrics metrics() { return metrics; }

  /** The open connections over {@code t} (a walk of the connections: for a scrape, not the hot path). */
  public int connectionCount(Transport t) {
    int n = 0;
    for (Connection c : connections.values()) if (c.flow().transport() == t) n++;
    return n;
  }

  /**
   * This run of this node: {@code <node name>#<random>}, new at every start, as the connection ids it
   * gives mean something only within it. A binding in a shared store names the run whose connection it
   * came over; its name part ({@link io.sipgw.store.Binding.Source#nodeName()}) finds it again after a restart.
   */
  public String node() { return nodeName() + "#" + run; }

  /**
   * This node's name, the same across restarts: the transport and host:port at which other nodes
   * reach it, e.g. {@code udp:10.0.0.7:5060}.
   */
  public String nodeName() {
    Listener l = nodeListener();
    if (l == null) l = listeners.get(0);
    return l.transport().uriParam() + ":" + nodeHostPort(l);
  }

  private String nodeHostPort(Listener l) {
    String a = nodeAddress;
    return a != null ? Hosts.forUri(a) + ":" + l.sentByPort() : l.sentBy();
  }

  /** The host other nodes reach this one at instead of its node listener's advertised or bound one ({@code store.nodeAddress}). */
  public void nodeAddress(String host) { this.nodeAddress = host; }

  /**
   * How another node reaches {@code flow} over SIP: {@code <sip:ft-…@host:port;transport=x;lr>}
   * naming a UDP listener of this node (else TCP, else TLS) with the flow's token, which this node
   * alone can turn back into the connection. Null without such a listener.
   */
  public String nodeRoute(Flow flow) {
    Listener l = nodeListener();
    return l == null ? null : l.routeUri(FlowToken.of(flow), nodeHostPort(l));
  }

  /** The listener other nodes reach this one at: the first UDP (else TCP, else TLS) listener, IPv4 first. */
  public Listener nodeListener() {
    for (Transport t : supported) {
      Listener l = listenerFor(t, false);
      if (l != null) return l;
    }
    return null;
  }

  public List<Listener> listeners() { return listeners; }

  /** Open connections (accepted and opened) per transport name, e.g. {"tcp": 3, "ws": 1}. */
  public Map<String, Integer> connectionCounts() {
    Map<String, Integer> out = new java.util.TreeMap<>();
    for (Connection c : connections.values()) out.merge(c.flow().transport().name().toLowerCase(java.util.Locale.ROOT), 1, Integer::sum);
    return out;
  }

  public int maxMessageSize() { return maxMessageSize; }

  /** New limits, applied on reload: a new message size to every datagram and new connection, a new cap to new connections. */
  public void limits(int maxMessageSize, int maxConnections) {
    this.maxMessageSize = maxMessageSize;
    this.maxConnections = maxConnections;
  }

  /** Whether host:port names one of this server's listeners. */
  public boolean isLocal(String host, int port) {
    for (Listener l : listeners) if (l.matches(host, port)) return true;
    return false;
  }

  /** Whether host names one of this server's listening addresses, whatever the port. */
  public boolean isLocalHost(String host) {
    for (Listener l : listeners) {
      if (l.hasAddress(host)) return true;
    }
    return false;
  }

  /** The listener a request to {@code target} leaves from: same transport and address family. */
  public Listener listenerFor(Transport transport, boolean ipv6) {
    Listener fallback = null;
    for (Listener l : listeners) {
      if (l.transport() != transport) continue;
      if (l.isIpv6() == ipv6) return l;
      if (fallback == null) fallback = l;
    }
    return fallback;
  }

  public boolean supports(Transport t) {
    for (Listener l : listeners) if (l.transport() == t) return true;
    return false;
  }

  /** The transports with at least one listener, in the order UDP, TCP, TLS. */
  public List<Transport> supportedTransports() { return supported; }

  void addUdpChannel(Listener l, DatagramChannel c) {
    udpChannels.computeIfAbsent(l.name(), k -> new CopyOnWriteArrayList<>()).add(c);
  }

  void removeUdpChannel(Listener l, DatagramChannel c) {
    List<DatagramChannel> list = udpChannels.get(l.name());
    if (list != null) list.remove(c);
  }

  /** How many accepted connections one source address may hold open at once. */
  public void connectionsPerSource(ToIntFunction<String> allowed) { this.allowedPerSource = allowed; }

  /** Whether the connection cap ({@code transport.maxConnections}) is reached: a new connection would be refused. */
  boolean full() { return connections.size() >= maxConnections; }

  /** Registers an accepted TCP or TLS connection; returns null (and closes it) when over the cap. */
  Connection addConnection(NetSocket socket, Listener listener, String remoteHost, int remotePort) {
    return addConnection(socket, listener, remoteHost, remotePort, true);
  }

  /**
   * Registers a TCP or TLS connection; with {@code reachable} false it is not yet found by its remote
   * address (an opened one is published once what waited for it has been written).
   */
  private Connection addConnection(NetSocket socket, Listener listener, String remoteHost, int remotePort, boolean reachable) {
    Connection c = register(new Connection.Channel() {
      @Override
      public Future<Void> write(Buffer message) { return socket.write(message); }

      @Override
      public void close() { socket.close(); }
    }, listener, remoteHost, remotePort, reachable);
    if (c == null) return null;
    StreamFramer framer = new StreamFramer(maxMessageSize, new ConnectionSink(c, socket));
    socket.handler(data -> {
      c.touch();
      framer.feed(data);
    });
    socket.closeHandler(v -> removeConnection(c));
    if (socket.isSsl() && socket instanceof NetSocketInternal internal) {
      // a peer's close_notify ends the connection (RFC 8446 §6.1): Vert.x reports it but keeps the
      // connection open, and a peer that waits for ours would wait until the idle timeout
      internal.eventHandler(event -> {
        if (event instanceof SslCloseCompletionEvent) socket.close();
      });
    }
    socket.exceptionHandler(e -> LOG.fine("connection " + c.flow() + ": " + e.getMessage()));
    return c;
  }

  /**
   * Registers an accepted WebSocket (RFC 7118): each text or binary message is one SIP message, a
   * message of CRLFs a keep-alive (a double CRLF ping is answered with one CRLF, as on a stream).
   * Returns null (and closes it) when over the cap.
   */
  Connection addWebSocket(ServerWebSocket ws, Listener listener) {
    Connection c = register(new WebSocketChannel(ws), listener, ws.remoteAddress().host(), ws.remoteAddress().port(), true);
    if (c == null) return null;
    ws.textMessageHandler(text -> {
      c.heard();
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      webSocketMessage(c, bytes);
    });
    ws.binaryMessageHandler(data -> {
      c.heard();
      webSocketMessage(c, data.getBytes());
    });
    ws.pongHandler(pong -> c.heard());
    ws.closeHandler(v -> removeConnection(c));
    ws.exceptionHandler(e -> LOG.fine("connection " + c.flow() + ": " + e.getMessage()));
    return c;
  }

  private void webSocketMessage(Connection c, byte[] bytes) {
    if (WebSocketChannel.isKeepAlive(bytes)) {
      if (bytes.length >= 4) c.write(Buffer.buffer("\r\n"));
      return;
    }
    if (bytes.length > maxMessageSize) {
      dispatcher.reject(bytes, bytes.length, 513, "Message Too Large", c.flow());
      return;
    }
    dispatcher.receive(bytes, bytes.length, c.flow(), true); // the frame bounds the message (RFC 7118 §5.1)
  }

  /** The cap check, the flow and the registry entries every kind of connection shares. */
  private Connection register(Connection.Channel channel, Listener listener, String remoteHost, int remotePort,
      boolean reachable) {
    if (full()) {
      LOG.warning("connection from " + remoteHost + ":" + remotePort + " refused: " + maxConnections + " connections open (transport.maxConnections)");
      channel.close();
      return null;
    }
    String host = Hosts.canonicalIp(remoteHost);
    int counted = reachable ? countSource(host) : 0;
    if (counted < 0) {
      // accepted ones only: a connection this node opens is not its peer's doing
      LOG.info("connection from " + remoteHost + ":" + remotePort + " refused: that address holds "
          + allowedPerSource.applyAsInt(host) + " connections already (bans.maxConnections)");
      channel.close();
      return null;
    }
    Flow flow = new Flow(listener.transport(), listener, host, remotePort, ids.incrementAndGet());
    Connection c = new Connection(channel, flow);
    c.countedForSource(counted > 0);
    connections.put(c.id(), c);
    if (reachable) byRemote.put(flow.target(), c);
    return c;
  }

  /**
   * A flow from a part of this node that sends requests through routing as a client would (the
   * delivery of stored messages): requests come in on it by {@link Dispatcher#inject}, and whatever
   * routing sends back on it (the responses) goes to {@code sink}, on the thread that sends it. It is
   * reliable (no retransmissions), never closed for idleness and counted against no limit; it names
   * this node's first listener and address as where it comes from.
   */
  public Flow internalFlow(java.util.function.Function<Buffer, Future<Void>> sink) {
    Listener l = listeners.get(0);
    Flow flow = new Flow(Transport.TCP, l, Hosts.canonicalIp(l.sentByHost()), l.sentByPort(), ids.incrementAndGet());
    internal.put(flow.connectionId(), sink);
    return flow;
  }

  /** Whether {@code flow} is one of {@link #internalFlow}'s. */
  public boolean isInternal(Flow flow) { return flow.connectionId() != 0 && internal.containsKey(flow.connectionId()); }

  /** {@code listener} is told of every connection that closes, on the thread that saw it close. */
  public void onClose(Consumer<Flow> listener) { closeListeners.add(listener); }

  /** Counts one more accepted connection from {@code host}: 1 counted, 0 not limited (not counted), -1 past its limit. */
  private int countSource(String host) {
    int allowed = allowedPerSource.applyAsInt(host);
    if (allowed == Integer.MAX_VALUE) return 0;
    AtomicInteger n = perSource.computeIfAbsent(host, k -> new AtomicInteger());
    if (n.incrementAndGet() <= allowed) return 1;
    n.decrementAndGet();
    return -1;
  }

  private void removeConnection(Connection c) {
    if (connections.remove(c.id()) == null) return;
    if (c.countedForSource()) {
      perSource.computeIfPresent(c.flow().remoteHost(), (k, n) -> n.decrementAndGet() <= 0 ? null : n);
    }
    byRemote.remove(c.flow().target(), c);
    for (Consumer<Flow> l : closeListeners) l.accept(c.flow());
  }

  /**
   * Pings every open WebSocket, and closes those that have sent nothing, not even a pong, for longer
   * than {@code silentNanos}: a browser that went away without closing (sleep, lost network).
   */
  public void pingWebSockets(long silentNanos) {
    for (Connection c : connections.values()) {
      Transport t = c.flow().transport();
      if (t != Transport.WS && t != Transport.WSS) continue;
      if (c.silentNanos() > silentNanos) {
        LOG.info("closing WebSocket " + c.flow() + ": nothing heard, not even a pong, for " + c.silentNanos() / 1_000_000_000L + " s");
        c.close();
      } else {
        c.ping();
      }
    }
  }

  /** Closes connections idle for longer than {@code idleNanos}. */
  public void closeIdle(long idleNanos) {
    for (Connection c : connections.values()) {
      if (c.idleNanos() > idleNanos) {
        LOG.fine("closing idle connection " + c.flow());
        c.close();
      }
    }
  }

  /**
   * Installs what sees every message received and sent from now on ({@link MessageTap}); null removes it.
   * Messages of a flow made by {@link #internalFlow} (not on the wire) are not shown to it.
   */
  public void tap(MessageTap t) { this.tap = t; }

  /** Sends back along a flow: the same connection if it is still open (§18.2.2), else to its address. */
  public Future<Void> send(Flow flow, Buffer data) {
    MessageTap t = tap;
    if (t != null && !isInternal(flow)) t.sent(flow, data);
    return sendOnFlow(flow, data);
  }

  private Future<Void> sendOnFlow(Flow flow, Buffer data) {
    if (flow.transport() == Transport.UDP) return sendUdp(flow.listener(), flow.remoteHost(), flow.remotePort(), data);
    Connection c = connections.get(flow.connectionId());
    if (c != null) return c.write(data);
    java.util.function.Function<Buffer, Future<Void>> in = internal.isEmpty() ? null : internal.get(flow.connectionId());
    if (in != null) return in.apply(data);
    return sendToTarget(flow.target(), data);
  }

  /** Sends to a target, reusing a connection to it if there is one (RFC 3261 §18.1.1). */
  public Future<Void> send(Target target, Buffer data) {
    MessageTap t = tap;
    if (t != null) tapSent(t, target, data);
    return sendToTarget(target, data);
  }

  /** Shows a message sent to a target to the tap: the flow it leaves on (the open connection's, else its listener's). */
  private void tapSent(MessageTap t, Target target, Buffer data) {
    Connection c = byRemote.get(target.address());
    if (c != null) {
      t.sent(c.flow(), data);
      return;
    }
    Listener l = listenerFor(target.transport(), target.isIpv6());
    if (l != null) t.sent(new Flow(target.transport(), l, target.host(), target.port(), 0), data);
  }

  private Future<Void> sendToTarget(Target target, Buffer data) {
    if (target.transport() == Transport.UDP) {
      Listener l = listenerFor(Transport.UDP, target.isIpv6());
      if (l == null) return Future.failedFuture("no UDP listener to send from");
      return sendUdp(l, target.host(), target.port(), data);
    }
    Connection c = byRemote.get(target.address());
    if (c != null) return c.write(data);
    PendingConnection pending = connecting.get(target.address());
    if (pending != null) return pending.send(data);
    if (target.transport() == Transport.WS || target.transport() == Transport.WSS) {
      // RFC 7118 §5: a WebSocket server does not open connections; the client's own is the only way.
      return Future.failedFuture("no open WebSocket connection to " + target);
    }
    if (target.transport() != Transport.TCP && target.transport() != Transport.TLS) {
      return Future.failedFuture("transport " + target.transport() + " is not supported");
    }
    return connect(target).send(data);
  }

  /** The flow of an open connection, or null if it has closed. */
  public Flow openFlow(long connectionId) {
    Connection c = connections.get(connectionId);
    return c == null ? null : c.flow();
  }

  /**
   * The connection being opened to {@code target}, opened now if none is. What is sent meanwhile waits
   * in it, in order; once open, that is written first and only then is the connection found by its
   * address, so a later message cannot overtake an earlier one that waited.
   */
  private PendingConnection connect(Target target) {
    Target key = target.address();
    PendingConnection fresh = new PendingConnection();
    PendingConnection pending = connecting.putIfAbsent(key, fresh);
    if (pending != null) return pending;
    Listener l = listenerFor(target.transport(), target.isIpv6());
    if (l == null) return fail(key, fresh, "no " + target.transport() + " listener for " + target);
    Future<NetSocket> opened;
    if (target.transport() == Transport.TLS) {
      if (tlsClient == null) return fail(key, fresh, "no TLS settings for " + target);
      opened = tlsClient.connect(tlsConnect(target));
    } else {
      opened = client.connect(target.port(), target.host());
    }
    opened.onComplete(ar -> {
      Connection c = ar.succeeded() ? addConnection(ar.result(), l, target.host(), target.port(), false) : null;
      if (c == null) {
        connecting.remove(key, fresh);
        fresh.failed(ar.failed() ? ar.cause() : new IllegalStateException("connection limit reached"));
        return;
      }
      fresh.opened(c);
      byRemote.put(c.flow().target(), c);
      if (!connections.containsKey(c.id())) byRemote.remove(c.flow().target(), c); // it closed meanwhile
      connecting.remove(key, fresh);
    });
    return fresh;
  }

  private PendingConnection fail(Target key, PendingConnection pending, String why) {
    connecting.remove(key, pending);
    pending.failed(new IllegalStateException(why));
    return pending;
  }

  /**
   * Connects to the target's address; the server's certificate is checked against the domain it was
   * resolved from, which also goes in SNI (RFC 5922 §4.2, RFC 6066 §3), else against the address.
   */
  private static ConnectOptions tlsConnect(Target target) {
    String name = target.serverName() != null ? target.serverName() : target.host();
    ConnectOptions o = new ConnectOptions().setSsl(true)
        .setRemoteAddress(SocketAddress.inetSocketAddress(target.port(), target.host()))
        .setHost(name).setPort(target.port());
    if (target.serverName() != null) o.setSniServerName(target.serverName());
    return o;
  }

  private Future<Void> sendUdp(Listener l, String host, int port, Buffer data) {
    List<DatagramChannel> channels = udpChannels.get(l.name());
    if (channels == null || channels.isEmpty()) return Future.failedFuture("listener " + l.name() + " is not open");
    InetAddress ip = NetUtil.createInetAddressFromIpAddressString(Hosts.bare(host));
    if (ip == null) return Future.failedFuture("not an IP address: " + host);
    DatagramChannel c = channelFor(channels, ip, port);
    Promise<Void> sent = Promise.promise();
    c.writeAndFlush(new DatagramPacket(((BufferInternal) data).getByteBuf(), new InetSocketAddress(ip, port)))
        .addListener(f -> {
          if (f.isSuccess()) sent.complete();
          else sent.fail(f.cause());
        });
    return sent.future();
  }

  /**
   * The socket of a listener a datagram to {@code ip:port} leaves from. Datagrams written to one
   * socket leave in the order they were written, but two sockets run on two event loops that do not
   * wait for each other: a call whose 100 Trying went out of one and its 200 out of the other could
   * see them swapped, its ACK overtaken by its BYE. So the choice depends only on the sending thread
   * and the destination, never on a counter: the socket the sending event loop owns, where it owns
   * one (the datagram leaves at once, no hop), else the one a hash of the destination picks. Every
   * message of a Call-ID is sent from its routing loop, so a call's datagrams to one peer leave in
   * the order that loop sent them.
   */
  private static DatagramChannel channelFor(List<DatagramChannel> channels, InetAddress ip, int port) {
    int n = channels.size();
    for (int i = 0; i < n; i++) {
      DatagramChannel c = channels.get(i);
      if (c.eventLoop().inEventLoop()) return c;
    }
    if (n == 1) return channels.get(0);
    int h = ip.hashCode() * 31 + port;
    h ^= h >>> 16;
    return channels.get((h & 0x7fffffff) % n);
  }

  public Future<Void> close() {
    return tlsClient == null ? client.close() : Future.join(client.close(), tlsClient.close()).mapEmpty();
  }

  /** Receives what a connection's framer finds. */
  private final class ConnectionSink implements StreamFramer.Sink {
    private final Connection c;
    private final NetSocket socket;

    ConnectionSink(Connection c, NetSocket socket) {
      this.c = c;
      this.socket = socket;
    }

    @Override
    public void message(byte[] message) { dispatcher.receive(message, message.length, c.flow(), false); }

    @Override
    public void ping() { socket.write(Buffer.buffer(new byte[] {'\r', '\n'})); }

    @Override
    public void fatal(int status, String reason, byte[] head) {
      LOG.info("closing connection " + c.flow() + ": " + reason);
      Future<Void> done = head != null ? dispatcher.reject(head, head.length, status, reason, c.flow()) : Future.succeededFuture();
      // Messages framed before the fault are still being routed on other loops: close once their
      // answers have had time to go out, not before.
      done.onComplete(r -> vertx.setTimer(CLOSE_GRACE_MILLIS, id -> socket.close()));
    }
  }
}
