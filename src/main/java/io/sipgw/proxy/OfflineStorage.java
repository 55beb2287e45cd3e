package io.sipgw.proxy;

import io.sipgw.sip.SipRequest;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * Where a MESSAGE for a user of a local domain who has no binding may be kept for later delivery
 * (store and forward, as Kamailio's msilo), reached by routing through this interface alone.
 */
public interface OfflineStorage {
  /** Nothing is kept: such a MESSAGE gets 480 or 404 as any request. */
  OfflineStorage NONE = (req, aor, known) -> Future.succeededFuture();

  /**
   * The response for {@code req}, a MESSAGE for {@code aor} that has no binding ({@code known}: the
   * location service knows the AOR): 202 when it was kept, 486 or 503 when a cap refused it; null when
   * it is not one to keep. Never fails: a store that cannot be reached gives a 503.
   */
  Future<Buffer> keep(SipRequest req, String aor, boolean known);
}
