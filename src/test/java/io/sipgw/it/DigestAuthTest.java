package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sipgw.auth.CredentialsFile;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Digest authentication with real peers on loopback (auth.enabled, a credentials file with HA1s
 * only): SIPp registers with a password (401 then 200) and calls with one (407 then 200, the call
 * completes); SHA-256 and SHA-512-256 answered by the tests' own digest client; a wrong password or
 * an unknown user gets the same fresh challenge and leaves no binding; an authenticated user cannot
 * register or call as another, nor publish another's presence.
 */
@Timeout(90)
class DigestAuthTest {
  private static final String HOST = FreePorts.IPV4_LOOPBACK;
  private static final Duration ANSWER = Duration.ofSeconds(5);

  @TempDir Path dir;
  private TestGateway gateway;
  private Callee callee;

  @BeforeEach
  void users() throws IOException {
    CredentialsFile.write(dir.resolve("users.json"), List.of(
        CredentialsFile.hash("alice", TestGateway.DOMAIN, "alice-Pa55"),
        CredentialsFile.hash("bob", TestGateway.DOMAIN, "bob-Pa55")));
  }

  @AfterEach
  void stop() {
    if (callee != null) callee.close();
    if (gateway != null) gateway.close();
  }

  private void start(String... algorithms) { start(new JsonObject(), algorithms); }

  private void start(JsonObject overrides, String... algorithms) {
    JsonArray algs = new JsonArray();
    for (String a : algorithms) algs.add(a);
    gateway = TestGateway.start(new JsonObject().put("auth", new JsonObject().put("enabled", true)
        .put("users", dir.resolve("users.json").toString()).put("algorithms", algs)).mergeIn(overrides, true));
  }

  private Sipp sipp(String scenario, String user, String password) {
    return Sipp.scenario(scenario).remote(HOST, gateway.port()).local(HOST).service(user).key("domain", TestGateway.DOMAIN)
        .arg("-au", user, "-ap", password).calls(1).timeout(Duration.ofSeconds(20)).workDir(dir);
  }

  @Test
  void sippRegistersWithItsPasswordAndAWrongOneLeavesNoBinding() throws IOException {
    start("MD5");
    sipp("register-auth.xml", "alice", "alice-Pa55").key("contact", "127.0.0.1:5099").run().assertSucceeded(1);
    SipMessageText bindings = registerWithDigest("alice", "alice-Pa55", "MD5", null);
    assertEquals(200, bindings.status(), bindings::toString);
    assertTrue(bindings.text().contains("sip:alice@127.0.0.1:5099"), bindings::toString);

    SippResult wrong = sipp("register-auth.xml", "bob", "not-bob").key("contact", "127.0.0.1:5098").run();
    assertEquals(0, wrong.successfulCalls(), wrong::describe);
    assertEquals(404, callFromOutside("bob"), "no binding for bob");
  }

  @Test
  void sippCallsWithItsPasswordAfterA407() throws IOException {
    start("MD5");
    callee = Callee.listen("bob", HOST, SippTransport.UDP, 1, Duration.ofSeconds(40), dir);
    registerWithDigest("bob", "bob-Pa55", "MD5", "<" + callee.contactUri() + ">");
    SippResult call = sipp("uac-auth.xml", "alice", "alice-Pa55").service("bob").key("caller", "alice").run();
    SippResult answered = callee.stop();
    call.assertSucceeded(1);
    answered.assertSucceeded(1);
  }

  @Test
  void strongestAlgorithmFirstAndEachAnswerable() throws IOException {
    start("MD5", "SHA-256", "SHA-512-256");
    try (SipPeer phone = SipPeer.open(SippTransport.UDP, HOST, gateway.port())) {
      String aor = "sip:alice@" + TestGateway.DOMAIN;
      phone.send(phone.request("REGISTER", "sip:" + TestGateway.DOMAIN, aor, "Contact: <sip:alice@127.0.0.1:5097>\r\n"));
      SipMessageText challenge = phone.finalResponse(ANSWER);
      assertEquals(401, challenge.status(), challenge::toString);
      assertEquals(List.of("SHA-512-256", "SHA-256", "MD5"),
          DigestClient.challenges(challenge).stream().map(c -> c.get("algorithm")).toList(), challenge::toString);
      for (Map<String, String> c : DigestClient.challenges(challenge)) {
        assertEquals(TestGateway.DOMAIN, c.get("realm"));
        assertEquals("auth", c.get("qop"));
      }
    }
    for (String alg : List.of("SHA-512-256", "SHA-256", "MD5")) {
      assertEquals(200, registerWithDigest("alice", "alice-Pa55", alg, "<sip:alice@127.0.0.1:5097>").status(), alg);
      assertEquals(401, registerWithDigest("alice", "wrong", alg, "<sip:alice@127.0.0.1:5097>").status(), alg + ", wrong password");
    }
  }

