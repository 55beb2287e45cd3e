package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The softphone's buddy list, own status and chat (webroot/softphone.js and presence.js: JsSIP's
 * Subscriber for the buddies, PUBLISH of the page's own) in headless chromium against sipgw's presence
 * server and offline message store, with auth on ({@link BrowserTestbed}): a buddy online from its
 * registration alone, busy with a note once it publishes, offline when it unregisters and online when
 * it registers again; the same through the page's forms and buttons; chat both ways in order with
 * unread counts; a message to an offline buddy kept (202) and shown in its conversation when it
 * registers; publications and subscriptions refreshed before they expire; buddies unsubscribed when
 * removed or at unregister, and back from localStorage after a reload; pending while the gateway's
 * policy asks the presentity to confirm watchers; and a SIPp phone over UDP
 * whose PUBLISH the browser sees.
 */
class BrowserPresenceTest extends BrowserTestCase {
  /** The expiry of the refresh test's publication and subscription: each refreshed about every 5 s. */
  private static final int SHORT_EXPIRES = 10;
  private static final Duration POLL = Duration.ofMillis(250);

  BrowserPresenceTest() {
    super(false, false, "ann", "ben", "cid", "dee", "eli", "fay", "gil", "hana", "ike", "jo", "kim", "lou", "mo", "nel", "oz", "pia", "quin");
  }

  /** Presence expiries down to 5 s, so that the refresh test sees refreshes within seconds. */
  @Override
  JsonObject gatewaySettings() {
    return new JsonObject().put("presence", new JsonObject().put("minExpires", 5));
  }

  @Test
  void aBuddyIsOnlineFromItsRegistrationBusyWithANoteOfflineWhenItUnregistersAndOnlineAgain() {
    Browser.Page ann = registered("ann");
    Browser.Page ben = registered("ben");

    JsonObject online = watch(ann, "ben");
    assertEquals("active", online.getString("subscription"), online::encode);
    List<TracedMessage> subscribes = ann.sipTrace().stream().filter(m -> m.cseqMethod().equals("SUBSCRIBE")).toList();
    assertEquals(List.of("SUBSCRIBE", "407 SUBSCRIBE", "SUBSCRIBE", "200 SUBSCRIBE"), TracedMessage.summary(subscribes));
    SipMessageText subscribe = subscribes.get(2).message();
    assertEquals("presence", subscribe.header("Event"));
    assertEquals("application/pidf+xml", subscribe.header("Accept"));
    assertTrue(publishes(ben).isEmpty(), "online with no note is what the registration says: nothing published");

    int mark = ann.mark();
    ben.invoke("setStatus", "busy", "in a meeting");
    JsonObject busy = awaitBuddy(ann, mark, "ben", "busy", "in a meeting");
    assertEquals("publication", busy.getString("basis"), busy::encode);
    JsonObject published = ben.awaitEvent(e -> "status".equals(e.getString("type")) && "published".equals(e.getString("publication")),
        BOUND, "ben's publication");
    String etag = published.getString("etag");
    assertNotNull(etag, published::encode);
    List<TracedMessage> created = publishes(ben);
    assertEquals(List.of("PUBLISH", "407 PUBLISH", "PUBLISH", "200 PUBLISH"), TracedMessage.summary(created));
    SipMessageText create = created.get(2).message();
    assertEquals("presence", create.header("Event"));
    assertEquals("application/pidf+xml", create.header("Content-Type"));
    assertNull(create.header("SIP-If-Match"), create::text);
    assertTrue(create.header("Proxy-Authorization").contains("username=\"ben\""), create::text);
    assertTrue(create.text().contains("<rpid:busy/>") && create.text().contains("<note>in a meeting</note>"), create::text);
    assertEquals(etag, created.get(3).message().header("SIP-ETag"));
    assertEquals(List.of(buddy("ben", "busy", "in a meeting")), summaries(ann));

    mark = ann.mark();
    ben.invoke("unregister");
    awaitBuddy(ann, mark, "ben", "offline", null);
    // ben took its publication away before it unregistered: SIP-If-Match with its entity-tag, Expires: 0
    TracedMessage removal = awaitTrace(ben, m -> m.sent() && m.isRequest("PUBLISH") && "0".equals(m.message().header("Expires"))
        && m.message().header("Proxy-Authorization") != null, "ben's PUBLISH with Expires: 0 and credentials");
    assertEquals(etag, removal.message().header("SIP-If-Match"), removal.message()::text);
    awaitTrace(ben, m -> m.isResponse(200, "PUBLISH") && m.message().header("CSeq").equals(removal.message().header("CSeq")),
        "the 200 to ben's removal");

    mark = ann.mark();
    int benMark = ben.mark();
    ben.register("ben", bed.password("ben"), DOMAIN, null);
    ben.awaitEvent(benMark, e -> "registration".equals(e.getString("type")) && "registered".equals(e.getString("state")), BOUND,
        "ben registered again");
    JsonObject back = awaitBuddy(ann, mark, "ben", "online", null);
    assertEquals("registration", back.getString("basis"), "a new registration starts online, with nothing published");
  }

