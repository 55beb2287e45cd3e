package io.sipgw.media;

import io.vertx.core.Future;
import java.util.logging.Logger;

/** {@link MediaRelay} through rtpengine's ng protocol: offer, answer and delete of one {@link NgClient}. */
public final class RtpengineRelay implements MediaRelay {
  private static final Logger LOG = Logger.getLogger("sipgw.media");

  private final NgClient client;

  public RtpengineRelay(NgClient client) { this.client = client; }

  @Override
  public Future<String> offer(String callId, String fromTag, String sdp, MediaProfile toward) {
    return sdpOf(client.call(callId, NgCommands.offer(callId, fromTag, sdp, toward)), "offer");
  }

  @Override
  public Future<String> answer(String callId, String fromTag, String toTag, String sdp, MediaProfile toward) {
    return sdpOf(client.call(callId, NgCommands.answer(callId, fromTag, toTag, sdp, toward)), "answer");
  }

  @Override
  public void delete(String callId, String tag) {
    if (!client.knows(callId)) return;
    client.call(callId, NgCommands.delete(callId, tag)).onComplete(ar -> {
      client.forget(callId);
      if (ar.succeeded()) LOG.fine(() -> "media of the call deleted on rtpengine (Call-ID " + callId + ")");
      else LOG.info("rtpengine delete failed: " + ar.cause().getMessage() + " (Call-ID " + callId + ")");
    });
  }

  private static Future<String> sdpOf(Future<NgReply> reply, String command) {
    return reply.compose(r -> r.sdp() != null ? Future.succeededFuture(r.sdp())
        : Future.failedFuture(NgException.refused("no sdp in the reply to " + command)));
  }

  public Future<Void> close() { return client.close(); }
}