  @Test
  void anUnknownUserAndAWrongPasswordGetTheSameAnswer() throws IOException {
    start("MD5");
    SipMessageText unknown = registerWithDigest("mallory", "x", "MD5", "<sip:mallory@127.0.0.1:5096>");
    SipMessageText wrong = registerWithDigest("alice", "x", "MD5", "<sip:alice@127.0.0.1:5096>");
    assertEquals(unknown.status(), wrong.status());
    assertEquals(401, wrong.status());
    assertEquals(DigestClient.challenges(unknown).get(0).keySet(), DigestClient.challenges(wrong).get(0).keySet());
    assertEquals(unknown.headers("WWW-Authenticate").size(), wrong.headers("WWW-Authenticate").size());
  }

  @Test
  void anAuthenticatedUserCannotRegisterAsAnother() throws IOException {
    start("MD5");
    try (SipPeer phone = SipPeer.open(SippTransport.UDP, HOST, gateway.port())) {
      String bob = "sip:bob@" + TestGateway.DOMAIN;
      String contact = "Contact: <sip:bob@127.0.0.1:5095>\r\n";
      phone.send(phone.request("REGISTER", "sip:" + TestGateway.DOMAIN, bob, contact));
      SipMessageText challenge = phone.finalResponse(ANSWER);
      phone.send(phone.request("REGISTER", "sip:" + TestGateway.DOMAIN, bob, contact + "CSeq: 2 REGISTER\r\n"
          + DigestClient.answer(challenge, "MD5", "REGISTER", "sip:" + TestGateway.DOMAIN, "alice", "alice-Pa55")));
      SipMessageText answer = phone.finalResponse(ANSWER);
      assertEquals(403, answer.status(), answer::toString);
    }
    assertEquals(404, callFromOutside("bob"));
  }

  /**
   * A PUBLISH sets the presence of the user in its Request-URI (RFC 3903): it is that user who must
   * authenticate. One from another domain is challenged for that user, not taken as its state; bob
   * with his own password cannot publish for alice (403); alice can.
   */
  @Test
  void onlyThePresentityPublishesItsPresence() throws IOException {
    start("MD5");
    String alice = "sip:alice@" + TestGateway.DOMAIN;
    try (SipPeer phone = SipPeer.open(SippTransport.UDP, HOST, gateway.port())) {
      assertEquals(407, publish(phone, alice, "sip:visitor@example.net", "").status(), "a visitor's PUBLISH for alice is challenged");

      SipMessageText challenge = publish(phone, alice, "sip:bob@" + TestGateway.DOMAIN, "");
      assertEquals(407, challenge.status(), challenge::toString);
      SipMessageText asBob = publish(phone, alice, "sip:bob@" + TestGateway.DOMAIN, "CSeq: 2 PUBLISH\r\n"
          + DigestClient.answer(challenge, "MD5", "PUBLISH", alice, "bob", "bob-Pa55"));
      assertEquals(403, asBob.status(), asBob::toString);

      challenge = publish(phone, alice, alice, "");
      assertEquals(407, challenge.status(), challenge::toString);
      SipMessageText own = publish(phone, alice, alice, "CSeq: 2 PUBLISH\r\n"
          + DigestClient.answer(challenge, "MD5", "PUBLISH", alice, "alice", "alice-Pa55"));
      assertEquals(200, own.status(), own::toString);
    }
  }

  /**
   * Who watches alice (presence.winfo, RFC 3857) is alice's business alone: a user of another domain
   * who happens to be called alice too (not challenged: not a local user) gets 403, not the list.
   */
  @Test
  void aNamesakeFromAnotherDomainDoesNotSeeWhoWatchesALocalUser() throws IOException {
    start("MD5");
    String alice = "sip:alice@" + TestGateway.DOMAIN;
    try (SipPeer peer = SipPeer.open(SippTransport.UDP, HOST, gateway.port())) {
      peer.send(peer.request("SUBSCRIBE", alice, alice, "Event: presence.winfo\r\nExpires: 600\r\n")
          .replaceFirst("From: <sip:tester@" + TestGateway.DOMAIN + ">", "From: <sip:alice@example.net>"));
      SipMessageText answer = peer.finalResponse(ANSWER);
      assertEquals(403, answer.status(), answer::toString);
    }
  }

