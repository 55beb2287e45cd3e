package io.sipgw.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sipgw.sip.Transport;
import org.junit.jupiter.api.Test;

class FlowTokenTest {
  private static final Listener WS = new Listener("ws:127.0.0.1:8080", Transport.WS, "127.0.0.1", 8080, "127.0.0.1", 8080);

  private static Flow flow(long id) { return new Flow(Transport.WS, WS, "127.0.0.1", 40000, id); }

  @Test
  void aTokenNamesItsConnection() {
    String token = FlowToken.of(flow(42));
    assertTrue(FlowToken.looksLike(token));
    assertEquals(42, FlowToken.connectionId(token));
    assertEquals(Long.MAX_VALUE, FlowToken.connectionId(FlowToken.of(flow(Long.MAX_VALUE))));
  }

  @Test
  void aTamperedOrForeignTokenNamesNothing() {
    String token = FlowToken.of(flow(42));
    String otherId = token.replace("ft-2a-", "ft-2b-");
    assertEquals(-1, FlowToken.connectionId(otherId), "the MAC covers the id");
    char last = token.charAt(token.length() - 1);
    assertEquals(-1, FlowToken.connectionId(token.substring(0, token.length() - 1) + (last == '0' ? '1' : '0')));
    assertEquals(-1, FlowToken.connectionId("ft-2a"));
    assertEquals(-1, FlowToken.connectionId("ft-zz-0123456789abcdef"));
    assertEquals(-1, FlowToken.connectionId("alice"));
    assertFalse(FlowToken.looksLike("alice"));
    assertFalse(FlowToken.looksLike(null));
  }
}
