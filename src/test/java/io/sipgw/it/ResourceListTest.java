package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Resource lists (RFC 4662, 4826): a user keeps a buddy list and a list service on the XCAP server;
 * a SUBSCRIBE to the service with {@code Supported: eventlist} gets multipart/related NOTIFYs with an
 * RLMI document and each member's presence, full state at first and after a list change, partial
 * state when one member changes; each member as its own rules treat the subscriber; against the
 * memory store and a real redis-server.
 */
@Timeout(90)
class ResourceListTest extends StoreGatewayTest {
  static final String LISTS = "resource-lists/users/sip:alice@localhost/index";
  static final String SERVICES = "rls-services/users/sip:alice@localhost/index";
  private static final Pattern VERSION = Pattern.compile("<list [^>]*version=\"(\\d+)\" fullState=\"(true|false)\"");

  /** An rls-services document with one presence service {@code uri} of the list {@code listRef} points at. */
  static String services(String uri, String listRef) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rls-services xmlns=\"urn:ietf:params:xml:ns:rls-services\">"
        + "<service uri=\"" + uri + "\"><resource-list>" + listRef + "</resource-list><packages><package>presence</package></packages>"
        + "</service></rls-services>";
  }

  /** The XCAP URI of alice's list "friends" (RFC 4826 §4.2), for a service's resource-list. */
  static String friends(int xcapPort) {
    return "http://127.0.0.1:" + xcapPort + "/xcap-root/" + LISTS + "/~~/" + XcapClient.encode("resource-lists/list[@name=\"friends\"]");
  }

  /** A SUBSCRIBE from alice to her list service, with {@code supported} (or none), and its final response. */
  private static SipMessageText subscribe(SipPeer peer, String supported, String expires) throws IOException {
    String uri = aor("alice-buddies");
    peer.send(peer.request("SUBSCRIBE", uri, uri, "Event: presence\r\nAccept: application/pidf+xml, application/rlmi+xml, multipart/related\r\n"
        + (supported == null ? "" : "Supported: " + supported + "\r\n") + "Expires: " + expires + "\r\n")
        .replace("sip:tester@localhost", aor("alice")).replace("<sip:tester@", "<sip:alice@"));
    return peer.finalResponse(ANSWER);
  }

  /** The RLMI part's version and fullState, checked to be one. */
  private static String[] rlmi(SipMessageText notify) {
    assertTrue(notify.header("Content-Type").startsWith("multipart/related;type=\"application/rlmi+xml\""), notify::toString);
    assertEquals("eventlist", notify.header("Require"), notify::toString);
    assertEquals("presence", notify.header("Event"));
    Matcher m = VERSION.matcher(body(notify));
    assertTrue(m.find(), notify::toString);
    return new String[] {m.group(1), m.group(2)};
  }

  /** The presence document of {@code member}'s part (by the cid its instance names), or null when it has no part. */
  private static String part(SipMessageText notify, String member) {
    Matcher r = Pattern.compile("<resource uri=\"" + Pattern.quote(member) + "\">(.*?)</resource>").matcher(body(notify));
    if (!r.find()) return null;
    Matcher cid = Pattern.compile("cid=\"([^\"]+)\"").matcher(r.group(1));
    if (!cid.find()) return "";
    Matcher p = Pattern.compile("Content-ID: <" + Pattern.quote(cid.group(1)) + ">\r\n.*?\r\n\r\n(.*?)\r\n--", Pattern.DOTALL).matcher(body(notify));
    assertTrue(p.find(), "no part for " + cid.group(1) + " in\n" + body(notify));
    return p.group(1);
  }

  private static String instance(SipMessageText notify, String member) {
    Matcher r = Pattern.compile("<resource uri=\"" + Pattern.quote(member) + "\">(?:<name>[^<]*</name>)?(<instance [^>]*>)?").matcher(body(notify));
    assertTrue(r.find(), member + " not in\n" + body(notify));
    return r.group(1) == null ? "" : r.group(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "redis"})
  void aListServiceNotifiesFullThenPartialStateOfItsMembers(String store) throws IOException {
    startXcap(store, "alice", "bob", "carol");
    XcapClient alice = as("alice");
    HttpResponse<String> lists = alice.put(LISTS, "application/resource-lists+xml",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<resource-lists xmlns=\"urn:ietf:params:xml:ns:resource-lists\"><list name=\"friends\">"
            + "<entry uri=\"sip:bob@localhost\"><display-name>Bob</display-name></entry><entry uri=\"sip:carol@localhost\"/>"
            + "<entry uri=\"sip:dave@example.org\"/></list></resource-lists>");
    assertEquals(201, lists.statusCode(), lists::body);
    String ref = friends(gateway.wsPort());
    HttpResponse<String> service = alice.put(SERVICES, "application/rls-services+xml", services("sip:alice-buddies@localhost", ref));
    assertEquals(201, service.statusCode(), service::body);
    HttpResponse<String> taken = as("bob").put("rls-services/users/sip:bob@localhost/index", "application/rls-services+xml",
        services("sip:alice-buddies@localhost", ref));
    assertEquals(409, taken.statusCode(), "a service URI is one user's (RFC 4826 §4.4.8)");
    assertTrue(taken.body().contains("uniqueness-failure"), taken::body);
    // bob lets alice see him only once he confirms
    assertEquals(201, as("bob").put("pres-rules/users/sip:bob@localhost/index", "application/auth-policy+xml",
        "<ruleset xmlns=\"urn:ietf:params:xml:ns:common-policy\" xmlns:pr=\"urn:ietf:params:xml:ns:pres-rules\"><rule id=\"a\"><conditions>"
            + "<identity><one id=\"sip:alice@localhost\"/></identity></conditions><actions><pr:sub-handling>confirm</pr:sub-handling>"
            + "</actions></rule></ruleset>").statusCode());

    SipPeer phone = peer();
    SipMessageText refused = subscribe(phone, null, "600");
    assertEquals(421, refused.status(), refused::toString);
    assertEquals("eventlist", refused.header("Require"));
    SipMessageText ok = subscribe(phone, "eventlist", "600");
    assertEquals(200, ok.status(), ok::toString);
    assertEquals("eventlist", ok.header("Require"));

    SipMessageText first = notified(phone);
    assertEquals("0", rlmi(first)[0]);
    assertEquals("true", rlmi(first)[1]);
    assertTrue(body(first).contains("<list xmlns=\"urn:ietf:params:xml:ns:rlmi\" uri=\"sip:alice-buddies@localhost\""), first::toString);
    assertTrue(instance(first, "sip:bob@localhost").contains("state=\"pending\""), "bob's rules: confirm\n" + first);
    assertNotNull(part(first, "sip:carol@localhost"), first::toString);
    assertTrue(instance(first, "sip:carol@localhost").contains("state=\"active\""), first::toString);
    assertTrue(part(first, "sip:carol@localhost").contains("entity=\"sip:carol@localhost\""), first::toString);
    assertEquals("", instance(first, "sip:dave@example.org"), "a member of another domain has no instance here");
    assertTrue(body(first).contains("<name>Bob</name>"), first::toString);

    // carol registers: a partial NOTIFY with her alone, open
    SipPeer carol = peer();
    assertEquals(200, register(carol, "carol", 600));
    SipMessageText partial = notified(phone);
    assertEquals("1", rlmi(partial)[0]);
    assertEquals("false", rlmi(partial)[1]);
    assertTrue(part(partial, "sip:carol@localhost").contains("<basic>open</basic>"), partial::toString);
    assertFalse(body(partial).contains("sip:bob@localhost"), "partial state names only what changed");

    // the list grows by one element over XCAP: full state again, with erin
    HttpResponse<String> added = alice.put(LISTS + "/~~/" + XcapClient.encode("resource-lists/list[@name=\"friends\"]/entry[@uri=\"sip:erin@localhost\"]"),
        "application/xcap-el+xml", "<entry uri=\"sip:erin@localhost\"/>");
    assertEquals(201, added.statusCode(), added::body);
    SipMessageText grown = notified(phone);
    assertEquals("2", rlmi(grown)[0]);
    assertEquals("true", rlmi(grown)[1]);
    assertTrue(instance(grown, "sip:erin@localhost").contains("state=\"active\""), grown::toString);
    SipPeer erin = peer();
    assertEquals(200, register(erin, "erin", 600));
    SipMessageText erinOnline = notified(phone);
    assertTrue(part(erinOnline, "sip:erin@localhost").contains("<basic>open</basic>"), erinOnline::toString);

    // unsubscribed: a terminated NOTIFY, and no more after
    SipMessageText bye = subscribeInDialog(phone, ok, "0");
    assertEquals(200, bye.status(), bye::toString);
    assertTrue(notified(phone).header("Subscription-State").startsWith("terminated"));
    assertEquals(200, register(carol, "carol", 0));
    assertEquals(null, phone.receive(java.time.Duration.ofMillis(800)), "no NOTIFY after the end");
  }

  /** A SUBSCRIBE in the dialog {@code ok} made, with Expires {@code expires}. */
  private static SipMessageText subscribeInDialog(SipPeer peer, SipMessageText ok, String expires) throws IOException {
    String uri = ok.header("Contact").replaceAll("[<>]", "");
    String toTag = ok.header("To").replaceFirst(".*;tag=", "");
    String list = aor("alice-buddies");
    peer.send(peer.request("SUBSCRIBE", uri, list, "Event: presence\r\nSupported: eventlist\r\nExpires: " + expires + "\r\nCSeq: 2 SUBSCRIBE\r\n")
        .replace("sip:tester@localhost", aor("alice")).replace("<sip:tester@", "<sip:alice@")
        .replaceFirst("(?m)^(To: [^\r]*)", "$1;tag=" + toTag).replaceFirst("(?m)^Call-ID: [^\r]*", "Call-ID: " + ok.header("Call-ID"))
        .replaceFirst("(?m)^(From: [^\r]*;tag=)[^\r]*", "$1" + ok.header("From").replaceFirst(".*;tag=", "")));
    return peer.finalResponse(ANSWER);
  }
}
