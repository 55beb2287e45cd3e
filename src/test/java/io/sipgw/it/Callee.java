package io.sipgw.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A SIPp answering calls in the background, on its own port and transport: uas.xml, or another
 * server scenario (a phone that rings and is cancelled, one that refuses the call ...).
 *
 * <p>One SIPp scenario is one Call-ID flow, so this SIPp cannot register itself and then take
 * INVITEs of other Call-IDs. {@link #registerAt} registers it instead from a throwaway SIPp
 * (register.xml, one call, its own port) whose REGISTER names this SIPp's address and transport
 * in its Contact; the registrar stores that Contact and the proxy forwards calls to it — over TCP
 * by opening a connection to this SIPp's listener.
 */
public final class Callee implements AutoCloseable {
  private static final Duration STOP_BOUND = Duration.ofSeconds(15);

  private final String user;
  private final String host;
  private final int port;
  private final SippTransport transport;
  private final Path workDir;
  private final SippRun run;
  private final NetNamespace namespace;

  private Callee(String user, String host, int port, SippTransport transport, Path workDir, SippRun run,
      NetNamespace namespace) {
    this.user = user;
    this.host = host;
    this.port = port;
    this.transport = transport;
    this.workDir = workDir;
    this.run = run;
    this.namespace = namespace;
  }

  /** Starts a callee that answers up to {@code calls} calls, then ends by itself; bounded by {@code timeout}. */
  public static Callee listen(String user, String host, SippTransport transport, int calls, Duration timeout,
      Path workDir) {
    return listen("uas.xml", user, host, transport, calls, timeout, workDir);
  }

  /**
   * Starts a callee that runs {@code scenario} for up to {@code calls} calls, with any further
   * SIPp options ({@code "-key", "status", "486"}, {@code "-d", "1000"}, {@code "-nr"}), then ends
   * by itself; bounded by {@code timeout}.
   */
  public static Callee listen(String scenario, String user, String host, SippTransport transport, int calls,
      Duration timeout, Path workDir, String... sippArgs) {
    return listen(null, scenario, user, host, transport, calls, timeout, workDir, sippArgs);
  }

  /** As {@link #listen(String, String, String, SippTransport, int, Duration, Path, String...)}, in {@code namespace} (null: this one). */
  public static Callee listen(NetNamespace namespace, String scenario, String user, String host,
      SippTransport transport, int calls, Duration timeout, Path workDir, String... sippArgs) {
    Sipp uas = Sipp.scenario(scenario)
        .namespace(namespace)
        .local(host)
        .transport(transport)
        .service(user)
        .calls(calls)
        .timeout(timeout)
        .traceMessages()
        .workDir(workDir)
        .arg(sippArgs);
    SippRun run = uas.start();
    return new Callee(user, host, uas.localPort(), transport, workDir, run, namespace);
  }

  /**
   * Registers this callee as {@code user@domain} with the registrar at {@code registrarHost:registrarPort},
   * sending the REGISTER over this callee's transport, and asserts the 200.
   */
  public SippResult registerAt(String registrarHost, int registrarPort, String domain) {
    Path users = InjectionFile.user(workDir, user, domain, host, port, transport);
    return registration("register.xml", registrarHost, registrarPort).injectionFile(users).run().assertSucceeded(1);
  }

  /**
   * As {@link #registerAt(String, int, String)} where the registrar authenticates: register-auth.xml
   * answers the 401 with {@code password} (MD5), and the 200 is asserted.
   */
  public SippResult registerAt(String registrarHost, int registrarPort, String domain, String password) {
    return registration("register-auth.xml", registrarHost, registrarPort)
        .service(user)
        .key("domain", domain)
        .key("contact", Sipp.hostPort(host, port) + ";transport=" + transport.uriParam())
        .arg("-au", user, "-ap", password)
        .run()
        .assertSucceeded(1);
  }

  /** A throwaway SIPp running {@code scenario} once, over this callee's transport, to the registrar. */
  private Sipp registration(String scenario, String registrarHost, int registrarPort) {
    return Sipp.scenario(scenario)
        .namespace(namespace)
        .remote(registrarHost, registrarPort)
        .local(host)
        .transport(transport)
        .calls(1)
        .timeout(Duration.ofSeconds(10))
        .traceMessages()
        .workDir(workDir);
  }

  public int port() { return port; }

  /** This callee's Contact with a preference, for {@link Registration#register}: {@code <sip:...>;q=0.5}. */
  public String contact(double q) { return "<" + contactUri() + ">;q=" + q; }

  /** This callee's Contact URI, as it registers it: {@code sip:bob@127.0.0.1:5070;transport=udp}. */
  public String contactUri() {
    return "sip:" + user + "@" + Sipp.hostPort(host, port) + ";transport=" + transport.uriParam();
  }

  public String host() { return host; }

  /** Waits until it has received {@code count} requests with {@code method} (see {@link SippRun#awaitReceived}). */
  public void awaitReceived(String method, int count, Duration bound) { run.awaitReceived(method, count, bound); }

  /** The messages it sent and received so far. */
  public List<TracedMessage> tracedSoFar() { return run.tracedSoFar(); }

  /** Waits for it to end by itself (its calls done), and returns what it did. */
  public SippResult awaitExit(Duration bound) { return run.awaitExit(bound); }

  /** Stops taking calls (SIGUSR1), lets the calls in progress end, and returns what it did. */
  public SippResult stop() { return run.stop(STOP_BOUND); }

  @Override
  public void close() { run.close(); }
}
