package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sipgw.auth.CredentialsFile;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Page-mode MESSAGEs kept for offline users (RFC 3428, as Kamailio's msilo): a MESSAGE for a user
 * with no binding is answered 202 and delivered, in order, with its From and Date, when the user
 * registers; one that does not get a 2xx stays for the next registration; the caps refuse with 486
 * and 503. Peers written in the tests over UDP on loopback, and a SIPp phone; against the memory
 * store and a real redis-server.
 */
@Timeout(90)
class OfflineMessageTest extends StoreGatewayTest {


  private static SipMessageText message(SipPeer sender, String to, String date, String text) throws IOException {
    sender.send(sender.request("MESSAGE", aor(to), aor(to), "Date: " + date + "\r\nContent-Type: text/plain\r\n")
        .replace("Content-Length: 0\r\n\r\n", "Content-Length: " + text.length() + "\r\n\r\n" + text));
    return sender.finalResponse(ANSWER);
  }

  /** The next request the gateway sends {@code phone}, answered with {@code status}. */
  private static SipMessageText receiveAndAnswer(SipPeer phone, int status) throws IOException {
    SipMessageText m = phone.receive(ANSWER);
    assertTrue(m != null && !m.isResponse(), "no request reached the phone: " + m);
    phone.send(SipPeer.response(m, status, status == 200 ? "OK" : "Busy Here", "ph", ""));
    return m;
  }

  /** A phone of {@code user}'s that registered and then removed its binding: a user the location service knows, offline. */
  private SipPeer wentOffline(String user) throws IOException {
    SipPeer phone = peer();
    assertEquals(200, register(phone, user, 600));
    assertEquals(200, register(phone, user, 0), user + " goes offline");
    return phone;
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "redis"})
  void keptWhileOfflineThenDeliveredInOrderWithTheirDateOnceEach(String store) throws IOException {
    start(store, new JsonObject());
    SipPeer carol = wentOffline("carol");
    SipPeer sender = peer();

    String[] dates = {"Sat, 13 Nov 2010 23:29:00 GMT", "Sat, 13 Nov 2010 23:29:01 GMT", "Sat, 13 Nov 2010 23:29:02 GMT"};
    for (int i = 0; i < 3; i++) {
      SipMessageText accepted = message(sender, "carol", dates[i], "message " + i);
      assertEquals(202, accepted.status(), accepted::toString);
    }
    assertNull(carol.receive(Duration.ofMillis(300)), "nothing is delivered while carol is offline");

    assertEquals(200, register(carol, "carol", 600));
    for (int i = 0; i < 3; i++) {
      SipMessageText delivered = receiveAndAnswer(carol, 200);
      assertEquals("MESSAGE", delivered.method(), delivered::toString);
      assertEquals("message " + i, delivered.body(), "in the order they came");
      assertEquals(dates[i], delivered.header("Date"), "with their original Date");
      assertTrue(delivered.header("From").contains("sip:tester@" + TestGateway.DOMAIN), delivered::toString);
      assertEquals("text/plain", delivered.header("Content-Type"));
    }
    assertNull(carol.receive(Duration.ofMillis(1500)), "each once");
    assertEquals(200, register(carol, "carol", 600));
    assertNull(carol.receive(Duration.ofMillis(1500)), "a delivered message is gone from the store");
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "redis"})
  void aDeliveryThatFailsStaysForTheNextRegistration(String store) throws IOException {
    start(store, new JsonObject());
    SipPeer dora = wentOffline("dora");
    SipPeer sender = peer();
    assertEquals(202, message(sender, "dora", "Sat, 13 Nov 2010 23:29:00 GMT", "first").status());
    assertEquals(202, message(sender, "dora", "Sat, 13 Nov 2010 23:29:01 GMT", "second").status());

    assertEquals(200, register(dora, "dora", 600));
    assertEquals("first", receiveAndAnswer(dora, 486).body());
    assertNull(dora.receive(Duration.ofMillis(1500)), "delivery stops at the first that fails, so the order holds");

    assertEquals(200, register(dora, "dora", 600));
    assertEquals("first", receiveAndAnswer(dora, 200).body(), "tried again at the next registration");
    assertEquals("second", receiveAndAnswer(dora, 200).body());
  }

  @Test
  void theCapsRefusePerUserWith486AndInAllWith503() throws IOException {
    start("memory", new JsonObject().put("im", new JsonObject().put("maxPerUser", 2).put("maxTotal", 3))
        .put("transaction", new JsonObject().put("retryAfter", 9)));
    SipPeer sender = peer();
    for (String user : List.of("erin", "fred", "gina")) wentOffline(user);
    assertEquals(202, message(sender, "erin", "Sat, 13 Nov 2010 23:29:00 GMT", "1").status());
    assertEquals(202, message(sender, "erin", "Sat, 13 Nov 2010 23:29:01 GMT", "2").status());
    SipMessageText userFull = message(sender, "erin", "Sat, 13 Nov 2010 23:29:02 GMT", "3");
    assertEquals(486, userFull.status(), userFull::toString);
    assertEquals(202, message(sender, "fred", "Sat, 13 Nov 2010 23:29:03 GMT", "4").status());
    SipMessageText storeFull = message(sender, "gina", "Sat, 13 Nov 2010 23:29:04 GMT", "5");
    assertEquals(503, storeFull.status(), storeFull::toString);
    assertEquals("9", storeFull.header("Retry-After"), storeFull::toString);
  }

  @Test
  void aUserNeverSeenIsNotFoundAndOfflineStorageCanBeTurnedOff() throws IOException {
    start("memory", new JsonObject());
    SipPeer sender = peer();
    assertEquals(404, message(sender, "nobody", "Sat, 13 Nov 2010 23:29:00 GMT", "hello?").status());
    gateway.close();
    gateway = null;
    start("memory", new JsonObject().put("im", new JsonObject().put("offline", false)));
    wentOffline("hank");
    SipPeer sender2 = peer();
    assertEquals(480, message(sender2, "hank", "Sat, 13 Nov 2010 23:29:00 GMT", "hello").status(), "im.offline false: as before");
  }

  /**
   * With auth on, a user with credentials who never registered has messages kept; the sender proves
   * who it is first (407), and with {@code im.noticeDelivered} learns when the message was delivered.
   */
  @Test
  void withAuthAUserWithCredentialsGetsThemAndTheSenderIsToldOfTheDelivery() throws IOException {
    CredentialsFile.write(dir.resolve("users.json"), List.of(CredentialsFile.hash("ivy", TestGateway.DOMAIN, "ivy-Pa55"),
        CredentialsFile.hash("tester", TestGateway.DOMAIN, "tester-Pa55")));
    start("memory", new JsonObject().put("auth", new JsonObject().put("enabled", true).put("users", dir.resolve("users.json").toString()))
        .put("im", new JsonObject().put("noticeDelivered", true)));
    SipPeer ivy = peer();
    SipPeer sender = peer();
    String authed = sender.request("REGISTER", "sip:" + TestGateway.DOMAIN, aor("tester"), "Expires: 600\r\n");
    sender.send(authed);
    SipMessageText challenge = sender.finalResponse(ANSWER);
    sender.send(authed.replace("CSeq: 1 REGISTER", "CSeq: 2 REGISTER").replaceFirst("branch=([^\r]+)", "branch=$1-2")
        .replace("Content-Length: 0\r\n", DigestClient.answer(challenge, "MD5", "REGISTER", "sip:" + TestGateway.DOMAIN, "tester",
            "tester-Pa55") + "Content-Length: 0\r\n"));
    assertEquals(200, sender.finalResponse(ANSWER).status(), "the sender is registered, to be told");

    String text = "are you there?";
    String msg = sender.request("MESSAGE", aor("ivy"), aor("ivy"), "Content-Type: text/plain\r\n")
        .replace("Content-Length: 0\r\n\r\n", "Content-Length: " + text.length() + "\r\n\r\n" + text);
    sender.send(msg);
    SipMessageText proxyChallenge = sender.finalResponse(ANSWER);
    assertEquals(407, proxyChallenge.status(), "authenticated like an INVITE");
    sender.send(msg.replace("CSeq: 1 MESSAGE", "CSeq: 2 MESSAGE").replaceFirst("branch=([^\r]+)", "branch=$1-2")
        .replace("Content-Type: text/plain\r\n", "Content-Type: text/plain\r\n"
            + DigestClient.answer(proxyChallenge, "MD5", "MESSAGE", aor("ivy"), "tester", "tester-Pa55")));
    assertEquals(202, sender.finalResponse(ANSWER).status(), "kept for a user with credentials who never registered");

    String register = ivy.request("REGISTER", "sip:" + TestGateway.DOMAIN, aor("ivy"), "Expires: 600\r\n");
    ivy.send(register);
    SipMessageText ivyChallenge = ivy.finalResponse(ANSWER);
    ivy.send(register.replace("CSeq: 1 REGISTER", "CSeq: 2 REGISTER").replaceFirst("branch=([^\r]+)", "branch=$1-2")
        .replace("Content-Length: 0\r\n", DigestClient.answer(ivyChallenge, "MD5", "REGISTER", "sip:" + TestGateway.DOMAIN, "ivy",
            "ivy-Pa55") + "Content-Length: 0\r\n"));
    assertEquals(200, ivy.finalResponse(ANSWER).status());
    SipMessageText delivered = receiveAndAnswer(ivy, 200);
    assertEquals(text, delivered.body(), "delivered without a challenge of its own");

    SipMessageText notice = receiveAndAnswer(sender, 200);
    assertEquals("MESSAGE", notice.method(), notice::toString);
    assertTrue(notice.header("From").contains("sip:messages@" + TestGateway.DOMAIN), notice::toString);
    assertTrue(notice.body().startsWith("Your message to sip:ivy@localhost of ") && notice.body().endsWith(" was delivered."), notice::toString);
  }

  /** With {@code im.noticeExpired}, a message that expires undelivered is dropped and its sender told so. */
  @Test
  @Timeout(60)
  void anExpiredMessageIsDroppedAndTheSenderToldSo() throws IOException {
    start("memory", new JsonObject().put("im", new JsonObject().put("expiry", 10).put("noticeExpired", true)));
    SipPeer kim = wentOffline("kim");
    SipPeer sender = peer();
    assertEquals(200, register(sender, "tester", 600), "the sender is registered, to be told");
    assertEquals(202, message(sender, "kim", "Sat, 13 Nov 2010 23:29:00 GMT", "too late").status());

    SipMessageText notice = sender.receive(Duration.ofSeconds(30)); // expiry 10 s, swept every 10 s
    assertTrue(notice != null && !notice.isResponse(), "no notice of the expiry: " + notice);
    sender.send(SipPeer.response(notice, 200, "OK", "s1", ""));
    assertTrue(notice.header("From").contains("sip:messages@" + TestGateway.DOMAIN), notice::toString);
    assertEquals("Your message to sip:kim@localhost of Sat, 13 Nov 2010 23:29:00 GMT could not be delivered: it expired.", notice.body());

    assertEquals(200, register(kim, "kim", 600));
    assertNull(kim.receive(Duration.ofMillis(1500)), "an expired message is never delivered");
  }

  /** A SIPp phone, registered after two messages were kept, receives both and answers 200. */
  @Test
  void aSippPhoneReceivesWhatWasKeptWhenItRegisters() throws IOException {
    start("memory", new JsonObject());
    SipPeer sender = peer();
    Callee phone = Callee.listen("uas-message.xml", "jill", HOST, SippTransport.UDP, 2, Duration.ofSeconds(30), dir);
    try {
      Registration.register(HOST, gateway.port(), SippTransport.UDP, "jill", TestGateway.DOMAIN, List.of(phone.contact(1.0)));
      SipPeer remover = peer();
      remover.send(remover.request("REGISTER", "sip:" + TestGateway.DOMAIN, aor("jill"), "Contact: *\r\nExpires: 0\r\n"));
      assertEquals(200, remover.finalResponse(ANSWER).status(), "jill goes offline");
      assertEquals(202, message(sender, "jill", "Sat, 13 Nov 2010 23:29:00 GMT", "one").status());
      assertEquals(202, message(sender, "jill", "Sat, 13 Nov 2010 23:29:01 GMT", "two").status());
      Registration.register(HOST, gateway.port(), SippTransport.UDP, "jill", TestGateway.DOMAIN, List.of(phone.contact(1.0)));
      phone.awaitExit(Duration.ofSeconds(15)).assertSucceeded(2);
      String trace;
      try (var files = java.nio.file.Files.list(dir)) {
        Path log = files.filter(f -> f.getFileName().toString().matches("uas-message.*messages\\.log")).findFirst().orElseThrow();
        trace = java.nio.file.Files.readString(log);
      }
      int one = trace.indexOf("\r\n\r\none");
      int two = trace.indexOf("\r\n\r\ntwo");
      assertTrue(one >= 0 && two > one, "the phone got one, then two:\n" + trace);
    } finally {
      phone.close();
    }
  }
}