  @Test
  void buddiesAreUnsubscribedWhenRemovedOrUnregisteredAndKeptPerAccountAcrossAReload() {
    Browser.Page mo = registered("mo");
    registered("nel");
    watch(mo, "nel");
    mo.invoke("addBuddy", aor("oz"));
    JsonObject nobody = awaitBuddy(mo, 0, "oz", "offline", null);
    assertEquals("none", nobody.getString("basis"), "oz never registered nor published: an empty document");

    mo.invoke("removeBuddy", "oz");
    awaitUnsubscribed(mo, "oz");
    assertEquals(List.of(buddy("nel", "online", null)), summaries(mo));

    mo.invoke("unregister");
    awaitUnsubscribed(mo, "nel");
    assertEquals(List.of(buddy("nel", "unknown", null)), summaries(mo), "unregistered: nothing known");

    // the buddy list is in localStorage for mo@localhost: a reloaded page has it back at the registration
    mo.reload();
    int mark = mo.mark();
    mo.register("mo", bed.password("mo"), DOMAIN, null);
    awaitBuddy(mo, mark, "nel", "online", null);
    assertEquals(List.of(buddy("nel", "online", null)), summaries(mo));
  }

  /**
   * With presence.defaultPolicy confirm (the gateway's config changed under it and reloaded) a new
   * watcher's subscription is pending, its NOTIFYs without state: the buddy shows pending.
   */
  @Test
  void aWatcherNotYetAllowedSeesPending() throws IOException {
    Browser.Page pia = registered("pia");
    registered("quin");
    Path config = bed.dir().resolve("sipgw.json");
    String allowing = Files.readString(config, StandardCharsets.UTF_8);
    try {
      reloadGateway(config, new JsonObject(allowing).mergeIn(new JsonObject()
          .put("presence", new JsonObject().put("defaultPolicy", "confirm")), true).encodePrettily());
      pia.invoke("addBuddy", aor("quin"));
      JsonObject pending = awaitBuddy(pia, 0, "quin", "pending", null);
      assertEquals("pending", pending.getString("subscription"), pending::encode);
      assertEquals(List.of(buddy("quin", "pending", null)), summaries(pia));
    } finally {
      reloadGateway(config, allowing);
    }
  }

  @Test
  void theFormsAndButtonsAddABuddySetAStatusAndChat() {
    Browser.Page cid = registered("cid");
    Browser.Page dee = registered("dee");
    String deeRow = "#buddies li[data-uri='" + aor("dee") + "']";

    cid.fill("#buddyUri", aor("dee"));
    cid.click("#addBuddy");
    awaitBuddy(cid, 0, "dee", "online", null);
    assertEquals("online", cid.text(deeRow + " .status"));

    dee.select("#status", "away");
    dee.fill("#note", "back at three");
    dee.click("#setStatus");
    awaitBuddy(cid, 0, "dee", "away", "back at three");
    assertEquals("away", cid.text(deeRow + " .status"));
    assertEquals("back at three", cid.text(deeRow + " .note"));
    assertEquals("away", dee.text("#ownState"));

    cid.click(deeRow + " .name");
    assertEquals(aor("dee"), cid.text("#chatPeer"));
    cid.fill("#chatText", "are you back yet?");
    cid.click("#chatSend");
    dee.awaitEvent(e -> "message".equals(e.getString("type")) && "are you back yet?".equals(e.getString("text")), BOUND, "cid's MESSAGE");
    // cid is not dee's buddy: listed with the conversation, one unread
    String cidRow = "#buddies li[data-uri='" + aor("cid") + "']";
    assertEquals("not a buddy", dee.text(cidRow + " .status"));
    assertEquals("1", dee.text(cidRow + " .unread"));
    dee.click(cidRow + " .name");
    assertEquals("", dee.text(cidRow + " .unread"));
    assertTrue(dee.text("#conversation").contains("are you back yet?"), () -> dee.text("#conversation"));
    dee.fill("#chatText", "in five minutes");
    dee.click("#chatSend");
    cid.awaitEvent(e -> "message".equals(e.getString("type")) && "in five minutes".equals(e.getString("text")), BOUND, "dee's answer");
    String shown = cid.text("#conversation");
    assertTrue(shown.indexOf("are you back yet?") < shown.indexOf("in five minutes") && shown.indexOf("are you back yet?") >= 0, shown);
  }

