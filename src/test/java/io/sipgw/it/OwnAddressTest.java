package io.sipgw.it;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * RFC 3261 §16.4: a Request-URI that names an address the gateway listens on is for the gateway
 * itself, in whatever form the address is written. On the default config the listeners are
 * wildcards on 0.0.0.0, whose sockets take IPv6 as well: {@code sip:[::1]:5060} used to be
 * forwarded by the gateway to itself and come back as 482 Loop Detected, while {@code sip:[::1]}
 * and {@code sip:127.0.0.1:5060} got 200. Here the gateway runs as its own process on its default
 * config, then on listeners on {@code ::}, in a network namespace with only {@code lo} (a wildcard
 * listener there reaches nothing else), and a SIPp sends OPTIONS for each form of its addresses,
 * from 127.0.0.1 and from ::1, over UDP and TCP: each must be answered 200 by the gateway.
 */
@Timeout(120)
class OwnAddressTest {
  private static final int PORT = 5060;
  private static final List<String> OWN_URIS = List.of(
      "sip:[::1]:5060", "sip:[::1]", "sip:[0:0:0:0:0:0:0:1]:5060", "sip:[::1]:5060;transport=tcp",
      "sip:127.0.0.1:5060", "sip:127.0.0.1", "sip:localhost:5060");

  @TempDir Path dir;
  private NetNamespace ns;
  private GatewayProcess gateway;

  @AfterEach
  void stopEverything() {
    try {
      if (gateway != null) gateway.close();
    } finally {
      if (ns != null) ns.close();
    }
  }

  @Test
  void everyFormOfItsAddressesIsTheGatewayOnTheDefaultConfig() throws IOException {
    JsonObject defaults = new JsonObject(Files.readString(Path.of("conf", "sipgw.json"), StandardCharsets.UTF_8));
    start(defaults);
    assertAllAnsweredByTheGateway();
  }

  @Test
  void everyFormOfItsAddressesIsTheGatewayOnIpv6Wildcards() throws IOException {
    JsonObject defaults = new JsonObject(Files.readString(Path.of("conf", "sipgw.json"), StandardCharsets.UTF_8));
    defaults.put("listen", new JsonArray()
        .add(new JsonObject().put("transport", "udp").put("host", "::").put("port", PORT))
        .add(new JsonObject().put("transport", "tcp").put("host", "::").put("port", PORT)));
    start(defaults);
    assertAllAnsweredByTheGateway();
  }

  private void start(JsonObject config) {
    ns = NetNamespace.create();
    gateway = GatewayProcess.start(ns, config, dir.resolve("gateway"));
  }

  private void assertAllAnsweredByTheGateway() {
    for (SippTransport transport : SippTransport.values()) {
      for (String from : List.of(FreePorts.IPV4_LOOPBACK, FreePorts.IPV6_LOOPBACK)) {
        for (String uri : OWN_URIS) {
          SippResult r = Sipp.scenario("options-uac.xml").namespace(ns).remote(from, PORT).local(from)
              .transport(transport).key("ruri", uri).calls(1).timeout(Duration.ofSeconds(10))
              .traceMessages().workDir(dir).run();
          if (r.successfulCalls() != 1) {
            throw new AssertionError("OPTIONS " + uri + " over " + transport + " from " + from
                + " was not answered 200 by the gateway\n" + r.describe() + "\n" + r.messages() + "\n" + gateway.logTail());
          }
        }
      }
    }
  }
}
