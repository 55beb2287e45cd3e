package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The webroot softphone (JsSIP in headless chromium) against sipgw over WebSocket, everything in a
 * network namespace with only {@code lo} ({@link BrowserTestbed}): register over WS and WSS, a
 * browser calls a browser, SIPp calls a browser, MESSAGE between browsers. The gateway bridges no
 * media here (no {@code media} section); the browsers reach each other directly on loopback.
 * One testbed for the class; each test opens its own pages as users of its own.
 */
class BrowserSoftphoneTest extends BrowserTestCase {
  BrowserSoftphoneTest() { super(true, false); }

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
  void registersAndCallsThroughTheFormAndButtons() {
    Browser.Page bob = registered("bob-form");
    Browser.Page page = opened("alice-form", bed.pageUrl());
    page.fill("#user", "alice-form");
    page.fill("#domain", DOMAIN);
    page.click("#register");
    page.awaitRegistration("registered", BOUND);

    page.fill("#target", "sip:bob-form@" + DOMAIN);
    page.click("#call");
    bob.awaitCall("incoming", BOUND);
    bob.answer();
    page.awaitCall("confirmed", BOUND);
    page.click("#hangup");
    bob.awaitCall("ended", BOUND);
  }

  @Test
  void registersOverSecureWebSocketFromAnHttpsPage() {
    Browser.Page page = opened("alice-wss", bed.securePageUrl());
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
    for (Browser.Page page : List.of(alice, bob)) {
      page.awaitStats(s -> s.getInteger("packetsSent") > 0 && s.getInteger("packetsReceived") > 0, BOUND,
          "RTP both ways between the browsers");
    }

    alice.hangup();
    alice.awaitCall("ended", BOUND);
    bob.awaitCall("ended", BOUND);
  }

  @Test
  void browserOnWsCallsBrowserOnWssAndTheCalleeHangsUp() {
    Browser.Page alice = registered("alice-ws");
    Browser.Page bob = opened("bob-wss", bed.securePageUrl());
    bob.register("bob-wss", DOMAIN, null);
    bob.awaitRegistration("registered", BOUND);

    // JsSIP's Contact says transport=ws on a WSS connection too: the INVITE must still take that connection
    alice.call("sip:bob-wss@" + DOMAIN);
    bob.awaitCall("incoming", BOUND);
    bob.answer();
    alice.awaitCall("confirmed", BOUND);
    bob.awaitCall("confirmed", BOUND);
    // the callee's BYE goes from its WSS connection to the caller's WS one by the flow token
    bob.hangup();
    bob.awaitCall("ended", BOUND);
    alice.awaitCall("ended", BOUND);
  }

  @Test
  void sippCallsBrowserWhichAnswers() throws Exception {
    Browser.Page carol = registered("carol");
    Sipp caller = caller("uac-webrtc.xml", "carol").arg("-d", "1000");
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