  @Test
  void chatBothWaysInOrderWithUnreadCounts() {
    Browser.Page eli = registered("eli");
    Browser.Page fay = registered("fay");
    eli.invoke("addBuddy", aor("fay"));

    say(eli, fay, "one");
    say(fay, eli, "two");
    say(eli, fay, "three");

    assertEquals(List.of("out one sent", "in two received", "out three sent"), conversation(eli, "fay"));
    assertEquals(List.of("in one received", "out two sent", "in three received"), conversation(fay, "eli"));
    assertEquals(1, unread(eli, "fay"));
    assertEquals(2, unread(fay, "eli"));
    assertEquals(1, buddies(eli).getJsonObject(0).getInteger("unread"), "the buddy list shows it too");

    fay.invoke("openConversation", aor("eli"));
    assertEquals(0, unread(fay, "eli"));
    say(eli, fay, "four");
    assertEquals(0, unread(fay, "eli"), "the open conversation has nothing unread");
    assertEquals("in four received", conversation(fay, "eli").get(3));
  }

  @Test
  void aMessageToAnOfflineBuddyIsKeptAndShownInItsConversationInOrderWhenItRegisters() {
    Browser.Page gil = registered("gil");
    Browser.Page hana = registered("hana");
    watch(gil, "hana");
    say(gil, hana, "before you go");

    int mark = gil.mark();
    hana.invoke("unregister");
    awaitBuddy(gil, mark, "hana", "offline", null);
    send(gil, "hana", "first while you were away");
    send(gil, "hana", "second while you were away");
    List<String> kept = TracedMessage.summary(gil.sipTrace().stream().filter(m -> m.cseqMethod().equals("MESSAGE")).toList());
    assertEquals(List.of("202 MESSAGE", "202 MESSAGE"), kept.stream().filter(s -> s.startsWith("202")).toList(), kept::toString);

    int hanaMark = hana.mark();
    hana.register("hana", bed.password("hana"), DOMAIN, null);
    hana.awaitEvent(hanaMark, e -> "message".equals(e.getString("type")) && "second while you were away".equals(e.getString("text")),
        BOUND, "the second kept MESSAGE");
    assertEquals(List.of("in before you go received", "in first while you were away received", "in second while you were away received"),
        conversation(hana, "gil"));
    JsonArray messages = (JsonArray) hana.invoke("conversation", aor("gil"));
    for (int i = 1; i < 3; i++) {
      assertNotNull(messages.getJsonObject(i).getLong("sent"), () -> "a kept message carries its Date: " + messages.encode());
    }
    assertEquals(3, unread(hana, "gil"));
  }

