package io.sipgw.transport;

import io.sipgw.sip.Hosts;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;

/**
 * One instance of a TCP listener. Vert.x shares the port between instances and hands each accepted
 * connection to one of them; the connection's bytes are framed by Content-Length (RFC 3261 §18.3).
 */
public final class TcpListenerVerticle extends VerticleBase {
  private final Listener listener;
  private final Transports transports;
  private final long idleTimeoutNanos;
  private NetServer server;

  public TcpListenerVerticle(Listener listener, Transports transports, int idleTimeoutSeconds) {
    this.listener = listener;
    this.transports = transports;
    this.idleTimeoutNanos = idleTimeoutSeconds * 1_000_000_000L;
  }

  @Override
  public Future<?> start() {
    server = vertx.createNetServer(new NetServerOptions()
        .setHost(Hosts.bare(listener.host()))
        .setPort(listener.port())
        .setTcpNoDelay(true)
        .setAcceptBacklog(1024)
        .setReuseAddress(true));
    server.connectHandler(socket -> transports.addConnection(socket, listener, socket.remoteAddress().host(), socket.remoteAddress().port()));
    long period = Math.max(1000, Math.min(60_000, idleTimeoutNanos / 1_000_000 / 4));
    vertx.setPeriodic(period, id -> transports.closeIdle(idleTimeoutNanos));
    return server.listen();
  }

  @Override
  public Future<?> stop() { return server.close(); }
}
