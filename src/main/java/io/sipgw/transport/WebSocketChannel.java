package io.sipgw.transport;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Writes one SIP message per WebSocket message (RFC 7118 §5.1): a text frame when the message is
 * valid UTF-8, as SIP almost always is, else a binary frame, which a text frame could not carry.
 */
final class WebSocketChannel implements Connection.Channel {
  private static final Buffer PING = Buffer.buffer("sipgw");
  private final ServerWebSocket ws;

  WebSocketChannel(ServerWebSocket ws) { this.ws = ws; }

  @Override
  public Future<Void> write(Buffer message) {
    String text = utf8(message);
    return text != null ? ws.writeTextMessage(text) : ws.writeBinaryMessage(message);
  }

  @Override
  public void close() { ws.close(); }

  @Override
  public void ping() { ws.writePing(PING); }

  /** The message as text, or null when it is not valid UTF-8. */
  static String utf8(Buffer message) {
    byte[] b = message.getBytes();
    boolean ascii = true;
    for (int i = 0; i < b.length && ascii; i++) ascii = b[i] >= 0;
    if (ascii) return new String(b, StandardCharsets.ISO_8859_1);
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /** Whether a WebSocket message is only CRs and LFs: a keep-alive (RFC 5626 §4.4.1 style), not SIP. */
  static boolean isKeepAlive(byte[] message) {
    if (message.length == 0) return true;
    for (byte x : message) if (x != '\r' && x != '\n') return false;
    return true;
  }
}
