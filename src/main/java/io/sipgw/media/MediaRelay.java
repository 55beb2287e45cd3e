package io.sipgw.media;

import io.vertx.core.Future;

/**
 * What the proxy reaches media bridging through (RFC 3264 offer/answer by way of a relay): the SDP
 * of each side is handed over and comes back rewritten for the other side. Calls run on the routing
 * event loop that owns the Call-ID.
 */
public interface MediaRelay {
  /** The offer of the {@code fromTag} side, rewritten for the side it goes to; fails with an {@link NgException}. */
  Future<String> offer(String callId, String fromTag, String sdp, MediaProfile toward);

  /** The answer of the {@code toTag} side, rewritten for the offerer; fails with an {@link NgException}. */
  Future<String> answer(String callId, String fromTag, String toTag, String sdp, MediaProfile toward);

  /** Ends the call's media if this relay bridged it (either side's tag names it); does nothing otherwise. */
  void delete(String callId, String tag);
}
