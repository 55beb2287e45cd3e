package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * The webroot softphone (JsSIP in headless chromium) against sipgw over WebSocket, everything in a
 * network namespace with only {@code lo} ({@link BrowserTestbed}): register over WS and WSS, a
 * browser calls a browser, SIPp calls a browser, MESSAGE between browsers. The gateway bridges no
 * media here (no {@code media} section); the browsers reach each other directly on loopback.
 * The gateway authenticates (digest, as JsSIP does it): each REGISTER is answered 401 and each INVITE
 * or MESSAGE 407 first, and every user registers and calls with its password; a wrong password
 * registers nothing, and a SIPp phone that calls in a browser user's name without its password gets
 * no further than the 407. One testbed for the class; each test opens its own pages as users of its own.
 */
class BrowserSoftphoneTest extends BrowserTestCase {
  BrowserSoftphoneTest() {
    super(true, false, "alice", "alice-form", "bob-form", "alice-wss", "alice-call", "bob-call", "alice-ws", "bob-wss",
        "carol", "phone", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "kate", "leo", "mia", "nora");
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
  void registersAndCallsThroughTheFormAndButtons() {
    Browser.Page bob = registered("bob-form");
    Browser.Page page = opened("alice-form", bed.pageUrl());
    page.fill("#user", "alice-form");
    page.fill("#password", bed.password("alice-form"));
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
    page.register("alice-wss", bed.password("alice-wss"), DOMAIN, null);
    page.awaitRegistration("registered", BOUND);
    String wsUrl = page.state().getJsonObject("account").getString("wsUrl");
    assertTrue(wsUrl.startsWith("wss://127.0.0.1:"), () -> "an https page defaults to wss: " + wsUrl);
  }

  @Test
  void browserCallsBrowser() {
    Browser.Page alice = registered("alice-call");
    Browser.Page bob = registered("bob-call");

    connect(alice, bob);
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
    bob.register("bob-wss", bed.password("bob-wss"), DOMAIN, null);
    bob.awaitRegistration("registered", BOUND);

    // JsSIP's Contact says transport=ws on a WSS connection too: the INVITE must still take that connection
    connect(alice, bob);
    // the callee's BYE goes from its WSS connection to the caller's WS one by the flow token
    bob.hangup();
    bob.awaitCall("ended", BOUND);
    alice.awaitCall("ended", BOUND);
  }

  @Test
  void sippCallsBrowserWhichAnswers() throws Exception {
    Browser.Page carol = registered("carol");
    // a local user: its INVITE is answered 407, and the INVITE again with its password goes through
    Sipp caller = caller("uac-auth-webrtc.xml", "phone", "carol").arg("-d", "1000");
    try (SippRun run = caller.start()) {
      carol.awaitCall("incoming", BOUND);
      carol.answer();
      carol.awaitCall("confirmed", BOUND);
      carol.awaitCall("ended", BOUND); // SIPp's BYE after a second
      run.awaitExit(caller.bound()).assertSucceeded(1);
    }
  }

  @Test
  void aWrongPasswordRegistersNothingAndTheRightOneRegistersAndTakesCalls() {
    Browser.Page guess = opened("frank-wrong-password", bed.pageUrl());
    guess.debug("JsSIP:Transport");
    guess.register("frank", "not-" + bed.password("frank"), DOMAIN, null);
    JsonObject failed = guess.awaitEvent(e -> "registration".equals(e.getString("type")) && !"registering".equals(e.getString("state")),
        BOUND, "the end of the registration");
    assertEquals("failed", failed.getString("state"), failed::encode);
    assertEquals("Authentication Error (401 Unauthorized)", failed.getString("cause"), failed::encode);
    JsonObject state = guess.state();
    assertEquals("failed", state.getString("registration"), state::encodePrettily);
    assertEquals("Authentication Error (401 Unauthorized)", state.getString("registrationCause"), state::encodePrettily);

    // no binding for frank: a call to him is not found (nor rings the page with the wrong password)
    Browser.Page grace = registered("grace");
    grace.call("sip:frank@" + DOMAIN);
    JsonObject notFound = grace.awaitEvent(e -> "call".equals(e.getString("type")) && "failed".equals(e.getString("state")),
        BOUND, "the call to fail");
    assertTrue(List.of("Not Found", "Unavailable").contains(notFound.getString("cause")), notFound::encode);
    List<String> answers = TracedMessage.summary(grace.sipTrace()).stream().filter(m -> m.endsWith(" INVITE")).toList();
    assertTrue(answers.equals(List.of("407 INVITE", "404 INVITE")) || answers.equals(List.of("407 INVITE", "480 INVITE")),
        () -> "grace's INVITE to frank: challenged, then 404 or 480: " + answers);
    assertEquals("failed", guess.state().getString("registration"));
    assertEquals("idle", guess.state().getString("call"), "the page that failed to register does not ring");

    // the right password: registered, and a call from another browser (challenged too) connects
    Browser.Page frank = registered("frank");
    Browser.Page heidi = registered("heidi");
    connect(heidi, frank);
    heidi.hangup();
    frank.awaitCall("ended", BOUND);
    assertEquals("idle", guess.state().getString("call"), "the page that failed to register does not ring");
    // JsSIP answered the challenge once with the wrong password, and that answer was refused
    assertEquals(List.of("REGISTER", "401 REGISTER", "REGISTER", "401 REGISTER"), TracedMessage.summary(guess.sipTrace()));
    assertEquals(List.of("REGISTER", "401 REGISTER", "REGISTER", "200 REGISTER"), TracedMessage.summary(frank.sipTrace()).subList(0, 4));
  }

  @Test
  void aBrowsersInviteAndMessageAreChallengedAndJsSipAnswersWithItsPassword() {
    Browser.Page ivan = registered("ivan");
    Browser.Page judy = registered("judy");
    connect(ivan, judy);
    ivan.sendMessage("sip:judy@" + DOMAIN, "challenged too");
    ivan.awaitEvent(e -> "messageSent".equals(e.getString("type")), BOUND, "the MESSAGE's 200");
    ivan.hangup();
    judy.awaitCall("ended", BOUND);

    List<TracedMessage> trace = ivan.sipTrace();
    List<String> invites = TracedMessage.summary(trace.stream().filter(m -> m.cseqMethod().equals("INVITE")).toList());
    assertEquals(List.of("INVITE", "407 INVITE", "INVITE"), invites.subList(0, 3), () -> "ivan's INVITEs: " + invites);
    assertEquals("200 INVITE", invites.get(invites.size() - 1), invites::toString);
    assertEquals(List.of("MESSAGE", "407 MESSAGE", "MESSAGE", "200 MESSAGE"),
        TracedMessage.summary(trace.stream().filter(m -> m.cseqMethod().equals("MESSAGE")).toList()));
    List<String> credentials = trace.stream().filter(m -> m.sent() && !m.message().isResponse())
        .map(m -> m.message().header("Proxy-Authorization")).filter(Objects::nonNull).toList();
    assertEquals(2, credentials.size(), () -> "the INVITE and the MESSAGE again, with credentials: " + TracedMessage.summary(trace));
    for (String c : credentials) {
      assertTrue(c.startsWith("Digest ") && c.contains("username=\"ivan\"") && c.contains("realm=\"" + DOMAIN + "\""), c);
    }
  }

  @Test
  void aSippPhoneCallingAsABrowserUserWithoutItsPasswordGetsNoFurtherThanThe407() throws Exception {
    Browser.Page kate = registered("kate");
    registered("leo");
    // after the second 407 SIPp waits for an answer that never comes: bounded by a short receive timeout
    SippResult impostor = caller("uac-auth-webrtc.xml", "leo", "not-" + bed.password("leo"), "kate")
        .recvTimeout(Duration.ofSeconds(2)).run();
    assertEquals(0, impostor.successfulCalls(), impostor::describe);
    List<TracedMessage> invites = impostor.traced().stream().filter(m -> m.cseqMethod().equals("INVITE")).toList();
    List<String> shape = TracedMessage.summary(invites);
    assertEquals(List.of("INVITE", "407 INVITE", "INVITE", "407 INVITE"), shape.subList(0, Math.min(4, shape.size())),
        "the INVITE without credentials and the one with wrong ones are both challenged: " + shape);
    assertTrue(shape.stream().allMatch(a -> a.equals("INVITE") || a.equals("407 INVITE")), () -> "nothing but 407s: " + shape);
    List<SipMessageText> sent = invites.stream().filter(TracedMessage::sent).map(TracedMessage::message).toList();
    assertNull(sent.get(0).header("Proxy-Authorization"), sent.get(0)::text);
    assertTrue(sent.get(1).header("Proxy-Authorization").contains("username=\"leo\""), sent.get(1)::text);
    assertEquals("idle", kate.state().getString("call"), "the callee never rang");
  }

  /** {@code caller} calls the user registered on {@code callee} (its page's name), which answers: confirmed on both sides. */
  private static void connect(Browser.Page caller, Browser.Page callee) {
    caller.call("sip:" + callee.name() + "@" + DOMAIN);
    callee.awaitCall("incoming", BOUND);
    callee.answer();
    caller.awaitCall("confirmed", BOUND);
    callee.awaitCall("confirmed", BOUND);
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

  /**
   * A MESSAGE to a user who is offline (never registered, but has credentials) is answered 202 and
   * kept; when that user's browser registers over WebSocket, the message is delivered to it.
   */
  @Test
  void messageToAnOfflineBrowserIsDeliveredWhenItRegisters() {
    Browser.Page mia = registered("mia");
    mia.sendMessage("sip:nora@" + DOMAIN, "for when you are back, nora");
    mia.awaitEvent(e -> "messageSent".equals(e.getString("type")), BOUND, "the MESSAGE's 202: kept for nora");

    Browser.Page nora = registered("nora");
    JsonObject received = nora.awaitEvent(e -> "message".equals(e.getString("type")), BOUND, "the kept MESSAGE");
    assertEquals("for when you are back, nora", received.getString("text"));
    assertTrue(received.getString("peer").startsWith("sip:mia@"), received::encode);
  }
}
