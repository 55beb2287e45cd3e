package io.sipgw.it;

import io.vertx.core.json.JsonObject;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * baresip (Debian package baresip-core, 1.0.0), a real SIP client, run headless on 127.0.0.1 with a
 * configuration directory of its own: one account, {@code user@localhost}, registering and publishing
 * its presence through the gateway (its outbound proxy: no DNS), and a contact list whose buddies it
 * watches ({@code presence=p2p}: a SUBSCRIBE for each). Only the modules that takes are loaded (no
 * audio, video, STUN or ICE), and its DNS client points at a loopback port where nothing listens.
 * <p>
 * It is driven through its ctrl_tcp module (netstring-framed JSON commands, the menu's long commands:
 * {@code presence_online}, {@code message …}, {@code contacts} …); what it prints (with its SIP trace,
 * and, through the stdio module, the MESSAGEs it receives) goes to a log under
 * {@code target/baresip-logs/}, which stays after the test for diagnostics. {@link #stop} ends it as a
 * user would (it unpublishes, unsubscribes and unregisters); {@link #start()} starts it again with the
 * same files and ports; {@link #close} in teardown.
 */
final class Baresip implements AutoCloseable {
  private static final String HOST = FreePorts.IPV4_LOOPBACK;
  private static final Duration START_BOUND = Duration.ofSeconds(10);
  private static final Duration ANSWER = Duration.ofSeconds(5);
  private static final Duration POLL = Duration.ofMillis(100);
  private static final Duration STOP_GRACE = Duration.ofSeconds(5);
  /** baresip quits by itself after this many seconds, should the test be gone without stopping it. */
  private static final int LIFETIME_SECONDS = 300;
  private static final String ANSI = "\u001B\\[[;\\d]*m";

  private final String user;
  private final Path dir;
  private final Path log;
  private final int ctrlPort;
  private Process process;
  private Socket ctrl;

  private Baresip(String user, Path dir, Path log, int ctrlPort) {
    this.user = user;
    this.dir = dir;
    this.log = log;
    this.ctrlPort = ctrlPort;
  }

  /**
   * Writes the configuration of {@code user}@{@value TestGateway#DOMAIN} to {@code dir} and starts baresip
   * with it: it registers through the gateway at 127.0.0.1:{@code gatewayPort}, publishes its presence and
   * watches {@code buddies} (user names of the gateway's domain). Its log is {@code target/baresip-logs/<logName>.log}.
   */
  static Baresip start(Path dir, String logName, String user, int gatewayPort, List<String> buddies) {
    int ctrlPort = FreePorts.udpAndTcp(HOST);
    int sipPort = sipPort(ctrlPort);
    String gateway = Sipp.hostPort(HOST, gatewayPort);
    String config = String.join("\n",
        "poll_method\t\tepoll",
        "sip_listen\t\t" + Sipp.hostPort(HOST, sipPort),
        "net_interface\t\t" + HOST,
        // no DNS server off this machine: the control port, where nothing listens for UDP
        "dns_server\t\t" + Sipp.hostPort(HOST, ctrlPort),
        "module_path\t\t/usr/lib/baresip/modules",
        "module\t\t\tstdio.so",
        "module_tmp\t\taccount.so",
        "module_app\t\tcontact.so",
        "module_app\t\tmenu.so",
        "module_app\t\tpresence.so",
        "module_app\t\tctrl_tcp.so",
        "ctrl_tcp_listen\t\t" + Sipp.hostPort(HOST, ctrlPort),
        "");
    String accounts = "<sip:" + user + "@" + TestGateway.DOMAIN + ">;outbound=\"sip:" + gateway + "\";regint=600;pubint=600\n";
    StringBuilder contacts = new StringBuilder();
    for (String buddy : buddies) {
      contacts.append('"').append(buddy).append("\" <sip:").append(buddy).append('@').append(TestGateway.DOMAIN).append(">;presence=p2p\n");
    }
    Path log = Path.of("target", "baresip-logs", logName + ".log").toAbsolutePath();
    try {
      Files.createDirectories(dir);
      Files.createDirectories(log.getParent());
      Files.writeString(dir.resolve("config"), config, StandardCharsets.UTF_8);
      Files.writeString(dir.resolve("accounts"), accounts, StandardCharsets.UTF_8);
      Files.writeString(dir.resolve("contacts"), contacts.toString(), StandardCharsets.UTF_8);
      Files.deleteIfExists(log);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write baresip's configuration to " + dir, e);
    }
    Baresip b = new Baresip(user, dir, log, ctrlPort);
    b.start();
    return b;
  }

  /**
   * A port for SIP over UDP and TCP whose next port is free too and is not {@code ctrlPort}: baresip
   * 1.0.0 also listens for TLS at the SIP port + 1, with or without a certificate.
   */
  private static int sipPort(int ctrlPort) {
    for (int attempt = 0; attempt < 20; attempt++) {
      int port = FreePorts.udpAndTcp(HOST);
      if (port + 1 != ctrlPort && port < 65_535 && !FreePorts.isBound(port + 1, true)) return port;
    }
    throw new IllegalStateException("no free pair of ports for baresip's SIP and TLS listeners");
  }

  /** Starts baresip (again) with its files; returns once its control interface is connected. */
  void start() {
    List<String> command = List.of("baresip", "-f", dir.toString(), "-s", "-t", Integer.toString(LIFETIME_SECONDS));
    try {
      // appends: a second run's output follows the first's; stdin stays an open pipe (the stdio module reads it)
      process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start baresip (install the Debian package baresip-core): " + e.getMessage(), e);
    }
    NetNamespace.awaitReady(process, () -> FreePorts.isBound(ctrlPort, true), START_BOUND, "baresip (" + dir + ")", log);
    try {
      ctrl = new Socket();
      ctrl.connect(new InetSocketAddress(HOST, ctrlPort), (int) ANSWER.toMillis());
      ctrl.setSoTimeout((int) ANSWER.toMillis());
    } catch (IOException e) {
      throw new IllegalStateException("cannot connect to baresip's ctrl_tcp at port " + ctrlPort + "\n" + describe(), e);
    }
  }

  /** {@code user@localhost} as a SIP URI. */
  String aor() { return "sip:" + user + "@" + TestGateway.DOMAIN; }

  /**
   * Runs a long command of baresip's menu through ctrl_tcp ({@code "contacts"}, {@code "message"} with
   * the text as {@code params} …) and returns what it printed, without colours; fails if baresip says it failed.
   */
  String command(String name, String params) throws IOException {
    JsonObject request = new JsonObject().put("command", name).put("token", name);
    if (params != null) request.put("params", params);
    byte[] json = request.encode().getBytes(StandardCharsets.UTF_8);
    OutputStream out = ctrl.getOutputStream();
    out.write((json.length + ":").getBytes(StandardCharsets.US_ASCII));
    out.write(json);
    out.write(',');
    out.flush();
    while (true) {
      JsonObject m = readNetstring();
      if (!m.getBoolean("response", false)) continue; // an event (registering, a call …): not asked for here
      if (!m.getBoolean("ok", false)) throw new AssertionError("baresip failed " + request.encode() + ": " + m.encode() + "\n" + describe());
      return m.getString("data", "").replaceAll(ANSI, "");
    }
  }

  private JsonObject readNetstring() throws IOException {
    DataInputStream in = new DataInputStream(ctrl.getInputStream());
    int length = 0;
    try {
      for (int c = in.read(); c != ':'; c = in.read()) {
        if (c < '0' || c > '9') throw new IOException("not a netstring from baresip's ctrl_tcp (byte " + c + ")");
        length = length * 10 + (c - '0');
      }
      byte[] json = new byte[length];
      in.readFully(json);
      if (in.read() != ',') throw new IOException("a netstring from baresip's ctrl_tcp without its ','");
      return new JsonObject(new String(json, StandardCharsets.UTF_8));
    } catch (SocketTimeoutException e) {
      throw new AssertionError("baresip did not answer on ctrl_tcp within " + ANSWER + "\n" + describe());
    }
  }

  /** Polls {@code command} (without params) until what it prints satisfies {@code wanted}; returns that, or fails after {@code bound}. */
  String awaitCommand(String name, Predicate<String> wanted, Duration bound, String what) throws IOException {
    long deadline = System.nanoTime() + bound.toNanos();
    String last = command(name, null);
    while (!wanted.test(last)) {
      if (System.nanoTime() > deadline) throw new AssertionError(what + " not within " + bound + "; /" + name + " printed:\n" + last + "\n" + describe());
      pause();
      last = command(name, null);
    }
    return last;
  }

  /** Waits until the account's registration is OK in {@code /reginfo}. */
  void awaitRegistered(Duration bound) throws IOException {
    awaitCommand("reginfo", s -> s.contains(aor()) && s.matches("(?s).*\\bOK\\b.*"), bound, aor() + " registered");
  }

  /**
   * Waits until {@code /contacts} shows {@code buddy} with {@code status} (baresip's words: Unknown,
   * Online, Offline, Busy).
   */
  void awaitBuddy(String buddy, String status, Duration bound) throws IOException {
    String uri = "<sip:" + buddy + "@" + TestGateway.DOMAIN + ">";
    awaitCommand("contacts", s -> s.lines().anyMatch(l -> l.contains(uri) && l.matches("\\W*" + status + "\\s+" + buddy + "\\s.*")),
        bound, buddy + " shown " + status);
  }

  /** Waits until baresip has printed {@code text} (its output, colours and all). */
  void awaitOutput(String text, Duration bound) {
    long deadline = System.nanoTime() + bound.toNanos();
    while (!output().contains(text)) {
      if (System.nanoTime() > deadline) throw new AssertionError("baresip did not print " + text + " within " + bound + "\n" + describe());
      pause();
    }
  }

  /** Everything baresip has printed so far. */
  String output() {
    try {
      return Files.readString(log, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      return "";
    }
  }

  /** The tail of its log and where the whole of it is, for failure messages. */
  String describe() { return NetNamespace.tail(log); }

  /**
   * Ends baresip as a user quitting it would (SIGTERM): it removes its publication, ends its
   * subscriptions and unregisters, and exits; fails if it does not exit within its grace period.
   */
  void stop() throws IOException {
    ctrl.close();
    process.destroy();
    try {
      if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("baresip did not exit within " + STOP_GRACE + " of SIGTERM\n" + describe());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static void pause() {
    try {
      Thread.sleep(POLL.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  @Override
  public void close() {
    try {
      if (ctrl != null) ctrl.close();
    } catch (IOException ignored) {
      // it goes with the process
    }
    if (process != null) Processes.stop(process, STOP_GRACE);
  }
}
