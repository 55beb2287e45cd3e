package io.sipgw.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sipgw.it.HepReceiver;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HepPacketTest {
  private static final byte[] SIP = "OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.UTF_8);

  @Test
  void ipv4PacketHasTheHeaderAndChunksAsHep3SaysByteForByte() throws Exception {
    byte[] src = InetAddress.getByName("192.0.2.1").getAddress();
    byte[] dst = InetAddress.getByName("198.51.100.7").getAddress();
    byte[] p = HepPacket.encode(HepPacket.UDP, src, 5060, dst, 5080, 1_700_000_000L, 123_456, 2001, null, SIP, 0, SIP.length);
    // magic, total length
    assertEquals("HEP3", new String(p, 0, 4, StandardCharsets.US_ASCII));
    assertEquals(p.length, (p[4] & 0xff) << 8 | p[5] & 0xff);
    // the first chunks: vendor 0, type 1 (family) length 7 value 2; vendor 0, type 2 (protocol) length 7 value 17;
    // vendor 0, type 3 (IPv4 source) length 10 then the four bytes
    assertArrayEquals(new byte[] {0, 0, 0, 1, 0, 7, 2, 0, 0, 0, 2, 0, 7, 17, 0, 0, 0, 3, 0, 10, (byte) 192, 0, 2, 1},
        java.util.Arrays.copyOfRange(p, 6, 30));
    // the payload is the last chunk: type 0x0f, length 6 + the message
    int payloadChunk = p.length - SIP.length - 6;
    assertArrayEquals(new byte[] {0, 0, 0, 0x0f, 0, (byte) (6 + SIP.length)}, java.util.Arrays.copyOfRange(p, payloadChunk, payloadChunk + 6));

    HepReceiver.Packet d = HepReceiver.decode(p);
    assertEquals(2, d.family());
    assertEquals(17, d.protocol());
    assertEquals("192.0.2.1", d.source().getHostAddress());
    assertEquals("198.51.100.7", d.destination().getHostAddress());
    assertEquals(5060, d.sourcePort());
    assertEquals(5080, d.destinationPort());
    assertEquals(1_700_000_000L, d.seconds());
    assertEquals(123_456, d.microseconds());
    assertEquals(1, d.protocolType());
    assertEquals(2001, d.agentId());
    assertNull(d.authKey());
    assertArrayEquals(SIP, d.payload());
  }

  @Test
  void ipv6PacketWithAuthKeyAndLargeAgentId() throws Exception {
    byte[] src = InetAddress.getByName("2001:db8::1").getAddress();
    byte[] dst = InetAddress.getByName("::1").getAddress();
    byte[] message = new byte[SIP.length + 4];
    System.arraycopy(SIP, 0, message, 2, SIP.length);
    byte[] p = HepPacket.encode(HepPacket.TCP, src, 40000, dst, 5061, 4_000_000_000L, 999_999, 0xfffffffeL,
        "secret".getBytes(StandardCharsets.UTF_8), message, 2, SIP.length);
    HepReceiver.Packet d = HepReceiver.decode(p);
    assertEquals(10, d.family());
    assertEquals(6, d.protocol());
    assertEquals(InetAddress.getByName("2001:db8::1"), d.source());
    assertEquals(InetAddress.getByName("::1"), d.destination());
    assertEquals(40000, d.sourcePort());
    assertEquals(5061, d.destinationPort());
    assertEquals(4_000_000_000L, d.seconds());
    assertEquals(999_999, d.microseconds());
    assertEquals(0xfffffffeL, d.agentId());
    assertEquals("secret", d.authKey());
    assertArrayEquals(SIP, d.payload());
    // IPv6 source chunk: type 5, length 22
    assertArrayEquals(new byte[] {0, 0, 0, 5, 0, 22, 0x20, 0x01, 0x0d, (byte) 0xb8}, java.util.Arrays.copyOfRange(p, 6 + 14, 6 + 24));
  }

  @Test
  void mixedFamiliesAreRefusedAndAnOversizedMessageGivesNoPacket() throws Exception {
    byte[] v4 = InetAddress.getByName("127.0.0.1").getAddress();
    byte[] v6 = InetAddress.getByName("::1").getAddress();
    assertThrows(IllegalArgumentException.class, () -> HepPacket.encode(17, v4, 1, v6, 2, 0, 0, 0, null, SIP, 0, SIP.length));
    byte[] big = new byte[65_535];
    assertNull(HepPacket.encode(17, v4, 1, v4, 2, 0, 0, 0, null, big, 0, big.length));
  }
}
