package io.sipgw.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WebSocketFramingTest {
  @Test
  void theSipSubprotocolMustBeOffered() {
    assertTrue(WebSocketListenerVerticle.offersSip("sip"));
    assertTrue(WebSocketListenerVerticle.offersSip("chat, SIP"));
    assertFalse(WebSocketListenerVerticle.offersSip("sips"));
    assertFalse(WebSocketListenerVerticle.offersSip(""));
    assertFalse(WebSocketListenerVerticle.offersSip(null));
  }

  @Test
  void onlyCrlfMessagesAreKeepAlives() {
    assertTrue(WebSocketChannel.isKeepAlive("\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
    assertTrue(WebSocketChannel.isKeepAlive("\r\n".getBytes(StandardCharsets.US_ASCII)));
    assertFalse(WebSocketChannel.isKeepAlive("\r\nOPTIONS".getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void utf8GoesAsTextAnythingElseAsBinary() {
    assertEquals("MESSAGE sip:a@b SIP/2.0", WebSocketChannel.utf8(Buffer.buffer("MESSAGE sip:a@b SIP/2.0")));
    assertEquals("grüße", WebSocketChannel.utf8(Buffer.buffer("grüße".getBytes(StandardCharsets.UTF_8))));
    assertNull(WebSocketChannel.utf8(Buffer.buffer(new byte[] {'a', (byte) 0xff, 'b'})));
  }
}
