package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The other requests inside a dialog (issue 3), between a SIPp caller and a SIPp phone through
 * the record-routing proxy: PRACK for an RFC 3262 reliable 180, UPDATE and INFO from the caller,
 * INFO, re-INVITE and BYE from the callee, REFER from the caller and the NOTIFY that answers it
 * from the callee. Every call must succeed on both sides with no stray message; every in-dialog
 * request must leave its sender with the proxy's Route (the route set taken from Record-Route)
 * and reach the other side from the proxy (its Via on top, its own Route removed), addressed to
 * that side's Contact.
 */
@Timeout(60)
class InDialogMethodsSippTest extends PhoneCallTest {

  @Test
  void aReliableProvisionalIsForwardedAndItsPrackFollowsTheRouteSet() {
    Call call = call("uac-prack.xml", "uas-prack.xml");

    TracedMessage ringing = first(call.caller, "180", m -> m.received() && m.isResponse(180, "INVITE"));
    assertTrue(ringing.message().header("Require").contains("100rel"), () -> "a reliable 180\n" + ringing);
    assertEquals("1", ringing.message().header("RSeq"), () -> "the 180's RSeq\n" + ringing);
    assertTrue(ringing.message().headers("Record-Route").stream().anyMatch(r -> r.contains(call.proxy)),
        () -> "the 180 carries the proxy's Record-Route\n" + ringing);
    TracedMessage prack = call.routedToCallee("PRACK");
    assertEquals("1 1 INVITE", prack.message().header("RAck"), () -> "the PRACK acknowledges the 180\n" + prack);
    call.routedToCallee("ACK");
    call.routedToCallee("BYE");
    TracedMessage answer = first(call.caller, "200 INVITE", m -> m.received() && m.isResponse(200, "INVITE"));
    assertTrue(answer.time().isAfter(first(call.caller, "200 PRACK",
        m -> m.received() && m.isResponse(200, "PRACK")).time()), "the phone answers after the PRACK's 200");
  }

  @Test
  void updateAndInfoFromTheCallerFollowTheRouteSet() {
    Call call = call("uac-update-info.xml", "uas-update-info.xml");

    TracedMessage update = call.routedToCallee("UPDATE");
    assertTrue(update.message().text().contains("a=sendonly"), () -> "the UPDATE keeps its SDP offer\n" + update);
    TracedMessage info = call.routedToCallee("INFO");
    assertTrue(info.message().text().contains("Signal=5"), () -> "the INFO keeps its body\n" + info);
    call.routedToCallee("BYE");
  }

  @Test
  void requestsFromTheCalleeFollowItsRouteSetToTheCallersContact() {
    Call call = call("uac-answers-callee.xml", "uas-callee-requests.xml");

    for (String method : new String[] {"INFO", "INVITE", "ACK", "BYE"}) call.routedToCaller(method);
  }

  @Test
  void referFromTheCallerAndNotifyFromTheCalleeFollowTheRouteSet() {
    Call call = call("uac-refer.xml", "uas-refer.xml");

    TracedMessage refer = call.routedToCallee("REFER");
    assertEquals("<sip:carol@127.0.0.1>", refer.message().header("Refer-To"), () -> "the REFER's target\n" + refer);
    first(call.caller, "202 REFER", m -> m.received() && m.isResponse(202, "REFER"));
    TracedMessage notify = call.routedToCaller("NOTIFY");
    assertEquals("refer", notify.message().header("Event"), () -> "the NOTIFY's event\n" + notify);
    assertTrue(notify.message().header("Subscription-State").startsWith("terminated"),
        () -> "the NOTIFY ends the subscription\n" + notify);
    assertTrue(notify.message().text().endsWith("\r\n\r\nSIP/2.0 200 OK\r\n\r\n"),
        () -> "the NOTIFY keeps its sipfrag body\n" + notify);
    call.routedToCallee("BYE");
  }

  /** Runs one call of {@code callerScenario} through a fresh gateway to a phone running {@code phoneScenario}. */
  private Call call(String callerScenario, String phoneScenario) {
    startGateway(new JsonObject());
    Callee phone = phone(phoneScenario);
    register(phone);
    Sipp caller = caller(callerScenario);
    SippResult callerRun = completes(caller);
    SippResult phoneRun = completed(phone);
    return new Call(Sipp.hostPort(HOST, gateway.port()), caller, callerRun, phone, phoneRun);
  }

  /** One finished call: the proxy's address, and each side's address and messages. */
  private record Call(String proxy, String callerAddress, SippResult caller, String phoneAddress, SippResult phone) {
    Call(String proxy, Sipp caller, SippResult callerRun, Callee phone, SippResult phoneRun) {
      this(proxy, Sipp.hostPort(caller.localHost(), caller.localPort()), callerRun,
          Sipp.hostPort(phone.host(), phone.port()), phoneRun);
    }

    /** Asserts that the caller's in-dialog {@code method} reached the phone through the proxy; the phone's copy. */
    TracedMessage routedToCallee(String method) { return routed(method, caller, phone, phoneAddress, "the phone"); }

    /** Asserts that the phone's in-dialog {@code method} reached the caller through the proxy; the caller's copy. */
    TracedMessage routedToCaller(String method) { return routed(method, phone, caller, callerAddress, "the caller"); }

    private TracedMessage routed(String method, SippResult from, SippResult to, String toAddress, String toName) {
      TracedMessage sent = first(from, "sent in-dialog " + method, m -> m.sent() && inDialog(m, method));
      assertTrue(sent.message().headers("Route").stream().anyMatch(r -> r.contains(proxy)),
          () -> "the " + method + " is sent with the proxy's Route (from its Record-Route)\n" + sent);
      TracedMessage received = first(to, "received in-dialog " + method, m -> m.received() && inDialog(m, method));
      assertTrue(received.message().headers("Via").get(0).contains(proxy),
          () -> toName + " gets the " + method + " from the proxy\n" + received);
      assertTrue(received.message().requestUri().contains(toAddress),
          () -> "the " + method + " goes to the Contact of " + toName + " (" + toAddress + ")\n" + received);
      assertTrue(received.message().headers("Route").stream().noneMatch(r -> r.contains(proxy)),
          () -> "the proxy removes its own Route from the " + method + "\n" + received);
      return received;
    }

    /** A request with {@code method} inside the dialog: its To has a tag. */
    private static boolean inDialog(TracedMessage m, String method) {
      return m.isRequest(method) && m.message().header("To").contains("tag=");
    }
  }
}
