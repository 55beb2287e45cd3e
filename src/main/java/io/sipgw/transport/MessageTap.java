package io.sipgw.transport;

import io.vertx.core.buffer.Buffer;

/**
 * Sees every SIP message the transports receive and send, as on the wire (SIP capture): installed with
 * {@link Transports#tap}, removed with {@code tap(null)}. Called on the thread that receives or sends,
 * so quick and never blocking, never throwing; the bytes are the caller's and are read during the call only.
 */
public interface MessageTap {
  /** {@code length} bytes of {@code bytes}, one message received on {@code flow}. */
  void received(Flow flow, byte[] bytes, int length);

  /** One message sent on {@code flow} (for a message sent to a target, a flow naming the listener it leaves from). */
  void sent(Flow flow, Buffer data);
}
