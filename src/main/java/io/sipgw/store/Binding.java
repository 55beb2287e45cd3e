package io.sipgw.store;

import java.util.List;

/**
 * One registered contact of an address of record (RFC 3261 §10.3): the Contact URI, when it expires,
 * its q-value, the Call-ID/CSeq that last changed it, and where the REGISTER came from (the source
 * address and flow, for NAT and for reaching the phone over its own connection), the Path (RFC 3327)
 * and the RFC 5626 instance.
 */
public record Binding(
    String aor,
    String contact,
    long expiresAtMillis,
    float q,
    String callId,
    long cseq,
    Source source,
    List<String> path,
    String instanceId,
    int regId,
    String userAgent) {

  /**
   * Where the REGISTER arrived from: transport, listener name, source address, connection id (0 for
   * UDP), and whether its Via said it was sent from another address (RFC 3581 §4: a NAT that maps the
   * port), in which case the phone is reached at the source address whatever its Contact says.
   */
  public record Source(String transport, String listener, String host, int port, long connectionId, boolean viaBehindNat) {
    public Source(String transport, String listener, String host, int port, long connectionId) {
      this(transport, listener, host, port, connectionId, false);
    }
  }

  public boolean expired(long nowMillis) { return expiresAtMillis <= nowMillis; }

  /** Seconds left, at least 0. */
  public long remainingSeconds(long nowMillis) { return Math.max(0, (expiresAtMillis - nowMillis + 999) / 1000); }

  /** The key that identifies this binding within its AOR: the instance and reg-id, else the Contact URI. */
  public String key() { return instanceId != null ? instanceId + "/" + regId : contact; }
}
