package io.sipgw.capture;

import io.netty.util.NetUtil;
import io.sipgw.config.CaptureConfig;
import io.sipgw.sip.Hosts;
import io.sipgw.sip.Transport;
import io.sipgw.transport.Flow;
import io.sipgw.transport.Listener;
import io.sipgw.transport.MessageTap;
import io.sipgw.transport.Transports;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;

/**
 * SIP capture ({@code capture}): every SIP message the transports receive and send, encoded as a HEP
 * v3 packet ({@link HepPacket}) and sent over UDP to the collector (Homer's heplify-server) from one
 * Vert.x datagram socket. Switched on and off at run time ({@link #enable}, and {@link #configure} on a
 * reload): when off it is not installed in the transports at all, whose cost per message is then one
 * volatile read. Never blocks: a packet is encoded on the thread that received or sent the message,
 * handed to the socket, and dropped (counted) when {@link #MAX_IN_FLIGHT} packets are still waiting to
 * go out. The payload is the SIP message as on the wire, decrypted for TLS and WSS and without the
 * WebSocket framing for WS; every transport but UDP is reported as TCP (HEP has no WebSocket protocol id).
 */
public final class HepCapture implements MessageTap {
  private static final Logger LOG = Logger.getLogger("sipgw.capture");
  /** Packets handed to the socket and not yet written, past which new ones are dropped. */
  static final int MAX_IN_FLIGHT = 4096;
  /** How often, at most, dropped packets are logged. */
  private static final long DROP_LOG_NANOS = 10_000_000_000L;

  private final Vertx vertx;
  private final Transports transports;
  private final int maxInFlight;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final LongAdder sent = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private volatile long lastDropLog = System.nanoTime() - DROP_LOG_NANOS;
  /** Where packets go; null while the collector's name is being resolved (packets dropped meanwhile). */
  private volatile Collector collector;
  private volatile CaptureConfig config;
  private volatile boolean enabled;

  /** Where packets go and what they carry besides the message. */
  private record Collector(DatagramSocket socket, String ip, int port, long agentId, byte[] authKey) { }

  private HepCapture(Vertx vertx, Transports transports, int maxInFlight) {
    this.vertx = vertx;
    this.transports = transports;
    this.maxInFlight = maxInFlight;
  }

  /** A capture for {@code transports}, set as {@code config} says (on or off). */
  public static HepCapture create(Vertx vertx, Transports transports, CaptureConfig config) {
    return create(vertx, transports, config, MAX_IN_FLIGHT);
  }

  /** As {@link #create(Vertx, Transports, CaptureConfig)}, dropping past {@code maxInFlight} packets waiting to go out. */
  static HepCapture create(Vertx vertx, Transports transports, CaptureConfig config, int maxInFlight) {
    HepCapture c = new HepCapture(vertx, transports, maxInFlight);
    c.configure(config);
    return c;
  }

  /**
   * Applies {@code capture} (at start and on a reload): the collector, agent id and password, and on or
   * off. A reload that leaves {@code capture} as it was changes nothing, not even an on/off set by
   * {@link #enable} meanwhile. A collector given by name is resolved off the event loop.
   */
  public synchronized void configure(CaptureConfig c) {
    if (c.equals(config)) return;
    CaptureConfig before = config;
    config = c;
    if (before == null || !before.host().equals(c.host()) || before.port() != c.port() || before.agentId() != c.agentId()
        || !java.util.Objects.equals(before.password(), c.password())) {
      byte[] key = c.password() == null ? null : c.password().getBytes(StandardCharsets.UTF_8);
      if (NetUtil.isValidIpV4Address(c.host()) || NetUtil.isValidIpV6Address(c.host())) {
        collector(c, c.host(), key);
      } else {
        collector = null;
        vertx.executeBlocking(() -> InetAddress.getByName(c.host()).getHostAddress(), false)
            .onSuccess(ip -> collector(c, ip, key))
            .onFailure(e -> LOG.warning("capture: cannot resolve the collector " + c.hep() + " (capture.hep): " + e.getMessage()));
      }
    }
    enable(c.enabled());
  }

  private synchronized void collector(CaptureConfig c, String ip, byte[] key) {
    if (config != c) return; // a newer config came meanwhile
    Collector old = collector;
    boolean v6 = ip.indexOf(':') >= 0;
    DatagramSocket socket = old != null && old.ip().indexOf(':') >= 0 == v6 ? old.socket()
        : vertx.createDatagramSocket(new DatagramSocketOptions().setIpV6(v6));
    if (old != null && old.socket() != socket) old.socket().close();
    collector = new Collector(socket, ip, c.port(), c.agentId(), key);
  }

