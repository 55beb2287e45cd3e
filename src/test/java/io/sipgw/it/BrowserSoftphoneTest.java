package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The webroot softphone (JsSIP in headless chromium) against sipgw over WebSocket, everything in a
 * network namespace with only {@code lo} ({@link BrowserTestbed}): register over WS and WSS, a
 * browser calls a browser, SIPp calls a browser, MESSAGE between browsers. The gateway bridges no
 * media here (no {@code media} section); the browsers reach each other directly on loopback.
 * One testbed for the class; each test opens its own pages as users of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class BrowserSoftphoneTest {
  private static final Duration BOUND = Duration.ofSeconds(15);
  private static final String DOMAIN = TestGateway.DOMAIN;

  private BrowserTestbed bed;
  private final List<Browser.Page> pages = new ArrayList<>();
  @RegisterExtension
  final TestWatcher diagnostics = BrowserTestbed.diagnosticsOnFailure(() -> bed);

  @BeforeAll
  void startTestbed() throws Exception {
    bed = BrowserTestbed.start(Files.createTempDirectory("browser-softphone-"), true, false);
  }

  @AfterAll
  void stopTestbed() {
    if (bed != null) bed.close();
  }

  @AfterEach
  void closePages() {
    for (Browser.Page page : pages) page.close();
    pages.clear();
  }

  private Browser.Page registered(String user) {
    Browser.Page page = bed.registeredPage(user, BOUND);
    pages.add(page);
    return page;
  }

  @Test
  void registersOverWebSocketAndUnregisters() {
    Browser.Page alice = registered("alice");
    JsonObject state = alice.state();
    assertEquals("registered", state.getString("registration"), state::encodePrettily);
    assertEquals(bed.wsUrl(), state.getJsonObject("account").getString("wsUrl"),
        "the page's default WebSocket URL is its own host");

    alice.invoke("unregister");
    alice.awaitRegistration("unregistered", BOUND);
  }

  @Test
  void registersOverSecureWebSocketFromAnHttpsPage() {
    Browser.Page page = bed.browser().open("alice-wss", bed.securePageUrl());
    pages.add(page);
    page.debug("JsSIP:Transport");
    page.register("alice-wss", DOMAIN, null);
    page.awaitRegistration("registered", BOUND);
    String wsUrl = page.state().getJsonObject("account").getString("wsUrl");
    assertTrue(wsUrl.startsWith("wss://127.0.0.1:"), () -> "an https page defaults to wss: " + wsUrl);
  }

  @Test
  void browserCallsBrowser() {
    Browser.Page alice = registered("alice-call");
    Browser.Page bob = registered("bob-call");

    alice.call("sip:bob-call@" + DOMAIN);
    bob.awaitCall("incoming", BOUND);
    bob.answer();
    alice.awaitCall("confirmed", BOUND);
    bob.awaitCall("confirmed", BOUND);

    alice.hangup();
    alice.awaitCall("ended", BOUND);
    bob.awaitCall("ended", BOUND);
  }

  @Test
  void sippCallsBrowserWhichAnswers() throws Exception {
    Browser.Page carol = registered("carol");
    Path dir = Files.createDirectories(bed.dir().resolve("sipp-uac"));
    Sipp caller = Sipp.scenario("uac-webrtc.xml")
        .namespace(bed.namespace())
        .remote(FreePorts.IPV4_LOOPBACK, bed.sipPort())
        .local(FreePorts.IPV4_LOOPBACK)
        .service("carol")
        .timeout(Duration.ofSeconds(30))
        .recvTimeout(BOUND)
        .traceMessages()
        .workDir(dir)
        .arg("-d", "1000");
    try (SippRun run = caller.start()) {
      carol.awaitCall("incoming", BOUND);
      carol.answer();
      carol.awaitCall("confirmed", BOUND);
      carol.awaitCall("ended", BOUND); // SIPp's BYE after a second
      run.awaitExit(caller.bound()).assertSucceeded(1);
    }
  }

  @Test
  void messageFromBrowserToBrowser() {
    Browser.Page dave = registered("dave");
    Browser.Page erin = registered("erin");

    dave.sendMessage("sip:erin@" + DOMAIN, "hello erin, from dave");
    JsonObject received = erin.awaitEvent(e -> "message".equals(e.getString("type")), BOUND, "a MESSAGE");
    assertEquals("hello erin, from dave", received.getString("text"));
    assertTrue(received.getString("peer").startsWith("sip:dave@"), received::encode);
    dave.awaitEvent(e -> "messageSent".equals(e.getString("type")), BOUND, "the MESSAGE's 200");
  }
}
