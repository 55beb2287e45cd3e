package io.sipgw.transport;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/** One connection (TCP, TLS, WebSocket), accepted or opened, with the flow it stands for. */
public final class Connection {
  /** What a connection writes one whole message to and closes: a socket, or a WebSocket (one message a frame). */
  interface Channel {
    Future<Void> write(Buffer message);

    void close();

    /** A keep-alive the peer must answer (a WebSocket ping); nothing where the transport has none. */
    default void ping() { }
  }

  private final Channel channel;
  private final Flow flow;
  /** Whether it counts towards its source address's limit (an accepted connection from a limited address). */
  private volatile boolean countedForSource;
  private volatile long lastUsed = System.nanoTime();
  private volatile long lastHeard = lastUsed;

  Connection(Channel channel, Flow flow) {
    this.channel = channel;
    this.flow = flow;
  }

  public Flow flow() { return flow; }

  void countedForSource(boolean counted) { this.countedForSource = counted; }

  boolean countedForSource() { return countedForSource; }

  public long id() { return flow.connectionId(); }

  void touch() { lastUsed = System.nanoTime(); }

  /** Something came from the peer: a message, a keep-alive, a pong. */
  void heard() {
    lastHeard = System.nanoTime();
    lastUsed = lastHeard;
  }

  /** How long the peer has sent nothing. */
  long silentNanos() { return System.nanoTime() - lastHeard; }

  void ping() { channel.ping(); }

  long idleNanos() { return System.nanoTime() - lastUsed; }

  Future<Void> write(Buffer data) {
    touch();
    return channel.write(data);
  }

  void close() { channel.close(); }
}