  /** Starts (true) or stops (false) sending packets, at once; for the admin RPC as well as for reloads. */
  public synchronized void enable(boolean on) {
    if (on == enabled) return;
    enabled = on;
    transports.tap(on ? this : null);
    LOG.info("capture: " + (on ? "on, HEP v3 to " + config.hep() + " as agent " + config.agentId() : "off"));
  }

  /** Whether messages are being captured. */
  public boolean enabled() { return enabled; }

  /** Packets handed to the socket and not yet written. */
  int inFlight() { return inFlight.get(); }

  /** Packets handed to the socket since the start. */
  public long sentPackets() { return sent.sum(); }

  /** Packets dropped since the start: the socket could not keep up, the collector was unresolved, or the packet was too large. */
  public long droppedPackets() { return dropped.sum(); }

  @Override
  public void received(Flow flow, byte[] bytes, int length) {
    capture(flow, false, bytes, length);
  }

  @Override
  public void sent(Flow flow, Buffer data) {
    byte[] bytes = data.getBytes();
    capture(flow, true, bytes, bytes.length);
  }

  private void capture(Flow flow, boolean outbound, byte[] message, int length) {
    Collector c = collector;
    if (c == null || !enabled) {
      if (c == null) drop();
      return;
    }
    if (inFlight.get() >= maxInFlight) {
      drop();
      return;
    }
    Listener l = flow.listener();
    byte[] local = address(localHost(l));
    byte[] remote = address(flow.remoteHost());
    if (local.length != remote.length) {
      local = mapped(local);
      remote = mapped(remote);
    }
    int protocol = flow.transport() == Transport.UDP ? HepPacket.UDP : HepPacket.TCP;
    Instant now = Instant.now();
    byte[] packet = outbound
        ? HepPacket.encode(protocol, local, l.port(), remote, flow.remotePort(), now.getEpochSecond(), now.getNano() / 1000,
            c.agentId(), c.authKey(), message, 0, length)
        : HepPacket.encode(protocol, remote, flow.remotePort(), local, l.port(), now.getEpochSecond(), now.getNano() / 1000,
            c.agentId(), c.authKey(), message, 0, length);
    if (packet == null) {
      drop();
      return;
    }
    inFlight.incrementAndGet();
    Future<Void> f = c.socket().send(Buffer.buffer(packet), c.port(), c.ip());
    f.onComplete(ar -> {
      inFlight.decrementAndGet();
      if (ar.succeeded()) sent.increment();
      else drop();
    });
  }

  private void drop() {
    dropped.increment();
    long now = System.nanoTime();
    long last = lastDropLog;
    if (now - last >= DROP_LOG_NANOS) {
      lastDropLog = now;
      LOG.warning("capture: " + dropped.sum() + " HEP packet(s) dropped so far (collector " + (config == null ? "?" : config.hep())
          + " unresolved, or the socket cannot keep up)");
    }
  }

  /** The local address of a listener: the bound one, or for a wildcard bind the advertised one if that is an address. */
  private static String localHost(Listener l) {
    String h = Hosts.bare(l.host());
    if (h.equals("0.0.0.0") || h.equals("::")) {
      String adv = Hosts.bare(l.sentByHost());
      if (NetUtil.isValidIpV4Address(adv) || NetUtil.isValidIpV6Address(adv)) return adv;
    }
    return h;
  }

  /** The 4 or 16 bytes of an IP address; 4 zero bytes for what is not one. */
  private static byte[] address(String ip) {
    byte[] b = NetUtil.createByteArrayFromIpAddressString(Hosts.bare(ip));
    return b != null ? b : new byte[4];
  }

  /** An IPv4 address as IPv4-mapped IPv6 (::ffff:a.b.c.d); an IPv6 one as it is. */
  private static byte[] mapped(byte[] a) {
    if (a.length == 16) return a;
    byte[] m = new byte[16];
    m[10] = (byte) 0xff;
    m[11] = (byte) 0xff;
    System.arraycopy(a, 0, m, 12, 4);
    return m;
  }

  /** Stops capturing and closes the socket. */
  public synchronized Future<Void> close() {
    enable(false);
    Collector c = collector;
    collector = null;
    return c == null ? Future.succeededFuture() : c.socket().close();
  }
}
