package io.sipgw.proxy;

import io.sipgw.sip.SipRequest;
import io.sipgw.transport.Flow;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * The presence server as routing sees it: which requests for a local user are its to answer (a
 * PUBLISH, a SUBSCRIBE for an event package it serves) and the answer.
 */
public interface PresenceService {
  /** No presence server: PUBLISH and SUBSCRIBE are routed to the user's bindings as any request. */
  PresenceService NONE = new PresenceService() {
    @Override
    public boolean takes(SipRequest req) { return false; }

    @Override
    public Future<Buffer> answer(SipRequest req, Flow flow, String aor, String fromAor) { return Future.failedFuture("no presence server"); }
  };

  /** Whether {@code req}, for a user of a local domain, is the presence server's to answer. Quick. */
  boolean takes(SipRequest req);

  /**
   * The response to {@code req}, received on {@code flow}, about {@code aor}'s presence;
   * {@code fromAor}: who sends it, {@code user@domain} (canonical) when From is a user of a local
   * domain, else null.
   */
  Future<Buffer> answer(SipRequest req, Flow flow, String aor, String fromAor);
}
