package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Forking (RFC 3261 §16.6, §16.7). Parallel: bob has three phones; all ring, one answers after a
 * second, the proxy relays its 200 and CANCELs the other two (they answer 200 and 487 and get
 * the proxy's ACK). Serial: bob has a q=1.0 and a q=0.5 phone; the q=0.5 phone gets the INVITE
 * only after the q=1.0 one has answered 480, and it takes the call.
 */
@Timeout(60)
class ForkingSippTest extends PhoneCallTest {

  @Test
  void parallelForkingCancelsTheOtherPhonesWhenOneAnswers() {
    startGateway(new JsonObject().put("proxy", new JsonObject().put("forking", "parallel")));
    Callee answering = phone("uas.xml", "-d", "1000");
    Callee ringing1 = phone("uas-cancelled.xml");
    Callee ringing2 = phone("uas-cancelled.xml");
    register(answering, ringing1, ringing2);

    SippResult caller = completes(caller("uac.xml"));
    SippResult winner = completed(answering);
    List<SippResult> losers = List.of(completed(ringing1), completed(ringing2));

    // exactly one answer: every 200 to the INVITE the caller saw (a retransmission included) is the winner's
    String winnerTag = tag(first(winner, "200", m -> m.sent() && m.isResponse(200, "INVITE")));
    Set<String> answeredTags = caller.traced().stream().filter(m -> m.received() && m.isResponse(200, "INVITE"))
        .map(ForkingSippTest::tag).collect(Collectors.toSet());
    assertEquals(Set.of(winnerTag), answeredTags, () -> "the caller sees the winner's 200 only\n" + caller.describe());
    // the other phones were cancelled after the answer, not before
    TracedMessage answer = first(winner, "200", m -> m.sent() && m.isResponse(200, "INVITE"));
    for (SippResult loser : losers) {
      TracedMessage cancel = first(loser, "CANCEL", m -> m.received() && m.isRequest("CANCEL"));
      assertFalse(cancel.time().isBefore(answer.time()), () -> "CANCEL only after the 200\n" + loser.describe());
    }
  }

  @Test
  void serialForkingTriesTheLowerQOnlyAfterTheHigherFailed() {
    startGateway(new JsonObject().put("proxy", new JsonObject().put("forking", "serial")));
    // the first choice thinks for a second before it says 480: a proxy that forked in parallel would
    // have the second phone answer meanwhile and CANCEL the first, which fails it
    Callee preferred = phone("uas-unavailable.xml", "-d", "1000");
    Callee fallback = phone("uas.xml");
    register(List.of(preferred.contact(1.0), fallback.contact(0.5)));

    completes(caller("uac.xml"));
    SippResult refused = completed(preferred);
    SippResult answered = completed(fallback);

    TracedMessage unavailable = first(refused, "480", m -> m.sent() && m.isResponse(480, "INVITE"));
    TracedMessage invite = first(answered, "INVITE", m -> m.received() && m.isRequest("INVITE"));
    assertFalse(invite.time().isBefore(unavailable.time()),
        () -> "the q=0.5 phone gets the INVITE only after the q=1.0 phone's 480 (" + unavailable.time() + ")\n"
            + answered.describe());
  }

  private static String tag(TracedMessage m) {
    String to = m.message().header("To");
    assertTrue(to != null && to.contains(";tag="), () -> "a To tag in\n" + m.message());
    return to.substring(to.indexOf(";tag=") + 5).replaceFirst("[;\\s].*", "");
  }
}
