package io.sipgw.transport;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;

/** One TCP connection, accepted or opened, with the flow it stands for. */
public final class Connection {
  private final NetSocket socket;
  private final Flow flow;
  private volatile long lastUsed = System.nanoTime();

  Connection(NetSocket socket, Flow flow) {
    this.socket = socket;
    this.flow = flow;
  }

  public Flow flow() { return flow; }

  public long id() { return flow.connectionId(); }

  void touch() { lastUsed = System.nanoTime(); }

  long idleNanos() { return System.nanoTime() - lastUsed; }

  io.vertx.core.Future<Void> write(Buffer data) {
    touch();
    return socket.write(data);
  }

  void close() { socket.close(); }
}
