package io.sipgw.proxy;

import io.sipgw.sip.SipRequest;
import io.sipgw.transport.Flow;
import java.util.logging.Logger;

/**
 * Logs requests refused with 503 because the transaction table is full, the source has too many
 * transactions open or the routing loop is behind:
 * the first one, then at most one line a second with the count since, so a flood does not flood the
 * log as well.
 */
final class OverloadLog {
  private static final Logger LOG = Logger.getLogger("sipgw.proxy");
  private static final long INTERVAL_NANOS = 1_000_000_000L;

  private long lastLog = System.nanoTime() - INTERVAL_NANOS;
  private long suppressed;

  void rejected(SipRequest req, Flow flow, String why, int transactions, int fromSource) {
    long now = System.nanoTime();
    if (now - lastLog < INTERVAL_NANOS) {
      suppressed++;
      return;
    }
    LOG.warning("rejected " + req.method() + " from " + flow + " with 503: " + why + ", " + transactions + " transactions open on this loop, " + fromSource + " from this address"
        + (suppressed > 0 ? "; " + suppressed + " more rejected since the last report" : "") + " (Call-ID " + req.callId() + ")");
    lastLog = now;
    suppressed = 0;
  }
}