  @Test
  void publicationAndSubscriptionAreRefreshedBeforeTheyExpire() {
    Browser.Page ike = registeredWithShortPresence("ike");
    Browser.Page jo = registeredWithShortPresence("jo");
    watch(ike, "jo");
    jo.invoke("setStatus", "away", "lunch");
    awaitBuddy(ike, 0, "jo", "away", "lunch");

    // three refreshes, 15 s after the publication: its first 10 s would have run out twice over
    Duration bound = Duration.ofSeconds(SHORT_EXPIRES * 3);
    awaitCount(jo, m -> m.isResponse(200, "PUBLISH") && m.message().header("SIP-ETag") != null, 4, bound,
        "the 200s of jo's publication and three refreshes");
    List<SipMessageText> refreshes = publishes(jo).stream().filter(m -> m.sent() && m.message().header("SIP-If-Match") != null
        && m.message().header("Proxy-Authorization") != null).map(TracedMessage::message).toList();
    assertTrue(refreshes.size() >= 3, () -> "jo's refreshes: " + refreshes);
    for (SipMessageText r : refreshes) {
      assertNull(r.header("Content-Type"), () -> "a refresh has no body: " + r.text());
      assertEquals(Integer.toString(SHORT_EXPIRES), r.header("Expires"), r::text);
    }
    long subscribed = ike.sipTrace().stream().filter(m -> m.isResponse(200, "SUBSCRIBE")).count();
    assertTrue(subscribed >= 4, () -> "ike's subscription and its refreshes answered: " + TracedMessage.summary(ike.sipTrace()));
    // nothing but away since jo went away: neither the publication nor the subscription ran out
    List<JsonObject> buddyEvents = ike.events().stream().filter(e -> "buddy".equals(e.getString("type"))).toList();
    List<JsonObject> since = buddyEvents.subList(buddyEvents.indexOf(awaitBuddy(ike, 0, "jo", "away", "lunch")), buddyEvents.size());
    assertTrue(since.stream().allMatch(e -> "away".equals(e.getString("status"))), since::toString);
    assertEquals(List.of(buddy("jo", "away", "lunch")), summaries(ike));
  }

  @Test
  void aSippPhonePublishingOverUdpIsSeenByTheBrowser() throws Exception {
    Browser.Page lou = registered("lou");
    lou.invoke("addBuddy", aor("kim"));
    JsonObject nobody = awaitBuddy(lou, 0, "kim", "offline", null);
    assertEquals("none", nobody.getString("basis"), "kim never registered nor published: an empty document");

    int mark = lou.mark();
    SippResult phone = caller("publish-auth.xml", "kim", "kim").run();
    phone.assertSucceeded(1);
    JsonObject away = awaitBuddy(lou, mark, "kim", "away", "on the SIP phone");
    assertEquals("publication", away.getString("basis"));
    awaitBuddy(lou, mark, "kim", "offline", null);
    assertEquals(List.of(buddy("kim", "offline", null)), summaries(lou));
  }

  // ---- helpers

  private static String aor(String user) { return "sip:" + user + "@" + DOMAIN; }

  private static boolean isBuddy(JsonObject e, String user, String status, String note) {
    return "buddy".equals(e.getString("type")) && aor(user).equals(e.getString("uri")) && status.equals(e.getString("status"))
        && (note == null || note.equals(e.getString("note")));
  }

  /** The first buddy event of {@code page} after {@code mark} showing {@code user} with {@code status} (and {@code note}). */
  private static JsonObject awaitBuddy(Browser.Page page, int mark, String user, String status, String note) {
    return page.awaitEvent(mark, e -> isBuddy(e, user, status, note), BOUND, user + " " + status + (note == null ? "" : " (" + note + ")"));
  }

  /**
   * {@code watcher} adds {@code user} (registered, nothing published) as a buddy by name alone (the
   * account's domain is the default) and sees it online from its registration: the buddy event.
   */
  private static JsonObject watch(Browser.Page watcher, String user) {
    watcher.invoke("addBuddy", user);
    JsonObject online = awaitBuddy(watcher, 0, user, "online", null);
    assertEquals("registration", online.getString("basis"), () -> "nothing published: the gateway's usrloc tuple says open: " + online);
    return online;
  }

  private static JsonArray buddies(Browser.Page page) { return (JsonArray) page.invoke("buddies"); }

  /** Each buddy of the page as {@code uri status note}. */
  private static List<String> summaries(Browser.Page page) {
    return buddies(page).stream().map(b -> (JsonObject) b)
        .map(b -> buddy(b.getString("uri").substring(4, b.getString("uri").indexOf('@')), b.getString("status"), b.getString("note")))
        .toList();
  }

  private static String buddy(String user, String status, String note) { return aor(user) + " " + status + " " + note; }

