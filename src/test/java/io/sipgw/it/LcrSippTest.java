package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sipgw.lcr.RulesFileWatch;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Least-cost routing through the proxy, with SIPp UAS "gateways" on 127.0.0.1 (UDP) and the routes
 * of conf/examples/lcr.json: INVITEs to {@code +49…@localhost} go to gateway 1 and, when it answers
 * 503, refuses the connection (TCP) or does not answer within {@code lcr.failover.timeout} (408), to
 * gateway 2 within the same transaction; {@code +1…} go to gateway 3; any other number gets 404 from
 * the proxy. The caller sends every request to the proxy with Request-URI {@code sip:NUMBER@localhost}.
 */
@Timeout(90)
class LcrSippTest extends PhoneCallTest {
  private static final String GERMANY = "+4930123456";
  private static final String USA = "+12125550100";
  /** {@code lcr.failover.timeout}: a gateway silent this long is given up as 408. */
  private static final int NO_ANSWER_MS = 2000;
  /** {@code reload.scanPeriod}: how often the rules file is checked for changes. */
  private static final int SCAN_MS = 200;

  private Callee gw1;
  private Callee gw2;
  private Callee gw3;

  /**
   * Starts gateways 2 and 3 (uas.xml, answering) and the proxy with an LCR table over them and
   * {@code first} as gateway 1.
   */
  private void startLcr(Callee first) {
    gw1 = first;
    startLcr("sip:" + Sipp.hostPort(HOST, first.port()));
  }

  /** As {@link #startLcr(Callee)}, with gateway 1 at {@code gw1Uri}, where no SIPp answers. */
  private void startLcr(String gw1Uri) { startLcr(gw1Uri, new JsonObject()); }

  /** As {@link #startLcr(String)}, the {@code lcr} config deep-merged with {@code lcrOverrides}. */
  private void startLcr(String gw1Uri, JsonObject lcrOverrides) {
    gw2 = carrier("gw2", "uas.xml");
    gw3 = carrier("gw3", "uas.xml");
    JsonArray gateways = new JsonArray()
        .add(new JsonObject().put("name", "gw1").put("uri", gw1Uri))
        .add(gateway("gw2", gw2.port()))
        .add(gateway("gw3", gw3.port()));
    JsonObject lcr = new JsonObject().put("gateways", gateways)
        .put("rules", new JsonArray()
            .add(new JsonObject().put("prefix", "+49").put("domain", TestGateway.DOMAIN).put("targets", new JsonArray()
                .add(new JsonObject().put("gateway", "gw1").put("priority", 0))
                .add(new JsonObject().put("gateway", "gw2").put("priority", 1))))
            .add(new JsonObject().put("prefix", "+1").put("targets", new JsonArray()
                .add(new JsonObject().put("gateway", "gw3")))))
        .put("failover", new JsonObject().put("codes", new JsonArray().add(408).add(503)).put("timeout", NO_ANSWER_MS))
        .mergeIn(lcrOverrides, true);
    JsonArray routes = new JsonArray()
        .add(new JsonObject().put("name", "within-dialog").put("actions", new JsonArray().add(new JsonObject().put("looseRoute", new JsonObject()))))
        .add(new JsonObject().put("name", "lcr").put("when", new JsonObject().put("method", "INVITE")).put("actions", new JsonArray()
            .add(new JsonObject().put("lcr", new JsonObject()))
            .add(new JsonObject().put("reply", new JsonObject().put("code", 404)))))
        .add(new JsonObject().put("name", "rest").put("actions", new JsonArray()
            .add(new JsonObject().put("reply", new JsonObject().put("code", 404)))));
    startGateway(new JsonObject().put("lcr", lcr).put("routes", routes).put("reload", new JsonObject().put("scanPeriod", SCAN_MS)));
  }

  private static JsonObject gateway(String name, int port) {
    return new JsonObject().put("name", name).put("uri", "sip:" + Sipp.hostPort(HOST, port));
  }

  /** A SIPp UAS gateway answering calls to any number with {@code scenario}. */
  private Callee carrier(String name, String scenario, String... sippArgs) { return phoneOf(name, scenario, sippArgs); }

  /** A caller of {@code number}@localhost through the proxy, running {@code scenario} once. */
  private Sipp calling(String number, String scenario) {
    return caller(scenario).service(number).key("target", TestGateway.DOMAIN);
  }

  private static void sawInviteFor(Callee gateway, String number, SippResult run) {
    TracedMessage invite = first(run, "INVITE", m -> m.received() && m.isRequest("INVITE"));
    assertTrue(invite.message().requestUri().startsWith("sip:" + number + "@"),
        () -> "the gateway at port " + gateway.port() + " gets the INVITE for " + number + "\n" + invite);
  }

  /** Asserts that the caller never got a {@code status} (the proxy failed over instead of relaying it). */
  private static void notRelayed(SippResult caller, int status) {
    assertTrue(caller.traced().stream().noneMatch(m -> m.received() && m.message().isResponse() && m.message().status() == status),
        () -> "the " + status + " is not relayed to the caller\n" + caller.describe());
  }

  /** A caller's run to its successful end, and the ms from its INVITE to the 200 (SIPp's own clock). */
  private record Timed(SippResult caller, long millis) { }

  private static Timed timed(Sipp caller) {
    SippResult result = completes(caller);
    TracedMessage invite = first(result, "INVITE", m -> m.sent() && m.isRequest("INVITE"));
    TracedMessage answer = first(result, "200", m -> m.received() && m.isResponse(200, "INVITE"));
    return new Timed(result, Duration.between(invite.time(), answer.time()).toMillis());
  }

