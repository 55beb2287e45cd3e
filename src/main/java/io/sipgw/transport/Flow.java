package io.sipgw.transport;

import io.sipgw.sip.Hosts;
import io.sipgw.sip.Transport;

/**
 * Where a message came from and how to reach that peer again: the transport, the listener it arrived
 * on, the remote address and, for a connection, the connection's id (0 for UDP).
 */
public record Flow(Transport transport, Listener listener, String remoteHost, int remotePort, long connectionId) {

  /** {@code udp:1.2.3.4:5060} style, for logs. */
  @Override
  public String toString() {
    return transport.uriParam() + ":" + Hosts.forUri(remoteHost) + ":" + remotePort + (connectionId != 0 ? "#" + connectionId : "");
  }

  public Target target() { return new Target(transport, remoteHost, remotePort); }
}