  /** The page's conversation with {@code user} as {@code direction text status} lines, in its order. */
  private static List<String> conversation(Browser.Page page, String user) {
    return ((JsonArray) page.invoke("conversation", aor(user))).stream().map(m -> (JsonObject) m)
        .map(m -> m.getString("direction") + " " + m.getString("text") + " " + m.getString("status")).toList();
  }

  private static int unread(Browser.Page page, String user) {
    return page.state().getJsonObject("unread").getInteger(aor(user), 0);
  }

  /** {@code from} sends {@code text} to {@code to}'s user and waits for its arrival there. */
  private static void say(Browser.Page from, Browser.Page to, String text) {
    send(from, to.name(), text);
    to.awaitEvent(e -> "message".equals(e.getString("type")) && text.equals(e.getString("text")), BOUND, "the MESSAGE " + text);
  }

  /** {@code from} sends {@code text} to {@code user} and waits for the 2xx. */
  private static void send(Browser.Page from, String user, String text) {
    int mark = from.mark();
    from.sendMessage(aor(user), text);
    from.awaitEvent(mark, e -> "messageSent".equals(e.getString("type")) && text.equals(e.getString("text")), BOUND, "the 2xx to " + text);
  }

  /** The page's SUBSCRIBE with Expires: 0 for {@code user}'s presence, answered 200, and the terminated NOTIFY. */
  private static void awaitUnsubscribed(Browser.Page page, String user) {
    Predicate<TracedMessage> toUser = m -> m.message().header("To") != null && m.message().header("To").contains(aor(user));
    TracedMessage unsubscribe = awaitTrace(page, toUser.and(m -> m.sent() && m.isRequest("SUBSCRIBE") && "0".equals(m.message().header("Expires"))),
        "the SUBSCRIBE with Expires: 0 to " + user);
    String cseq = unsubscribe.message().header("CSeq");
    awaitTrace(page, toUser.and(m -> m.isResponse(200, "SUBSCRIBE") && cseq.equals(m.message().header("CSeq"))), "its 200");
    awaitTrace(page, m -> m.received() && m.isRequest("NOTIFY") && m.message().header("From").contains(aor(user))
        && m.message().header("Subscription-State").startsWith("terminated"), "the terminated NOTIFY from " + user);
  }

  private static List<TracedMessage> publishes(Browser.Page page) {
    return page.sipTrace().stream().filter(m -> m.cseqMethod().equals("PUBLISH")).toList();
  }

  private Browser.Page registeredWithShortPresence(String user) {
    Browser.Page page = opened(user, bed.pageUrl());
    page.debug("JsSIP:Transport");
    page.invoke("register", new JsonObject().put("user", user).put("password", bed.password(user)).put("domain", DOMAIN)
        .put("presenceExpires", SHORT_EXPIRES));
    page.awaitRegistration("registered", BOUND);
    return page;
  }

  /** Writes {@code content} as the gateway's config file and waits until the gateway has reloaded it. */
  private void reloadGateway(Path config, String content) throws IOException {
    Path log = bed.dir().resolve("sipgw.log");
    long before = reloads(log);
    Files.writeString(config, content, StandardCharsets.UTF_8);
    Polling.await(() -> reloads(log) > before, POLL, BOUND, () -> "the gateway did not reload " + config);
  }

  private static long reloads(Path log) {
    try {
      return Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(l -> l.contains("configuration reloaded")).count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The first message of the page's SIP trace that {@code matches}, polled for up to {@link #BOUND}. */
  private static TracedMessage awaitTrace(Browser.Page page, Predicate<TracedMessage> matches, String what) {
    awaitCount(page, matches, 1, BOUND, what);
    return page.sipTrace().stream().filter(matches).findFirst().orElseThrow();
  }

  /** Polls the page's SIP trace until {@code count} messages match; fails with the trace after {@code bound}. */
  private static void awaitCount(Browser.Page page, Predicate<TracedMessage> matches, int count, Duration bound, String what) {
    Polling.await(() -> page.sipTrace().stream().filter(matches).count() >= count, POLL, bound,
        () -> page.name() + ": no " + what + " in " + TracedMessage.summary(page.sipTrace()));
  }
}
