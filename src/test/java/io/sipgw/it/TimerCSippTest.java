package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A phone that rings and never answers (RFC 3261 §16.8): with {@code proxy.timerC} 2 s, timer C
 * fires 2 s after the phone's 180, the proxy CANCELs the branch (the phone answers 200 and 487
 * and gets the proxy's ACK) and, with no better response, the caller gets 408 and ACKs it.
 */
@Timeout(60)
class TimerCSippTest extends PhoneCallTest {
  private static final int TIMER_C_SECONDS = 2;

  @Test
  void aPhoneThatNeverAnswersIsCancelledAndTheCallerGets408() {
    startGateway(new JsonObject().put("proxy", new JsonObject().put("timerC", TIMER_C_SECONDS)));
    Callee phone = phone("uas-cancelled.xml");
    register(phone);

    SippResult caller = completes(caller("uac-timeout.xml"));
    SippResult callee = completed(phone);

    TracedMessage ringing = first(callee, "180", m -> m.sent() && m.isResponse(180, "INVITE"));
    TracedMessage cancel = first(callee, "CANCEL", m -> m.received() && m.isRequest("CANCEL"));
    Duration rang = Duration.between(ringing.time(), cancel.time());
    assertTrue(rang.compareTo(Duration.ofMillis(TIMER_C_SECONDS * 1000 - 300)) >= 0
        && rang.compareTo(Duration.ofSeconds(TIMER_C_SECONDS + 3)) <= 0,
        () -> "the proxy CANCELs about timer C (" + TIMER_C_SECONDS + " s) after the 180, not " + rang + "\n" + callee.describe());
    TracedMessage timeout = first(caller, "408", m -> m.received() && m.isResponse(408, "INVITE"));
    assertTrue(!timeout.time().isBefore(cancel.time().minusNanos(50_000_000)),
        () -> "the 408 comes when timer C fires, not before the CANCEL\n" + caller.describe());
  }
}
