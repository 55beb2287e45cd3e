package io.sipgw.it;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the call tests through the transaction-stateful proxy share: a gateway started with the
 * test's configuration, phones (SIPp server scenarios) bound to {@value #USER}@localhost, a
 * caller calling sip:bob@127.0.0.1:PORT, and cleanup of every process, failed test or not.
 * Everything on 127.0.0.1 over UDP unless a test says otherwise; one call per SIPp.
 */
abstract class PhoneCallTest {
  static final String HOST = FreePorts.IPV4_LOOPBACK;
  static final String USER = "bob";
  /** SIPp's own bound on a phone; the test stops it long before. */
  static final Duration PHONE_BOUND = Duration.ofSeconds(40);
  static final Duration CALLER_BOUND = Duration.ofSeconds(25);

  @TempDir Path dir;
  TestGateway gateway;
  private final List<Callee> phones = new ArrayList<>();

  /** Starts the gateway with the test configuration deep-merged with {@code overrides}. */
  void startGateway(JsonObject overrides) { gateway = TestGateway.start(overrides); }

  /** A phone on 127.0.0.1 (UDP) of {@code user}, running {@code scenario} for one call; not registered yet. */
  Callee phoneOf(String user, String scenario, String... sippArgs) {
    Callee phone = Callee.listen(scenario, user, HOST, SippTransport.UDP, 1, PHONE_BOUND, dir, sippArgs);
    phones.add(phone);
    return phone;
  }

  /** A phone of bob's (see {@link #phoneOf}). */
  Callee phone(String scenario, String... sippArgs) { return phoneOf(USER, scenario, sippArgs); }

  /** Binds every phone to bob@localhost with q=1.0, in one REGISTER. */
  void register(Callee... phones) {
    register(Arrays.stream(phones).map(p -> p.contact(1.0)).toList());
  }

  /** Binds these Contacts (e.g. {@link Callee#contact(double)}) to bob@localhost, in one REGISTER. */
  void register(List<String> contacts) {
    Registration.register(HOST, gateway.port(), SippTransport.UDP, USER, TestGateway.DOMAIN, contacts);
  }

  /** A caller on 127.0.0.1 (UDP) running {@code scenario} once against the gateway, calling bob, its messages traced. */
  Sipp caller(String scenario) {
    return Sipp.scenario(scenario)
        .remote(HOST, gateway.port())
        .local(HOST)
        .service(USER)
        .calls(1)
        .timeout(CALLER_BOUND)
        .traceMessages()
        .workDir(dir);
  }

  /** Runs a caller to its end; asserts that its one call succeeded and that no stray message came. */
  static SippResult completes(Sipp caller) { return caller.run().assertSucceeded(1).assertNoStrayMessages(); }

  /** Stops a phone; asserts that its one call succeeded and that no stray message came. */
  static SippResult completed(Callee phone) { return phone.stop().assertSucceeded(1).assertNoStrayMessages(); }

  /** The first message of {@code run} that {@code which} accepts; fails the test if there is none. */
  static TracedMessage first(SippResult run, String what, java.util.function.Predicate<TracedMessage> which) {
    return run.traced().stream().filter(which).findFirst()
        .orElseThrow(() -> new AssertionError("no " + what + " in the message log\n" + run.describe()));
  }

  @AfterEach
  void stopEverything() {
    try {
      for (Callee phone : phones) phone.close();
    } finally {
      if (gateway != null) gateway.close();
    }
  }
}
