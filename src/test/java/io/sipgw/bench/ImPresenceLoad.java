package io.sipgw.bench;

import io.sipgw.it.SipMessageText;
import io.sipgw.it.SipPeer;
import io.sipgw.it.SippTransport;
import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * Load for the IM and presence figures of bench/im-presence.sh, against a gateway on loopback over
 * UDP, from this process alone (bounded: every wait has a deadline, every loop a count):
 * <ul>
 *   <li>{@code fanout N}: N subscriptions (N dialogs on one socket) to one presentity, then one
 *       PUBLISH: the time from sending it to the last of the N NOTIFYs it causes;</li>
 *   <li>{@code publish N}: N initial PUBLISHes (N presentities), at most 100 unanswered at a time: PUBLISH/s;</li>
 *   <li>{@code delivery N}: N MESSAGEs kept for an offline user, then the user registers: stored
 *       messages delivered per second (one at a time, each after the last one's 200, as delivery goes).</li>
 * </ul>
 * Prints one line: {@code <mode> n=N seconds=S rate=R/s}.
 */
public final class ImPresenceLoad {
  private static final Duration BOUND = Duration.ofSeconds(30);
  private static final String DOMAIN = "localhost";

  /** Names of this run's users, so that runs on one gateway do not meet. */
  private static String run = "";

  private ImPresenceLoad() { }

  public static void main(String[] args) throws IOException {
    if (args.length != 4) {
      System.err.println("usage: ImPresenceLoad PORT fanout|publish|delivery N RUN   (RUN: a name part unique to this run)");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    int n = Integer.parseInt(args[2]);
    run = args[3];
    double seconds = switch (args[1]) {
      case "fanout" -> fanout(port, n);
      case "publish" -> publish(port, n);
      case "delivery" -> delivery(port, n);
      default -> throw new IllegalArgumentException("no mode " + args[1]);
    };
    System.out.printf("%s n=%d seconds=%.3f rate=%.0f/s%n", args[1], n, seconds, n / seconds);
  }

  private static String aor(String user) { return "sip:" + user + run + "@" + DOMAIN; }

  private static String pidf(String user, String note) {
    return "<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" entity=\"" + aor(user) + "\"><tuple id=\"t\"><status><basic>open</basic>"
        + "</status><note>" + note + "</note></tuple></presence>";
  }

  private static String withBody(String request, String type, String body) {
    return request.replace("Content-Length: 0\r\n\r\n", "Content-Type: " + type + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
  }

  /** Answers every request that comes (NOTIFYs) and counts the final responses; returns when {@code responses} came. */
  private static void drain(SipPeer peer, int responses, Set<String> requestsSeen, int requests) throws IOException {
    long deadline = System.nanoTime() + BOUND.toNanos();
    int got = 0;
    while ((got < responses || requestsSeen.size() < requests) && System.nanoTime() < deadline) {
      SipMessageText m = peer.receive(Duration.ofMillis(500));
      if (m == null) continue;
      if (m.isResponse()) {
        if (m.status() >= 200) got++;
      } else {
        requestsSeen.add(m.header("Call-ID") + " " + m.header("CSeq"));
        peer.send(SipPeer.response(m, 200, "OK", null, ""));
      }
    }
    if (got < responses || requestsSeen.size() < requests) {
      throw new IllegalStateException("within " + BOUND + ": " + got + "/" + responses + " responses, " + requestsSeen.size() + "/" + requests
          + " requests");
    }
  }

  private static double fanout(int port, int n) throws IOException {
    try (SipPeer watchers = SipPeer.open(SippTransport.UDP, "127.0.0.1", port);
         SipPeer presentity = SipPeer.open(SippTransport.UDP, "127.0.0.1", port)) {
      Set<String> notifies = new HashSet<>();
      for (int i = 0; i < n; i += 100) {
        int batch = Math.min(100, n - i);
        for (int j = 0; j < batch; j++) {
          watchers.send(watchers.request("SUBSCRIBE", aor("fan"), aor("fan"), "Event: presence\r\nExpires: 3600\r\n"));
        }
        drain(watchers, batch, notifies, i + batch);
      }
      notifies.clear();
      long t0 = System.nanoTime();
      presentity.send(withBody(presentity.request("PUBLISH", aor("fan"), aor("fan"), "Event: presence\r\nExpires: 3600\r\n"),
          "application/pidf+xml", pidf("fan", "fan-out")));
      drain(watchers, 0, notifies, n);
      double seconds = (System.nanoTime() - t0) / 1e9;
      if (presentity.finalResponse(BOUND).status() != 200) throw new IllegalStateException("PUBLISH refused");
      return seconds;
    }
  }

  private static double publish(int port, int n) throws IOException {
    try (SipPeer peer = SipPeer.open(SippTransport.UDP, "127.0.0.1", port)) {
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i += 100) {
        int batch = Math.min(100, n - i);
        for (int j = 0; j < batch; j++) {
          String user = "p" + (i + j);
          peer.send(withBody(peer.request("PUBLISH", aor(user), aor(user), "Event: presence\r\nExpires: 3600\r\n"), "application/pidf+xml",
              pidf(user, "n" + j)));
        }
        drain(peer, batch, new HashSet<>(), 0);
      }
      return (System.nanoTime() - t0) / 1e9;
    }
  }

  private static double delivery(int port, int n) throws IOException {
    try (SipPeer user = SipPeer.open(SippTransport.UDP, "127.0.0.1", port);
         SipPeer sender = SipPeer.open(SippTransport.UDP, "127.0.0.1", port)) {
      user.send(user.request("REGISTER", "sip:" + DOMAIN, aor("inbox"), "Expires: 600\r\n"));
      user.finalResponse(BOUND);
      user.send(user.request("REGISTER", "sip:" + DOMAIN, aor("inbox"), "Expires: 0\r\n"));
      user.finalResponse(BOUND);
      for (int i = 0; i < n; i += 100) {
        int batch = Math.min(100, n - i);
        for (int j = 0; j < batch; j++) {
          sender.send(withBody(sender.request("MESSAGE", aor("inbox"), aor("inbox"), ""), "text/plain", "message " + (i + j)));
        }
        drain(sender, batch, new HashSet<>(), 0);
      }
      long t0 = System.nanoTime();
      user.send(user.request("REGISTER", "sip:" + DOMAIN, aor("inbox"), "Expires: 600\r\n"));
      drain(user, 1, new HashSet<>(), n);
      return (System.nanoTime() - t0) / 1e9;
    }
  }
}
