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
   * UDP), whether its Via said it was sent from another address (RFC 3581 §4: a NAT that maps the
   * port), in which case the phone is reached at the source address whatever its Contact says, and
   * the run of the node (gateway process) that holds that connection, {@code <node name>#<run>}: a
   * connection id means something only in the run that gave it, so another node, or the same one
   * after a restart, never writes to whatever connection has that id there; the node name finds the
   * binding again after a restart. Null: this node (a store no other node shares). For a
   * binding that can only be reached over its connection (a WebSocket, an outbound flow), {@code route}
   * is how another node reaches it: a SIP URI of the owning node with a flow token of its own
   * (RFC 5626 §5.2), which that node turns back into the connection; null where none is needed.
   */
  public record Source(String transport, String listener, String host, int port, long connectionId, boolean viaBehindNat,
      String node, String route) {
    public Source(String transport, String listener, String host, int port, long connectionId) {
      this(transport, listener, host, port, connectionId, false, null, null);
    }

    public Source(String transport, String listener, String host, int port, long connectionId, boolean viaBehindNat) {
      this(transport, listener, host, port, connectionId, viaBehindNat, null, null);
    }

    /** This source, reached from other nodes through {@code route}. */
    public Source withRoute(String route) {
      return new Source(transport, listener, host, port, connectionId, viaBehindNat, node, route);
    }

    /** Whether this source's connection, if any, is one of node run {@code self}'s. */
    public boolean onNode(String self) { return node == null || node.equals(self); }

    /** The name of the node, the same across its restarts; null when no node was recorded. */
    public String nodeName() {
      if (node == null) return null;
      int hash = node.lastIndexOf('#');
      return hash < 0 ? node : node.substring(0, hash);
    }
  }

  /** This binding with another source. */
  public Binding withSource(Source s) {
    return new Binding(aor, contact, expiresAtMillis, q, callId, cseq, s, path, instanceId, regId, userAgent);
  }

  public boolean expired(long nowMillis) { return expiresAtMillis <= nowMillis; }

  /** Seconds left, at least 0. */
  public long remainingSeconds(long nowMillis) { return Math.max(0, (expiresAtMillis - nowMillis + 999) / 1000); }

  /** The key that identifies this binding within its AOR: the instance and reg-id, else the Contact URI. */
  public String key() { return instanceId != null ? instanceId + "/" + regId : contact; }
}
