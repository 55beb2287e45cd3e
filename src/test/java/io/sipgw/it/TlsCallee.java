package io.sipgw.it;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A TLS phone taking calls: a SIPp answering with uas-tls.xml on TCP port P, behind a socat that
 * terminates TLS on port Q and forks one TCP connection to P per TLS connection. Its Contact is
 * {@code sip:USER@HOST:Q;transport=tls}, so the proxy has to open a TLS connection to Q to reach it.
 */
public final class TlsCallee implements AutoCloseable {
  private static final Duration STOP_BOUND = Duration.ofSeconds(15);
  private static final Duration REGISTRATION_CLOSE_BOUND = Duration.ofSeconds(10);

  private final String user;
  private final String host;
  private final int tlsPort;
  private final Path workDir;
  private final SippRun uas;
  private final Socat socat;

  private TlsCallee(String user, String host, int tlsPort, Path workDir, SippRun uas, Socat socat) {
    this.user = user;
    this.host = host;
    this.tlsPort = tlsPort;
    this.workDir = workDir;
    this.uas = uas;
    this.socat = socat;
  }

  /** Starts a callee that answers up to {@code calls} calls over TLS at {@code host}, presenting {@code certificate}. */
  public static TlsCallee listen(String user, String host, TestCertificate certificate, int calls, Duration timeout, Path workDir) {
    int tlsPort = FreePorts.udpAndTcp(host);
    Sipp scenario = Sipp.scenario("uas-tls.xml").local(host).transport(SippTransport.TCP).service(user).calls(calls)
        .key("contact", Sipp.hostPort(host, tlsPort)).timeout(timeout).traceMessages().workDir(workDir);
    SippRun uas = scenario.start();
    try {
      return new TlsCallee(user, host, tlsPort, workDir, uas, Socat.terminateTls(host, tlsPort, certificate, scenario.localPort(), workDir));
    } catch (RuntimeException | Error e) {
      uas.close();
      throw e;
    }
  }

  /**
   * Registers {@code user@domain} with Contact {@code sip:user@HOST:Q;transport=tls} over TLS, as the
   * phone would: a throwaway SIPp (register.xml, TCP) sends the REGISTER through a one-connection
   * socat to the gateway's TLS listener. Returns once that connection has closed, so the proxy reaches
   * the callee by opening a connection to its Contact (a phone that keeps its registration connection
   * open would get calls on it instead, RFC 5626).
   */
  public SippResult registerOverTls(int gatewayTlsPort, String domain) {
    int relayPort = FreePorts.udpAndTcp(host);
    Path users = InjectionFile.user(workDir, user, domain, host, tlsPort, "tls");
    try (Socat relay = Socat.originateTls(host, relayPort, gatewayTlsPort, workDir)) {
      SippResult r = Sipp.scenario("register.xml").remote(host, relayPort).local(host).transport(SippTransport.TCP)
          .injectionFile(users).calls(1).timeout(Duration.ofSeconds(10)).traceMessages().workDir(workDir)
          .run().assertSucceeded(1);
      if (!relay.awaitExit(REGISTRATION_CLOSE_BOUND)) {
        throw new IllegalStateException("the registration's TLS connection did not close\n" + relay.describe());
      }
      return r;
    }
  }

  /** How many TLS connections the phone has accepted. */
  public int tlsConnections() { return socat.acceptedConnections(); }

  public String describeTls() { return socat.describe(); }

  /** Stops taking calls (SIGUSR1), lets the calls in progress end, and returns what it did. */
  public SippResult stop() { return uas.stop(STOP_BOUND); }

  @Override
  public void close() {
    try {
      uas.close();
    } finally {
      socat.close();
    }
  }
}
