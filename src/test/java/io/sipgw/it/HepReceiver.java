package io.sipgw.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A HEP collector for tests: a UDP socket on 127.0.0.1 that receives HEP v3 packets and decodes their
 * chunks (vendor 0), written from the HEP3 chunk format as Homer's collectors read it.
 */
public final class HepReceiver implements AutoCloseable {
  private final DatagramSocket socket;

  /** One decoded packet: every chunk of vendor 0 this test knows, the rest ignored. */
  public record Packet(int family, int protocol, InetAddress source, InetAddress destination, int sourcePort,
      int destinationPort, long seconds, long microseconds, int protocolType, long agentId, String authKey, byte[] payload) {
    public String payloadText() { return new String(payload, StandardCharsets.UTF_8); }

    @Override
    public String toString() {
      return "HEP family " + family + " proto " + protocol + " " + source.getHostAddress() + ":" + sourcePort + " -> "
          + destination.getHostAddress() + ":" + destinationPort + " type " + protocolType + " agent " + agentId + "\n" + payloadText();
    }
  }

  public HepReceiver() {
    try {
      socket = new DatagramSocket(new InetSocketAddress(FreePorts.IPV4_LOOPBACK, 0));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code 127.0.0.1:port}, for {@code capture.hep}. */
  public String address() { return FreePorts.IPV4_LOOPBACK + ":" + socket.getLocalPort(); }

  /** The next packet, or null if none comes within {@code bound}. */
  public Packet next(Duration bound) {
    try {
      socket.setSoTimeout((int) Math.max(1, bound.toMillis()));
      DatagramPacket p = new DatagramPacket(new byte[65_535], 65_535);
      socket.receive(p);
      return decode(Arrays.copyOf(p.getData(), p.getLength()));
    } catch (SocketTimeoutException none) {
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The packets whose payload carries {@code callId}, until {@code count} came (or {@code bound} passed); others are skipped. */
  public List<Packet> await(String callId, int count, Duration bound) {
    List<Packet> got = new ArrayList<>();
    long deadline = System.nanoTime() + bound.toNanos();
    while (got.size() < count) {
      long left = deadline - System.nanoTime();
      if (left <= 0) break;
      Packet p = next(Duration.ofNanos(left));
      if (p == null) break;
      if (p.payloadText().contains("Call-ID: " + callId + "\r\n")) got.add(p);
    }
    return got;
  }

  /** Decodes one HEP v3 packet; fails on anything malformed (bad magic, lengths that do not add up). */
  public static Packet decode(byte[] packet) {
    ByteBuffer b = ByteBuffer.wrap(packet);
    byte[] magic = new byte[4];
    b.get(magic);
    if (!new String(magic, StandardCharsets.US_ASCII).equals("HEP3")) throw new AssertionError("no HEP3 magic");
    int total = Short.toUnsignedInt(b.getShort());
    if (total != packet.length) throw new AssertionError("total length " + total + " but the packet has " + packet.length + " bytes");
    int family = -1, protocol = -1, sport = -1, dport = -1, type = -1;
    long sec = -1, usec = -1, agent = -1;
    byte[] src = null, dst = null, payload = null;
    String key = null;
    while (b.hasRemaining()) {
      int vendor = Short.toUnsignedInt(b.getShort());
      int chunk = Short.toUnsignedInt(b.getShort());
      int length = Short.toUnsignedInt(b.getShort());
      if (length < 6 || length - 6 > b.remaining()) throw new AssertionError("chunk " + chunk + ": bad length " + length);
      byte[] v = new byte[length - 6];
      b.get(v);
      if (vendor != 0) continue;
      ByteBuffer value = ByteBuffer.wrap(v);
      switch (chunk) {
        case 0x01 -> family = Byte.toUnsignedInt(value.get());
        case 0x02 -> protocol = Byte.toUnsignedInt(value.get());
        case 0x03, 0x05 -> src = v;
        case 0x04, 0x06 -> dst = v;
        case 0x07 -> sport = Short.toUnsignedInt(value.getShort());
        case 0x08 -> dport = Short.toUnsignedInt(value.getShort());
        case 0x09 -> sec = Integer.toUnsignedLong(value.getInt());
        case 0x0a -> usec = Integer.toUnsignedLong(value.getInt());
        case 0x0b -> type = Byte.toUnsignedInt(value.get());
        case 0x0c -> agent = Integer.toUnsignedLong(value.getInt());
        case 0x0e -> key = new String(v, StandardCharsets.UTF_8);
        case 0x0f -> payload = v;
        default -> { }
      }
    }
    if (src == null || dst == null || payload == null) throw new AssertionError("addresses or payload missing");
    if ((chunkOf(src) != family) || src.length != dst.length) throw new AssertionError("family " + family + " with " + src.length + "-byte addresses");
    try {
      return new Packet(family, protocol, InetAddress.getByAddress(src), InetAddress.getByAddress(dst), sport, dport, sec, usec, type,
          agent, key, payload);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  private static int chunkOf(byte[] address) { return address.length == 4 ? 2 : 10; }

  @Override
  public void close() { socket.close(); }
}
