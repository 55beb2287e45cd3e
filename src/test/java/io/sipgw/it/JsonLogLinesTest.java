package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway process with {@code log.format: "json"} writes its log as JSON lines, one object per line,
 * and the lines about a routed request carry its Call-ID in {@code callId}.
 */
@Timeout(90)
class JsonLogLinesTest {
  private static final Duration BOUND = Duration.ofSeconds(5);

  @TempDir Path dir;

  @Test
  void everyLineIsAJsonObjectAndARoutedRequestsLinesCarryItsCallId() throws IOException {
    int port = FreePorts.udpAndTcp(FreePorts.IPV4_LOOPBACK);
    JsonObject config = TestGateway.config(port, 0)
        .put("log", new JsonObject().put("format", "json").put("levels", new JsonObject().put("sipgw", "FINE")));
    try (GatewayProcess gw = GatewayProcess.start(null, config, dir.resolve("gateway"));
        SipPeer bob = SipPeer.open(SippTransport.UDP, FreePorts.IPV4_LOOPBACK, port);
        SipPeer alice = SipPeer.open(SippTransport.UDP, FreePorts.IPV4_LOOPBACK, port)) {
      String domain = TestGateway.DOMAIN;
      bob.send(bob.request("REGISTER", "sip:" + domain, "sip:bob@" + domain, "Expires: 600\r\n"));
      assertEquals(200, bob.finalResponse(BOUND).status());

      // routed: a MESSAGE to bob, forwarded to his Contact, answered there
      String message = alice.request("MESSAGE", "sip:bob@" + domain, "sip:bob@" + domain, "Content-Type: text/plain\r\n");
      String routedCallId = new SipMessageText(message).header("Call-ID");
      alice.send(message);
      SipMessageText atBob = bob.receive(BOUND);
      assertTrue(atBob != null && "MESSAGE".equals(atBob.method()), () -> "bob got " + atBob);
      bob.send(SipPeer.response(atBob, 200, "OK", "b1", ""));
      assertEquals(200, alice.finalResponse(BOUND).status());

      // rejected: a MESSAGE to a user with no binding
      String lost = alice.request("MESSAGE", "sip:nobody@" + domain, "sip:nobody@" + domain, "Content-Type: text/plain\r\n");
      String lostCallId = new SipMessageText(lost).header("Call-ID");
      alice.send(lost);
      assertTrue(alice.finalResponse(BOUND).status() >= 400);

      List<JsonObject> lines = awaitLines(gw, routedCallId, lostCallId);
      for (JsonObject j : lines) {
        for (String field : List.of("time", "level", "logger", "message")) {
          assertTrue(j.getValue(field) instanceof String, () -> field + " in " + j.encode());
        }
        assertTrue(j.getString("time").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z"), j::encode);
        assertFalse(j.getString("message").contains("(Call-ID "), () -> "Call-ID left in the message: " + j.encode());
      }
      assertTrue(lines.stream().anyMatch(j -> j.getString("message").contains("sipgw started")), "the start line");
      assertTrue(lines.stream().anyMatch(j -> routedCallId.equals(j.getString("callId"))),
          () -> "a line with callId " + routedCallId + " for the routed MESSAGE:\n" + gw.logText());
      assertTrue(lines.stream().anyMatch(j -> lostCallId.equals(j.getString("callId"))),
          () -> "a line with callId " + lostCallId + " for the rejected MESSAGE:\n" + gw.logText());
    }
  }

  /** The log's lines, each parsed as a JSON object, once lines of both Call-IDs are there (or the bound passed). */
  private static List<JsonObject> awaitLines(GatewayProcess gw, String... callIds) {
    long deadline = System.nanoTime() + BOUND.toNanos();
    while (true) {
      List<JsonObject> lines = new ArrayList<>();
      for (String line : gw.logText().split("\n")) {
        if (line.isBlank()) continue;
        try {
          lines.add(new JsonObject(line));
        } catch (DecodeException e) {
          throw new AssertionError("not a JSON object: " + line, e);
        }
      }
      boolean all = true;
      for (String id : callIds) all &= lines.stream().anyMatch(j -> id.equals(j.getString("callId")));
      if (all || System.nanoTime() > deadline) return lines;
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return lines;
      }
    }
  }
}
