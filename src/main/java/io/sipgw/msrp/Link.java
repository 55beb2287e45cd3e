package io.sipgw.msrp;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One MSRP connection and what the relay knows of it: the sessions authenticated on it (it owns
 * them: what is sent to them goes down it), the transactions forwarded down it that wait for their
 * response, where the body being read goes, and, while an outbound one connects, what waits to be
 * written. Touched on the relay's event loop only.
 */
final class Link {
  final long id;
  /** The relay URI of the listener it came in on, or of the next hop it was opened to. */
  final MsrpUri local;
  /** {@code host:port;transport} of an outbound link, its key among the relay's; null for an inbound one. */
  final String authority;
  Channel channel;
  MsrpFramer framer;
  final Set<String> sessions = new HashSet<>();
  final Map<String, Pending> pending = new HashMap<>();
  /** Where the body of the message being read goes (null: it is dropped), and that message's transaction. */
  Link target;
  String targetTid;
  /** Whether that message has a body, and its bytes written to {@link #target} so far. */
  boolean targetBody;
  long targetBytes;
  private List<Buffer> queued;
  private int queuedBytes;
  long lastActive;
  boolean closed;

  /**
   * A transaction forwarded down this link: who sent it, the URIs its response is addressed with,
   * and, when its sender wants failures reported ({@code report}), the head a failure REPORT is made of.
   */
  record Pending(Link from, String toPath, String fromPath, long timer, MsrpHead report) { }

  Link(long id, MsrpUri local, String authority, Channel channel, long now) {
    this.id = id;
    this.local = local;
    this.authority = authority;
    this.channel = channel;
    this.lastActive = now;
    if (channel == null) queued = new ArrayList<>();
  }

  boolean connecting() { return channel == null; }

  /** Writes now, or once connected. */
  void send(Buffer bytes) {
    if (closed) return;
    if (channel == null) {
      queued.add(bytes);
      queuedBytes += bytes.length();
    } else {
      channel.write(bytes);
    }
  }

  void messageEnd() {
    if (closed) return;
    if (channel == null) queued.add(null);
    else channel.messageEnd();
  }

  /** Connected: what waited is written. */
  void connected(Channel c) {
    channel = c;
    for (Buffer b : queued) {
      if (b == null) c.messageEnd();
      else c.write(b);
    }
    queued = null;
    queuedBytes = 0;
  }

  boolean full(int max) { return channel == null ? queuedBytes > max : channel.full(); }

  String remote() { return channel == null ? authority : channel.remote(); }

  @Override
  public String toString() { return "link " + id + " (" + remote() + ")"; }
}