  /** A PUBLISH of an open PIDF for {@code presentity} from {@code from} with {@code headers}: its final answer. */
  private static SipMessageText publish(SipPeer phone, String presentity, String from, String headers) throws IOException {
    String body = "<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" entity=\"" + presentity + "\"><tuple id=\"t\"><status><basic>open"
        + "</basic></status></tuple></presence>";
    phone.send(phone.request("PUBLISH", presentity, presentity, "Event: presence\r\nContent-Type: application/pidf+xml\r\n" + headers)
        .replaceFirst("From: <sip:tester@" + TestGateway.DOMAIN + ">", "From: <" + from + ">")
        .replace("Content-Length: 0\r\n\r\n", "Content-Length: " + body.length() + "\r\n\r\n" + body));
    return phone.finalResponse(ANSWER);
  }

  /**
   * Password guessing: after {@code bans.authFailures} wrong answers within the window, the source is
   * banned and gets silence, not even a challenge (loopback is exempt by default; not here).
   */
  @Test
  void aSourceThatKeepsFailingIsBannedAndGetsNoAnswer() throws IOException {
    start(new JsonObject().put("bans", new JsonObject().put("authFailures", 3).put("authWindow", 60).put("exempt", new JsonArray())), "MD5");
    for (int i = 0; i < 3; i++) assertEquals(401, registerWithDigest("alice", "guess" + i, "MD5", "<sip:alice@127.0.0.1:5094>").status());
    try (SipPeer phone = SipPeer.open(SippTransport.UDP, HOST, gateway.port())) {
      phone.send(phone.request("REGISTER", "sip:" + TestGateway.DOMAIN, "sip:alice@" + TestGateway.DOMAIN, "Contact: <sip:alice@127.0.0.1:5094>\r\n"));
      assertEquals(null, phone.receive(Duration.ofSeconds(2)), "a banned source gets no answer");
    }
  }

  /** REGISTER, the challenge, REGISTER again with {@code algorithm}'s answer: the final response of that. */
  private SipMessageText registerWithDigest(String user, String password, String algorithm, String contact) throws IOException {
    try (SipPeer phone = SipPeer.open(SippTransport.UDP, HOST, gateway.port())) {
      String aor = "sip:" + user + "@" + TestGateway.DOMAIN;
      // no Contact: a query, the 200 lists the bindings (RFC 3261 §10.2.3)
      String headers = contact == null ? "" : "Contact: " + contact + "\r\nExpires: 600\r\n";
      phone.send(withoutContact(phone.request("REGISTER", "sip:" + TestGateway.DOMAIN, aor, headers), contact));
      SipMessageText challenge = phone.finalResponse(ANSWER);
      assertEquals(401, challenge.status(), challenge::toString);
      phone.send(withoutContact(phone.request("REGISTER", "sip:" + TestGateway.DOMAIN, aor, headers + "CSeq: 2 REGISTER\r\n"
          + DigestClient.answer(challenge, algorithm, "REGISTER", "sip:" + TestGateway.DOMAIN, user, password)), contact));
      return phone.finalResponse(ANSWER);
    }
  }

  /** SipPeer adds a Contact of its own when none is given: a query has none. */
  private static String withoutContact(String request, String contact) {
    return contact != null ? request : request.replaceFirst("Contact: [^\r]*\r\n", "");
  }

  /**
   * An OPTIONS to {@code user} from a user of another domain (not challenged: only local users
   * authenticate): 404 for a user with no binding, else whatever the binding's way gives.
   */
  private int callFromOutside(String user) throws IOException {
    try (SipPeer peer = SipPeer.open(SippTransport.UDP, HOST, gateway.port())) {
      String uri = "sip:" + user + "@" + TestGateway.DOMAIN;
      String req = peer.request("OPTIONS", uri, uri, "").replaceFirst("From: <sip:tester@" + TestGateway.DOMAIN + ">",
          "From: <sip:visitor@example.net>");
      assertFalse(req.contains("sip:tester@" + TestGateway.DOMAIN), req);
      peer.send(req);
      return peer.finalResponse(Duration.ofSeconds(40)).status();
    }
  }
}
