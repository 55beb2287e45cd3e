package io.sipgw.transport;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/** Passes {@link InboundMessage} by reference inside the JVM; it never leaves the process. */
public final class InboundCodec implements MessageCodec<InboundMessage, InboundMessage> {
  public static final String NAME = "sipgw-inbound";

  @Override
  public void encodeToWire(Buffer buffer, InboundMessage m) {
    throw new IllegalStateException("inbound SIP messages stay in this process");
  }

  @Override
  public InboundMessage decodeFromWire(int pos, Buffer buffer) {
    throw new IllegalStateException("inbound SIP messages stay in this process");
  }

  @Override
  public InboundMessage transform(InboundMessage m) { return m; }

  @Override
  public String name() { return NAME; }

  @Override
  public byte systemCodecID() { return -1; }
}
