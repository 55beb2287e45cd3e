package io.sipgw.msrp;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;

/** An MSRP connection over TCP or TLS: bytes as they come, the socket's write queue as the cap on bytes in flight. */
final class StreamChannel implements Channel {
  private final NetSocket socket;

  StreamChannel(NetSocket socket, int maxQueued) {
    this.socket = socket;
    socket.setWriteQueueMaxSize(maxQueued);
  }

  @Override
  public void write(Buffer bytes) { socket.write(bytes); }

  @Override
  public void messageEnd() { }

  @Override
  public boolean full() { return socket.writeQueueFull(); }

  @Override
  public void onDrain(Runnable drained) { socket.drainHandler(v -> drained.run()); }

  @Override
  public void pause() { socket.pause(); }

  @Override
  public void resume() { socket.resume(); }

  @Override
  public void close() { socket.close(); }

  @Override
  public String remote() { return socket.remoteAddress().host() + ":" + socket.remoteAddress().port(); }

  @Override
  public String remoteHost() { return socket.remoteAddress().host(); }

  @Override
  public String transport() { return "tcp"; }
}
