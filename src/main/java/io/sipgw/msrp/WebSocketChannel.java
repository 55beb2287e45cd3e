package io.sipgw.msrp;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketBase;

/**
 * An MSRP connection over a WebSocket (RFC 7977 §5): what is written between two
 * {@link #messageEnd}s goes as one binary WebSocket message, at most {@code maxMessage} bytes (a
 * longer one is cut: the relay answers such a chunk 413 before it comes to this).
 */
final class WebSocketChannel implements Channel {
  private final WebSocketBase ws;
  private final int maxMessage;
  private Buffer message = Buffer.buffer();

  WebSocketChannel(WebSocketBase ws, int maxQueued, int maxMessage) {
    this.ws = ws;
    this.maxMessage = maxMessage;
    ws.setWriteQueueMaxSize(maxQueued);
  }

  @Override
  public void write(Buffer bytes) {
    if (message.length() + bytes.length() <= maxMessage) message.appendBuffer(bytes);
  }

  @Override
  public void messageEnd() {
    Buffer m = message;
    message = Buffer.buffer();
    ws.writeBinaryMessage(m);
  }

  @Override
  public int maxMessage() { return maxMessage; }

  @Override
  public boolean full() { return ws.writeQueueFull(); }

  @Override
  public void onDrain(Runnable drained) { ws.drainHandler(v -> drained.run()); }

  @Override
  public void pause() { ws.pause(); }

  @Override
  public void resume() { ws.resume(); }

  @Override
  public void close() { ws.close(); }

  @Override
  public String remote() { return ws.remoteAddress().host() + ":" + ws.remoteAddress().port(); }

  @Override
  public String remoteHost() { return ws.remoteAddress().host(); }

  @Override
  public String transport() { return "ws"; }
}
