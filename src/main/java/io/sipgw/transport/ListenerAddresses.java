package io.sipgw.transport;

import io.sipgw.config.ListenConfig;
import io.sipgw.sip.Hosts;
import io.sipgw.sip.Transport;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns configured listeners into {@link Listener}s with a concrete address to advertise: the
 * configured advertise address, else the bound address, else (for a wildcard bind) the first
 * non-loopback address of the family. A port of 0 gets a free port, the same for UDP and TCP on one
 * host, another one for TLS. Blocking (interface enumeration, probe sockets): run at start on a worker thread.
 */
public final class ListenerAddresses {
  private ListenerAddresses() { }

  public static List<Listener> resolve(List<ListenConfig> configs) throws IOException {
    List<Listener> out = new ArrayList<>();
    Map<String, Integer> chosen = new HashMap<>();
    for (ListenConfig c : configs) {
      int port = c.port();
      if (port == 0) port = chosen.computeIfAbsent(c.host() + (c.transport() == Transport.TLS ? " tls" : ""), k -> freePort(c.host()));
      String sentBy = c.advertiseHost() != null ? c.advertiseHost() : concrete(c.host());
      int sentByPort = c.advertiseHost() != null || c.port() != 0 ? (c.port() == 0 ? port : c.advertisePort()) : port;
      String name = c.transport().uriParam() + ":" + Hosts.forUri(c.host()) + ":" + port;
      out.add(new Listener(name, c.transport(), c.host(), port, sentBy, sentByPort, boundAddresses(c.host())));
    }
    return out;
  }

  /**
   * The addresses a socket bound to {@code host} receives on; for a wildcard, every address of the
   * machine. The JVM and Netty's native transport open IPv6 sockets that also take IPv4 (IPV6_V6ONLY
   * off), and bind such a socket to {@code ::} when told {@code 0.0.0.0}: the default listeners on
   * 0.0.0.0 receive on [::1] and the machine's other IPv6 addresses too (seen as {@code *:5060} in
   * {@code ss}). Only with {@code -Djava.net.preferIPv4Stack=true} is a 0.0.0.0 socket IPv4 alone.
   * RFC 3261 §16.4: a request for any of them is for this proxy, not to be forwarded to itself.
   */
  static Set<String> boundAddresses(String host) throws SocketException {
    String bare = Hosts.bare(host);
    if (!bare.equals("0.0.0.0") && !bare.equals("::")) return Set.of(Hosts.canonicalIp(bare).toLowerCase());
    boolean v4Only = bare.equals("0.0.0.0") && Boolean.getBoolean("java.net.preferIPv4Stack");
    Set<String> out = new HashSet<>();
    for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      for (InetAddress a : Collections.list(ni.getInetAddresses())) {
        if (!v4Only || !(a instanceof Inet6Address)) out.add(Hosts.canonicalIp(a.getHostAddress()).toLowerCase());
      }
    }
    return Set.copyOf(out);
  }

  private static String concrete(String host) throws SocketException {
    boolean v6 = Hosts.isIpv6(Hosts.bare(host));
    if (!host.equals("0.0.0.0") && !Hosts.bare(host).equals("::")) return host;
    String loopback = v6 ? "::1" : "127.0.0.1";
    for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!ni.isUp() || ni.isLoopback()) continue;
      for (InetAddress a : Collections.list(ni.getInetAddresses())) {
        if (a.isLinkLocalAddress() || (a instanceof Inet6Address) != v6) continue;
        String s = a.getHostAddress();
        int zone = s.indexOf('%');
        return zone < 0 ? s : s.substring(0, zone);
      }
    }
    return loopback;
  }

  private static int freePort(String host) {
    for (int attempt = 0; attempt < 50; attempt++) {
      try (ServerSocket tcp = new ServerSocket()) {
        tcp.bind(new InetSocketAddress(Hosts.bare(host), 0));
        int port = tcp.getLocalPort();
        try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(Hosts.bare(host), port))) {
          return port;
        } catch (IOException busy) {
          // UDP side taken: try another
        }
      } catch (IOException e) {
        throw new IllegalStateException("cannot find a free port on " + host + ": " + e.getMessage(), e);
      }
    }
    throw new IllegalStateException("cannot find a free port on " + host);
  }

}
