package io.sipgw.it;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A test class whose every test gets a fresh gateway on the test configuration ({@link TestGateway}),
 * closed after the test (after the subclass's own {@code @AfterEach}).
 */
abstract class GatewayTest {
  static final String HOST = FreePorts.IPV4_LOOPBACK;
  /** How long a test waits for an answer from the gateway. */
  static final Duration ANSWER = Duration.ofSeconds(5);

  TestGateway gateway;

  @BeforeEach
  void startGateway() { gateway = TestGateway.start(); }

  @AfterEach
  void stopGateway() {
    if (gateway != null) gateway.close();
  }
}
