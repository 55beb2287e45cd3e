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
  private NetServer server;

  public TcpListenerVerticle(Listener listener, Transports transports) {
    this.listener = listener;
    this.transports = transports;
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
    return server.listen();
  }

  @Override
  public Future<?> stop() { return server.close(); }
}
