package io.sipgw.capture;

/**
 * Encodes one captured message as a HEP version 3 packet (the encapsulation Homer's heplify-server and
 * captagent read): the {@code HEP3} magic, the total length (16 bits), then chunks of a vendor id (0,
 * generic), a chunk type and a length that counts the 6-byte chunk header, all big-endian.
 */
public final class HepPacket {
  /** Chunk types of vendor 0 that this encoder writes. */
  public static final int IP_FAMILY = 0x01;
  public static final int IP_PROTOCOL = 0x02;
  public static final int IPV4_SOURCE = 0x03;
  public static final int IPV4_DESTINATION = 0x04;
  public static final int IPV6_SOURCE = 0x05;
  public static final int IPV6_DESTINATION = 0x06;
  public static final int SOURCE_PORT = 0x07;
  public static final int DESTINATION_PORT = 0x08;
  public static final int TIME_SECONDS = 0x09;
  public static final int TIME_MICROSECONDS = 0x0a;
  public static final int PROTOCOL_TYPE = 0x0b;
  public static final int CAPTURE_AGENT_ID = 0x0c;
  public static final int AUTH_KEY = 0x0e;
  public static final int PAYLOAD = 0x0f;

  /** IP family values: AF_INET and AF_INET6 as Linux numbers them. */
  public static final int FAMILY_IPV4 = 2;
  public static final int FAMILY_IPV6 = 10;
  /** IP protocol ids: UDP, and TCP (for TCP, TLS, WS and WSS alike). */
  public static final int UDP = 17;
  public static final int TCP = 6;
  /** The protocol type of a SIP payload. */
  public static final int SIP = 1;
  /** The largest packet: the total length is 16 bits. */
  public static final int MAX_LENGTH = 0xffff;

  private static final int CHUNK_HEADER = 6;

  private HepPacket() { }

  /**
   * One packet. The addresses are both 4 bytes (IPv4) or both 16 bytes (IPv6); {@code authKey} is
   * left out when null. Returns null when the packet would exceed {@link #MAX_LENGTH}.
   */
  public static byte[] encode(int ipProtocol, byte[] source, int sourcePort, byte[] destination, int destinationPort,
      long seconds, int microseconds, long agentId, byte[] authKey, byte[] payload, int offset, int length) {
    if (source.length != destination.length || source.length != 4 && source.length != 16) {
      throw new IllegalArgumentException("addresses must both be IPv4 or both IPv6");
    }
    boolean v6 = source.length == 16;
    int size = 6 + (CHUNK_HEADER + 1) * 3 + 2 * (CHUNK_HEADER + source.length) + 2 * (CHUNK_HEADER + 2)
        + 3 * (CHUNK_HEADER + 4) + (authKey == null ? 0 : CHUNK_HEADER + authKey.length) + CHUNK_HEADER + length;
    if (size > MAX_LENGTH) return null;
    byte[] b = new byte[size];
    b[0] = 'H';
    b[1] = 'E';
    b[2] = 'P';
    b[3] = '3';
    short16(b, 4, size);
    int p = 6;
    p = chunk(b, p, IP_FAMILY, 1);
    b[p++] = (byte) (v6 ? FAMILY_IPV6 : FAMILY_IPV4);
    p = chunk(b, p, IP_PROTOCOL, 1);
    b[p++] = (byte) ipProtocol;
    p = chunk(b, p, v6 ? IPV6_SOURCE : IPV4_SOURCE, source.length);
    System.arraycopy(source, 0, b, p, source.length);
    p += source.length;
    p = chunk(b, p, v6 ? IPV6_DESTINATION : IPV4_DESTINATION, destination.length);
    System.arraycopy(destination, 0, b, p, destination.length);
    p += destination.length;
    p = chunk(b, p, SOURCE_PORT, 2);
    p = short16(b, p, sourcePort);
    p = chunk(b, p, DESTINATION_PORT, 2);
    p = short16(b, p, destinationPort);
    p = chunk(b, p, TIME_SECONDS, 4);
    p = int32(b, p, seconds);
    p = chunk(b, p, TIME_MICROSECONDS, 4);
    p = int32(b, p, microseconds);
    p = chunk(b, p, PROTOCOL_TYPE, 1);
    b[p++] = SIP;
    p = chunk(b, p, CAPTURE_AGENT_ID, 4);
    p = int32(b, p, agentId);
    if (authKey != null) {
      p = chunk(b, p, AUTH_KEY, authKey.length);
      System.arraycopy(authKey, 0, b, p, authKey.length);
      p += authKey.length;
    }
    p = chunk(b, p, PAYLOAD, length);
    System.arraycopy(payload, offset, b, p, length);
    return b;
  }

  /** Writes a chunk header (vendor 0, {@code type}, length with the header) at {@code p}; returns where the value goes. */
  private static int chunk(byte[] b, int p, int type, int valueLength) {
    p = short16(b, p, 0);
    p = short16(b, p, type);
    return short16(b, p, CHUNK_HEADER + valueLength);
  }

  private static int short16(byte[] b, int p, int v) {
    b[p] = (byte) (v >>> 8);
    b[p + 1] = (byte) v;
    return p + 2;
  }

  private static int int32(byte[] b, int p, long v) {
    b[p] = (byte) (v >>> 24);
    b[p + 1] = (byte) (v >>> 16);
    b[p + 2] = (byte) (v >>> 8);
    b[p + 3] = (byte) v;
    return p + 4;
  }
}
