package io.sipgw.it;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Ports free for both UDP and TCP on one loopback address (::1 or any of 127.0.0.0/8), never the same one twice in a JVM
 * (a port handed out and not yet bound by its SIPp or gateway would otherwise be handed out
 * again).
 */
public final class FreePorts {
  public static final String IPV4_LOOPBACK = "127.0.0.1";
  public static final String IPV6_LOOPBACK = "::1";

  private static final int ATTEMPTS = 200;
  private static final String TCP_LISTEN = "0A";
  private static final String TCP_TIME_WAIT = "06";
  private static final String TCP_CLOSE = "07";
  private static final Set<Integer> handedOut = new HashSet<>();

  private FreePorts() { }

  /** A port on which both a TCP listener and a UDP socket can bind on {@code host} right now. */
  public static synchronized int udpAndTcp(String host) {
    InetAddress address = address(host);
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      int port;
      try (ServerSocket tcp = new ServerSocket()) {
        tcp.setReuseAddress(false);
        tcp.bind(new InetSocketAddress(address, 0));
        port = tcp.getLocalPort();
        if (handedOut.contains(port)) continue;
        try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(address, port))) {
          handedOut.add(port);
          return port;
        }
      } catch (IOException taken) {
        // the UDP side is in use: try another port
      }
    }
    throw new IllegalStateException("no port free for both UDP and TCP on " + host + " after " + ATTEMPTS + " attempts");
  }

  /**
   * Whether a socket is bound to {@code port} on this machine: a TCP listener or a UDP socket,
   * read from /proc/net (binding a probe socket would race with the process about to bind).
   */
  public static boolean isBound(int port, boolean tcp) { return isBound("/proc/net/", port, tcp); }

  /**
   * Whether a socket is bound to {@code port} in the network namespace of process {@code pid}
   * (/proc/PID/net): the same as {@link #isBound(int, boolean)} for a process of this namespace,
   * and what tells that a process in a {@link NetNamespace} listens. False once the process is gone.
   */
  public static boolean isBound(long pid, int port, boolean tcp) { return isBound("/proc/" + pid + "/net/", port, tcp); }

  private static boolean isBound(String procNet, int port, boolean tcp) {
    return anySocket(procNet, tcp ? "tcp" : "udp", column -> port(column[1]) == port && (!tcp || column[3].equals(TCP_LISTEN)));
  }

  /**
   * Whether the TCP connection from {@code localPort} to {@code remotePort} is still open on this
   * machine's side of {@code localPort} (any state but TIME_WAIT and CLOSE): e.g. whether a server
   * has closed its end of a connection its peer closed.
   */
  public static boolean isConnected(int localPort, int remotePort) {
    return anySocket("/proc/net/", "tcp", column -> port(column[1]) == localPort && port(column[2]) == remotePort
        && !column[3].equals(TCP_TIME_WAIT) && !column[3].equals(TCP_CLOSE));
  }

  /** Whether a row of {procNet}{family} or {procNet}{family}6 (/proc/net/tcp ...), split into columns, matches. */
  private static boolean anySocket(String procNet, String family, Predicate<String[]> matches) {
    for (String table : List.of(procNet + family, procNet + family + "6")) {
      try {
        for (String line : Files.readAllLines(Path.of(table))) {
          String[] column = line.trim().split("\\s+");
          if (column.length < 4 || !column[1].contains(":")) continue;
          if (matches.test(column)) return true;
        }
      } catch (NoSuchFileException noIpv6) {
        // no such table on this machine
      } catch (IOException | NumberFormatException e) {
        throw new IllegalStateException("cannot read " + table, e);
      }
    }
    return false;
  }

  /** The port of a /proc/net address column, {@code 0100007F:1F90}. */
  private static int port(String address) {
    return Integer.parseInt(address.substring(address.indexOf(':') + 1), 16);
  }

  /** Whether this machine has an IPv6 loopback to bind to. */
  public static boolean hasIpv6Loopback() {
    try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(address(IPV6_LOOPBACK), 0))) {
      return true;
    } catch (IOException | IllegalStateException none) {
      return false;
    }
  }

  /** A loopback address given as a literal: ::1 or any of 127.0.0.0/8 (Linux routes all of it to lo). */
  private static InetAddress address(String host) {
    if (!host.equals(IPV6_LOOPBACK) && !host.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}")) {
      throw new IllegalArgumentException("integration tests stay on loopback, not " + host);
    }
    try {
      InetAddress address = InetAddress.getByName(host);
      if (!address.isLoopbackAddress()) throw new IllegalArgumentException("not a loopback address: " + host);
      return address;
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
