package io.sipgw.it;

import io.sipgw.auth.CredentialsFile;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Everything a browser test runs, in one {@link NetNamespace} that has only {@code lo}: sipgw as its
 * own process (UDP and TCP on 127.0.0.1, WS and optionally WSS serving {@code webroot/}), optionally
 * rtpengine with the gateway's {@code media} section pointing at it, and headless chromium. SIPp
 * peers join with {@link Sipp#namespace}. Closing it stops every process and deletes the namespace.
 *
 * <p>Digest authentication is on ({@code auth.enabled}) as a deployment would have it: the testbed's
 * users are in a credentials file in its directory ({@code users.json}, HA1s only), each with the
 * password {@link #password} gives, and browsers and SIPp phones register and call with it.
 */
public final class BrowserTestbed implements AutoCloseable {
  /** The softphone the gateway serves, relative to the project directory (where the gateway runs). */
  static final Path WEBROOT = Path.of("webroot");

  private final Path dir;
  private final NetNamespace ns;
  private final int sipPort;
  private final int wsPort;
  private final int wssPort;
  private final Set<String> users;
  private Rtpengine rtpengine;
  private GatewayProcess gateway;
  private Browser browser;

  private BrowserTestbed(Path dir, NetNamespace ns, int sipPort, int wsPort, int wssPort, Set<String> users) {
    this.dir = dir;
    this.ns = ns;
    this.sipPort = sipPort;
    this.wsPort = wsPort;
    this.wssPort = wssPort;
    this.users = users;
  }

  /**
   * Starts the testbed in {@code dir}: a WSS listener too when {@code wss}, rtpengine and
   * {@code media} bridging when {@code media}; {@code users} (of {@value TestGateway#DOMAIN}) are
   * the ones the credentials file knows.
   */
  public static BrowserTestbed start(Path dir, boolean wss, boolean media, Set<String> users) {
    return start(dir, wss, media, users, new JsonObject());
  }

  /** As {@link #start(Path, boolean, boolean, Set)}, with {@code settings} merged into the gateway's config last. */
  public static BrowserTestbed start(Path dir, boolean wss, boolean media, Set<String> users, JsonObject settings) {
    int sipPort = FreePorts.udpAndTcp(FreePorts.IPV4_LOOPBACK);
    int wsPort = FreePorts.udpAndTcp(FreePorts.IPV4_LOOPBACK);
    int wssPort = wss ? FreePorts.udpAndTcp(FreePorts.IPV4_LOOPBACK) : 0;
    BrowserTestbed bed = new BrowserTestbed(dir, NetNamespace.create(), sipPort, wsPort, wssPort, Set.copyOf(users));
    try {
      Files.createDirectories(dir);
      JsonObject config = TestGateway.config(sipPort, 0);
      Path credentials = dir.resolve("users.json");
      CredentialsFile.write(credentials, bed.users.stream()
          .map(user -> CredentialsFile.hash(user, TestGateway.DOMAIN, passwordOf(user))).toList());
      config.put("auth", new JsonObject().put("enabled", true).put("users", credentials.toString()));
      JsonArray listen = config.getJsonArray("listen");
      listen.add(listener("ws", wsPort));
      if (wss) {
        TestCertificate certificate = TestCertificate.create(dir, "wss");
        listen.add(listener("wss", wssPort));
        config.put("tls", new JsonObject().put("certificate", certificate.certificatePath().toString())
            .put("key", certificate.keyPath().toString()));
      }
      config.put("websocket", new JsonObject().put("webroot", WEBROOT.toString())
          .put("allowedOrigins", new JsonArray()));
      if (media) {
        bed.rtpengine = Rtpengine.start(bed.ns, dir);
        config.put("media", new JsonObject().put("rtpengine", new JsonArray().add(bed.rtpengine.ngAddress()))
            .put("mode", "webrtc"));
      }
      config.mergeIn(settings, true);
      bed.gateway = GatewayProcess.start(bed.ns, config, dir);
      bed.browser = Browser.start(bed.ns, dir);
      return bed;
    } catch (IOException e) {
      bed.close();
      throw new IllegalStateException("cannot use " + dir, e);
    } catch (RuntimeException | Error e) {
      bed.close();
      throw e;
    }
  }

  private static JsonObject listener(String transport, int port) {
    return new JsonObject().put("transport", transport).put("host", FreePorts.IPV4_LOOPBACK).put("port", port);
  }

  public NetNamespace namespace() { return ns; }

  /** The password of {@code user} (one of the testbed's users), as the credentials file has it. */
  public String password(String user) {
    if (!users.contains(user)) {
      throw new IllegalArgumentException(user + " is not in the testbed's credentials file (" + users + "): add it to the test class's users");
    }
    return passwordOf(user);
  }

  private static String passwordOf(String user) { return user + "-Pa55"; }

  public Browser browser() { return browser; }

  /** The gateway process (its log, its config file). */
  public GatewayProcess gateway() { return gateway; }

  /** The gateway's UDP and TCP port on 127.0.0.1 (in the namespace). */
  public int sipPort() { return sipPort; }

  /** The page served over the WS listener: {@code http://127.0.0.1:PORT/}. */
  public String pageUrl() { return "http://" + FreePorts.IPV4_LOOPBACK + ":" + wsPort + "/"; }

  /** The WS listener: {@code ws://127.0.0.1:PORT/}. */
  public String wsUrl() { return "ws://" + FreePorts.IPV4_LOOPBACK + ":" + wsPort + "/"; }

  /** The page served over the WSS listener: {@code https://127.0.0.1:PORT/}. */
  public String securePageUrl() {
    if (wssPort == 0) throw new IllegalStateException("this testbed has no WSS listener");
    return "https://" + FreePorts.IPV4_LOOPBACK + ":" + wssPort + "/";
  }

  /**
   * Opens the softphone over WS as {@code name} and registers {@code name@localhost} with its password
   * through the page's own host.
   */
  public Browser.Page registeredPage(String name, Duration bound) {
    Browser.Page page = browser.open(name, pageUrl());
    page.debug("JsSIP:Transport");
    page.register(name, password(name), TestGateway.DOMAIN, null);
    page.awaitRegistration("registered", bound);
    return page;
  }

  public Path dir() { return dir; }

  /** What the processes logged lately, for failure messages. */
  public String diagnostics() {
    StringBuilder s = new StringBuilder();
    if (browser != null) s.append(browser.tail()).append('\n');
    if (gateway != null) s.append(gateway.logTail()).append('\n');
    if (rtpengine != null) s.append(NetNamespace.tail(rtpengine.logFile())).append('\n');
    return s.toString();
  }

  /** A JUnit extension that prints {@link #diagnostics} of the testbed when a test fails (into its output file). */
  public static TestWatcher diagnosticsOnFailure(Supplier<BrowserTestbed> testbed) {
    return new TestWatcher() {
      @Override
      public void testFailed(ExtensionContext context, Throwable cause) {
        BrowserTestbed bed = testbed.get();
        if (bed != null) System.out.println(context.getDisplayName() + " failed; testbed in " + bed.dir + "\n" + bed.diagnostics());
      }
    };
  }

  @Override
  public void close() {
    try {
      if (browser != null) browser.close();
      if (gateway != null) gateway.close();
      if (rtpengine != null) rtpengine.close();
    } finally {
      ns.close();
    }
  }
}
