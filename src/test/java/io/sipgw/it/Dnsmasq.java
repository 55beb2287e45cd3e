package io.sipgw.it;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real DNS server for tests: Debian's dnsmasq (package dnsmasq-base) on 127.0.0.1 (or ::1) at a free port (UDP and TCP),
 * serving the NAPTR, SRV and A/AAAA records the test writes ({@link #naptr}, {@link #srv}, {@link #host}) and nothing
 * else: no upstream servers, no /etc/hosts, no config file. Names under {@code test}, {@code arpa} and {@code
 * localhost} that it has no record for get NXDOMAIN (a name it has with another type, NODATA); anything else REFUSED.
 * Every record has the TTL given at start. {@link #queries} lists what it was asked ("NAPTR sip.test"), from its log;
 * {@link #stop} and {@link #restart} take it away and bring it back on the same port, with other records if wanted.
 */
public final class Dnsmasq implements AutoCloseable {
  private static final Duration START_BOUND = Duration.ofSeconds(10);
  private static final Pattern QUERY = Pattern.compile("query\\[(\\w+)\\] (\\S+) from ");
  private static final String BINARY = Files.isExecutable(Path.of("/usr/sbin/dnsmasq")) ? "/usr/sbin/dnsmasq" : "dnsmasq";

  private final String address;
  private final int port;
  private final Path dir;
  private final int ttl;
  private final List<Path> logs = new ArrayList<>();
  private Process process;

  private Dnsmasq(String address, int port, Path dir, int ttl) {
    this.address = address;
    this.port = port;
    this.dir = dir;
    this.ttl = ttl;
  }

  /**
   * Starts dnsmasq with {@code records} (made with {@link #naptr}, {@link #srv}, {@link #host}), each answered with
   * {@code ttl} seconds; fails if it does not listen within ten seconds.
   */
  public static Dnsmasq start(Path dir, int ttl, String... records) { return start(FreePorts.IPV4_LOOPBACK, dir, ttl, records); }

  /** {@link #start(Path, int, String...)} on {@code address}: 127.0.0.1 or ::1. */
  public static Dnsmasq start(String address, Path dir, int ttl, String... records) {
    Dnsmasq d = new Dnsmasq(address, FreePorts.udpAndTcp(address), dir, ttl);
    d.launch(records);
    return d;
  }

  /** A NAPTR record (RFC 3403); {@code regexp} and {@code replacement} may be empty (no commas in any field). */
  public static String naptr(String name, int order, int preference, String flags, String service, String regexp, String replacement) {
    return "--naptr-record=" + name + "," + order + "," + preference + "," + flags + "," + service + "," + regexp
        + (replacement.isEmpty() ? "" : "," + replacement);
  }

  /** An SRV record (RFC 2782), e.g. {@code srv("_sip._udp.sip.test", "pbx1.sip.test", 5080, 10, 60)}. */
  public static String srv(String name, String target, int port, int priority, int weight) {
    return "--srv-host=" + name + "," + target + "," + port + "," + priority + "," + weight;
  }

  /** A and/or AAAA records: {@code host("pbx1.sip.test", "127.0.0.1", "::1")}. */
  public static String host(String name, String... addresses) {
    return "--host-record=" + name + "," + String.join(",", addresses);
  }

  private void launch(String... records) {
    List<String> command = new ArrayList<>(List.of(BINARY, "--no-daemon", "--port=" + port, "--listen-address=" + address,
        "--bind-interfaces", "--no-resolv", "--no-hosts", "--conf-file=/dev/null", "--pid-file=", "--user=" + System.getProperty("user.name"),
        "--local-ttl=" + ttl, "--local=/test/", "--local=/arpa/", "--local=/localhost/", "--log-queries", "--log-facility=-"));
    command.addAll(List.of(records));
    Path log = dir.resolve("dnsmasq-" + port + "-" + logs.size() + ".log");
    try {
      Files.createDirectories(dir);
      process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start dnsmasq (install the Debian package dnsmasq-base): " + e.getMessage(), e);
    }
    logs.add(log);
    Process p = process;
    NetNamespace.awaitReady(p, () -> FreePorts.isBound(port, false) && FreePorts.isBound(port, true), START_BOUND, "dnsmasq on port " + port, log);
  }

  public int port() { return port; }

  /** {@code 127.0.0.1:PORT} or {@code [::1]:PORT}, as {@code dns.servers} names it. */
  public String server() { return (address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + port; }

  /** What it was asked so far, in order, as "TYPE name" (e.g. "SRV _sip._udp.sip.test"), over every run. */
  public List<String> queries() {
    List<String> out = new ArrayList<>();
    for (Path log : logs) {
      try {
        Matcher m = QUERY.matcher(Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "");
        while (m.find()) out.add(m.group(1) + " " + m.group(2));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  /** Stops it (SIGTERM): queries go unanswered. */
  public void stop() { Processes.stop(process, Duration.ofSeconds(5)); }

  /** Starts it again on the same port with {@code records} (and the same TTL). */
  public void restart(String... records) { launch(records); }

  @Override
  public void close() { if (process != null) Processes.stop(process, Duration.ofSeconds(5)); }
}
