package io.sipgw.transport;

import io.sipgw.sip.Hosts;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.TcpServerConfig;
import java.util.logging.Logger;

/**
 * One instance of a TCP or TLS listener. Vert.x shares the port between instances and hands each
 * accepted connection to one of them; the connection's bytes are framed by Content-Length (RFC 3261
 * §18.3), the same over TLS once the handshake is done (§26.2). A TLS listener presents the
 * certificate of its {@link TlsCertificates}, which also hands it every reloaded one.
 */
public final class StreamListenerVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger("sipgw.transport");

  private final Listener listener;
  private final Transports transports;
  private final TlsCertificates tls;
  private NetServer server;

  /** A TCP listener when {@code tls} is null, else a TLS listener presenting its certificate. */
  public StreamListenerVerticle(Listener listener, Transports transports, TlsCertificates tls) {
    this.listener = listener;
    this.transports = transports;
    this.tls = tls;
  }

  @Override
  public Future<?> start() {
    NetServerOptions options = new NetServerOptions()
        .setHost(Hosts.bare(listener.host()))
        .setPort(listener.port())
        .setTcpNoDelay(true)
        .setAcceptBacklog(1024)
        .setReuseAddress(true);
    server = tls == null ? vertx.createNetServer(options)
        : vertx.createNetServer(new TcpServerConfig(options).setSsl(true), tls.serverOptions());
    server.connectHandler(socket -> transports.addConnection(socket, listener, socket.remoteAddress().host(), socket.remoteAddress().port()));
    // a failed handshake (no or an untrusted client certificate, not TLS at all) closes that connection only
    server.exceptionHandler(e -> LOG.fine(() -> "connection refused on " + listener.name() + ": " + e.getMessage()));
    if (tls != null) tls.register(server);
    return server.listen();
  }

  @Override
  public Future<?> stop() {
    if (tls != null) tls.unregister(server);
    return server.close();
  }
}
