package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Files between two softphone pages (webroot/msrp.js and softphone.js) in headless chromium through
 * the gateway's MSRP relay over the WS listener (RFC 7977), auth on ({@link BrowserTestbed}): the
 * sender offers the file by MESSAGE with its MSRP path, the receiver's page accepts it with the chat
 * pane's button, AUTHenticates at the relay and answers with its path, and the file goes in 64 KB SEND
 * chunks: 1 MB of random bytes arrive with the same SHA-256 and name, through both pages' session
 * URIs at the relay (the From-Path the relay wrote); a declined offer sends nothing.
 */
class BrowserMsrpTest extends BrowserTestCase {
  private static final Duration TRANSFER_BOUND = Duration.ofSeconds(60);
  private static final int SIZE = 1024 * 1024;

  BrowserMsrpTest() {
    super(false, false, "alice", "bob", "carol", "dave");
  }

  @Test
  void aMegabyteGoesFromOneBrowserToAnotherThroughTheRelay() throws IOException {
    Browser.Page alice = registered("alice");
    Browser.Page bob = registered("bob");
    byte[] file = new byte[SIZE];
    new Random(13).nextBytes(file);
    String sha256 = sha256(file);

    // quiet: the file's base64 stays out of browser.log
    JsonObject offered = (JsonObject) alice.invoke(true, "sendFile", aor("bob"), new JsonObject().put("name", "random.bin")
        .put("type", "application/octet-stream").put("base64", Base64.getEncoder().encodeToString(file)));
    String id = offered.getString("id");
    assertEquals(sha256, offered.getString("sha256"), "the page hashed what it was given");
    assertEquals(SIZE, offered.getInteger("size"));

    JsonObject offer = awaitFile(bob, 0, id, "offered", BOUND);
    assertEquals("random.bin", offer.getString("name"));
    assertEquals(SIZE, offer.getInteger("size"));
    assertEquals(aor("alice"), offer.getString("peer"));
    SipMessageText message = bob.sipTrace().stream().filter(m -> !m.sent() && m.isRequest("MESSAGE")).map(TracedMessage::message)
        .filter(m -> "application/x-sipgw-msrp-offer+json".equals(m.header("Content-Type"))).findFirst().orElseThrow();
    assertTrue(message.text().contains("\"path\":[\"msrp://127.0.0.1:" + wsPort() + "/"), message::text);

    // bob accepts with the button of the offer in his chat with alice
    bob.invoke("openConversation", aor("alice"));
    String row = "#conversation li[data-file='" + id + "']";
    assertTrue(bob.text(row).contains("file random.bin (1.0 MB): offered"), () -> bob.text(row));
    bob.click(row + " button.accept");

    JsonObject received = awaitFile(bob, 0, id, "received", TRANSFER_BOUND);
    assertEquals(sha256, received.getString("sha256"), "the bytes arrived as they were sent");
    assertEquals("random.bin", received.getString("name"));
    assertEquals(SIZE, received.getInteger("transferred"));
    JsonObject sent = awaitFile(alice, 0, id, "sent", BOUND);
    assertEquals(SIZE, sent.getInteger("transferred"));
    // one 200 per 64 KB chunk before the next: 16 steps of progress
    List<Integer> steps = alice.events().stream().filter(e -> isFile(e, id, "sending") && e.getInteger("transferred") > 0)
        .map(e -> e.getInteger("transferred")).distinct().toList();
    assertEquals(16, steps.size(), steps::toString);

    // through the relay: it put both session URIs in front of alice's own URI (RFC 4976 §7.1)
    String relay = "msrp://127.0.0.1:" + wsPort() + "/";
    JsonArray from = received.getJsonArray("fromPath");
    assertEquals(3, from.size(), from::encode);
    assertEquals(received.getString("usePath"), from.getString(0), "bob's session URI at the relay");
    assertEquals(sent.getString("usePath"), from.getString(1), "alice's session URI at the relay");
    assertTrue(from.getString(0).startsWith(relay) && from.getString(1).startsWith(relay) && from.getString(0).endsWith(";ws"), from::encode);
    assertTrue(from.getString(2).matches("msrp://[a-z0-9]+\\.invalid:2855/[a-z0-9]+;ws"), "alice's own URI: " + from.getString(2));
    String log = Files.readString(bed.dir().resolve("sipgw.log"), StandardCharsets.UTF_8);
    assertTrue(log.contains("MSRP session " + from.getString(1) + " for alice@localhost"), "the relay authenticated alice");
    assertTrue(log.contains("MSRP session " + from.getString(0) + " for bob@localhost"), "the relay authenticated bob");

    // bob's chat shows it received, with a link to the bytes
    assertEquals("file received", bob.text(row + " .state"));
    assertEquals("Download", bob.text(row + " a.download"));
    JsonObject listed = ((JsonArray) bob.invoke("files")).getJsonObject(0);
    assertTrue(listed.getString("url").startsWith("blob:"), listed::encode);
    alice.invoke("openConversation", aor("bob"));
    assertEquals("file sent", alice.text(row + " .state"));
  }

  @Test
  void aDeclinedOfferSendsNothing() {
    Browser.Page carol = registered("carol");
    Browser.Page dave = registered("dave");
    String id = ((JsonObject) carol.invoke("sendFile", aor("dave"), new JsonObject().put("name", "notes.txt")
        .put("type", "text/plain").put("size", 1000))).getString("id");
    awaitFile(dave, 0, id, "offered", BOUND);
    dave.invoke("declineFile", id);
    JsonObject declined = awaitFile(carol, 0, id, "declined", BOUND);
    assertEquals(0, declined.getInteger("transferred"));
    assertTrue(dave.events().stream().noneMatch(e -> isFile(e, id, "receiving")), "no SEND came");
  }

  private static boolean isFile(JsonObject e, String id, String state) {
    return "file".equals(e.getString("type")) && id.equals(e.getString("id")) && state.equals(e.getString("state"));
  }

  private static JsonObject awaitFile(Browser.Page page, int mark, String id, String state, Duration bound) {
    JsonObject e = page.awaitEvent(mark, x -> isFile(x, id, state) || isFile(x, id, "failed") && !"failed".equals(state), bound,
        "file " + id + " " + state);
    assertNotNull(e);
    assertEquals(state, e.getString("state"), e::encode);
    return e;
  }

  private int wsPort() { return URI.create(bed.wsUrl()).getPort(); }

  private static String aor(String user) { return "sip:" + user + "@" + DOMAIN; }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
