package io.sipgw.it;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * A browser test class: one {@link BrowserTestbed} for the class (started before its first test,
 * closed after its last), pages opened by a test closed after it, and the testbed's logs printed
 * when a test fails. The gateway authenticates (digest): every user a test registers or calls as,
 * browser or SIPp phone, is one of the class's users, with the password {@link BrowserTestbed#password} gives.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
abstract class BrowserTestCase {
  static final Duration BOUND = Duration.ofSeconds(15);
  static final String DOMAIN = TestGateway.DOMAIN;

  private final boolean wss;
  private final boolean media;
  private final Set<String> users;
  private final List<Browser.Page> pages = new ArrayList<>();
  BrowserTestbed bed;
  @RegisterExtension
  final TestWatcher diagnostics = BrowserTestbed.diagnosticsOnFailure(() -> bed);

  /**
   * With a WSS listener when {@code wss}, with rtpengine bridging media when {@code media}; {@code users}
   * are the users of {@value #DOMAIN} the gateway knows (and the only ones that can register or call).
   */
  BrowserTestCase(boolean wss, boolean media, String... users) {
    this.wss = wss;
    this.media = media;
    this.users = Set.of(users);
  }

  @BeforeAll
  void startTestbed() throws Exception {
    bed = BrowserTestbed.start(Files.createTempDirectory(getClass().getSimpleName() + "-"), wss, media, users, gatewaySettings());
  }

  /** Settings of the class's own, merged into the gateway's config (e.g. shorter presence expiries); none by default. */
  JsonObject gatewaySettings() { return new JsonObject(); }

  @AfterAll
  void stopTestbed() {
    if (bed != null) bed.close();
  }

  @AfterEach
  void closePages() {
    for (Browser.Page page : pages) page.close();
    pages.clear();
  }

  /** A page of the softphone registered as {@code user@localhost} over WS with its password; closed after the test. */
  Browser.Page registered(String user) { return closedAfterTest(bed.registeredPage(user, BOUND)); }

  /** A page opened at {@code url}; closed after the test. */
  Browser.Page opened(String name, String url) { return closedAfterTest(bed.browser().open(name, url)); }

  /** A page opened at {@code url} whose API is {@code window[api]} (see {@link Browser#open(String, String, String)}); closed after the test. */
  Browser.Page opened(String name, String url, String api) { return closedAfterTest(bed.browser().open(name, url, api)); }

  private Browser.Page closedAfterTest(Browser.Page page) {
    pages.add(page);
    return page;
  }

  /**
   * A SIPp phone in the testbed that calls as the local user {@code from} with its password, running
   * {@code scenario} (one that answers the 407, such as uac-auth.xml: keys {@code caller} and
   * {@code domain}) once toward {@code to} through the gateway, its messages traced, in a directory of
   * its own; add SIPp options with {@link Sipp#arg}.
   */
  Sipp caller(String scenario, String from, String to) throws Exception {
    return caller(scenario, from, bed.password(from), to);
  }

  /** As {@link #caller(String, String, String)} with {@code password} for {@code from}, right or wrong. */
  Sipp caller(String scenario, String from, String password, String to) throws Exception {
    Path dir = Files.createDirectories(bed.dir().resolve(scenario + "-" + from + "-" + to));
    return Sipp.scenario(scenario)
        .namespace(bed.namespace())
        .remote(FreePorts.IPV4_LOOPBACK, bed.sipPort())
        .local(FreePorts.IPV4_LOOPBACK)
        .service(to)
        .key("domain", DOMAIN)
        .key("caller", from)
        .arg("-au", from, "-ap", password)
        .timeout(Duration.ofSeconds(40))
        .recvTimeout(BOUND)
        .traceMessages()
        .workDir(dir);
  }
}