  @Test
  void aGermanNumberGoesToTheFirstGateway() {
    startLcr(carrier("gw1", "uas.xml"));

    completes(calling(GERMANY, "uac-target.xml"));
    sawInviteFor(gw1, GERMANY, completed(gw1));
    assertEquals(0, gw2.tracedSoFar().size() + gw3.tracedSoFar().size(), "gateways 2 and 3 get nothing");
  }

  @Test
  void whenTheFirstGatewayAnswers503TheCallFailsOverToTheSecond() {
    startLcr(carrier("gw1", "uas-503.xml"));

    SippResult caller = completes(calling(GERMANY, "uac-target.xml"));
    sawInviteFor(gw1, GERMANY, completed(gw1)); // INVITE, 503, and the proxy's ACK
    sawInviteFor(gw2, GERMANY, completed(gw2));
    notRelayed(caller, 503);
    TracedMessage answer = first(caller, "200", m -> m.received() && m.isResponse(200, "INVITE"));
    assertTrue(answer.message().header("Contact").contains(Sipp.hostPort(HOST, gw2.port())),
        () -> "the caller is answered by gateway 2\n" + answer);
    assertEquals(0, gw3.tracedSoFar().size(), "gateway 3 gets nothing");
  }

  @Test
  void whenTheFirstGatewayRefusesTheConnectionTheCallFailsOverToTheSecond() {
    startLcr("sip:" + Sipp.hostPort(HOST, FreePorts.udpAndTcp(HOST)) + ";transport=tcp"); // nobody listens: a transport error

    long ms = timed(calling(GERMANY, "uac-target.xml")).millis();
    sawInviteFor(gw2, GERMANY, completed(gw2));
    assertTrue(ms < NO_ANSWER_MS, () -> "a refused connection moves on at once, not after the no-answer timeout: 200 after " + ms + " ms");
    assertEquals(0, gw3.tracedSoFar().size(), "gateway 3 gets nothing");
  }

  @Test
  void whenTheFirstGatewayDoesNotAnswerTheCallFailsOverToTheSecondAfterTheTimeout() {
    startLcr("sip:" + Sipp.hostPort(HOST, FreePorts.udpAndTcp(HOST))); // UDP to a port nobody reads: no answer at all

    Timed call = timed(calling(GERMANY, "uac-target.xml"));
    sawInviteFor(gw2, GERMANY, completed(gw2));
    assertTrue(call.millis() >= NO_ANSWER_MS, () -> "gateway 2 is tried after lcr.failover.timeout: 200 after " + call.millis() + " ms");
    notRelayed(call.caller(), 408);
  }

  @Test
  void anAmericanNumberGoesToTheThirdGateway() {
    startLcr(carrier("gw1", "uas.xml"));

    completes(calling(USA, "uac-target.xml"));
    sawInviteFor(gw3, USA, completed(gw3));
    assertEquals(0, gw1.tracedSoFar().size() + gw2.tracedSoFar().size(), "gateways 1 and 2 get nothing");
  }

  @Test
  void anyOtherNumberGets404() {
    startLcr(carrier("gw1", "uas.xml"));

    completes(calling("+33123456789", "uac-not-found.xml"));
    completes(calling("4930123456", "uac-not-found.xml")); // no '+': not the +49 prefix
    assertEquals(0, gw1.tracedSoFar().size() + gw2.tracedSoFar().size() + gw3.tracedSoFar().size(), "no gateway gets anything");
  }

  @Test
  void aRulesFileAtStartAndTablesChangedByReloadApplyToTheNextCall() throws IOException {
    Path first = Files.writeString(dir.resolve("first.csv"), "# prefix,gateway,priority,weight\n+1,gw3,0,1\n");
    Path second = Files.writeString(dir.resolve("second.csv"), "+1,gw2,0,1\n+1,gw1,1,1\n");
    gw1 = carrier("gw1", "uas.xml");
    startLcr("sip:" + Sipp.hostPort(HOST, gw1.port()), new JsonObject().put("rules", new JsonArray()).put("rulesFile", first.toString()));

    completes(calling(USA, "uac-target.xml"));
    sawInviteFor(gw3, USA, completed(gw3));

    gateway.reload(new JsonObject().put("lcr", new JsonObject().put("rulesFile", second.toString()))); // built off the event loop
    completes(calling(USA, "uac-target.xml"));
    sawInviteFor(gw2, USA, completed(gw2));

    gateway.reload(new JsonObject().put("lcr", new JsonObject().putNull("rulesFile").put("rules", new JsonArray()
        .add(new JsonObject().put("prefix", "+1").put("targets", new JsonArray().add(new JsonObject().put("gateway", "gw1")))))));
    completes(calling(USA, "uac-target.xml"));
    sawInviteFor(gw1, USA, completed(gw1));
  }

  @Test
  void aRulesFileChangedOnDiskAppliesToTheNextCall() throws IOException {
    Path csv = Files.writeString(dir.resolve("rules.csv"), "+1,gw3,0,1\n");
    gw1 = carrier("gw1", "uas.xml");
    try (LogLines log = new LogLines(RulesFileWatch.class.getName())) {
      startLcr("sip:" + Sipp.hostPort(HOST, gw1.port()), new JsonObject().put("rules", new JsonArray()).put("rulesFile", csv.toString()));
      completes(calling(USA, "uac-target.xml"));
      sawInviteFor(gw3, USA, completed(gw3));

      Files.writeString(csv, "# +1 moved to gateway 2\n+1,gw2,0,1\n");
      Polling.await(() -> log.count("INFO", "changed") > 0, Duration.ofMillis(50), Duration.ofSeconds(10),
          () -> "the changed rules file is not in force: " + log.lines());
      completes(calling(USA, "uac-target.xml"));
      sawInviteFor(gw2, USA, completed(gw2));
    }
    assertEquals(0, gw1.tracedSoFar().size(), "gateway 1 gets nothing");
  }
}
