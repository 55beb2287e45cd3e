package io.sipgw.proxy;

import io.sipgw.sip.SipRequest;
import io.sipgw.sip.SipResponse;
import io.sipgw.transport.InboundMessage;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;

/**
 * One routing instance on one event loop. The dispatcher sends it every message whose Call-ID hashes
 * to its address, so the messages of a call are handled in order, on one thread, without locks.
 */
public final class RoutingVerticle extends VerticleBase {
  private final String address;
  private final RequestRouter requests;
  private final ResponseRouter responses;
  private MessageConsumer<InboundMessage> consumer;

  public RoutingVerticle(String address, RequestRouter requests, ResponseRouter responses) {
    this.address = address;
    this.requests = requests;
    this.responses = responses;
  }

  @Override
  public Future<?> start() {
    consumer = vertx.eventBus().localConsumer(address, msg -> {
      InboundMessage in = msg.body();
      if (in.message() instanceof SipRequest r) requests.route(r, in.flow());
      else responses.forward((SipResponse) in.message(), in.flow());
    });
    return consumer.completion();
  }

  @Override
  public Future<?> stop() { return consumer.unregister(); }
}
