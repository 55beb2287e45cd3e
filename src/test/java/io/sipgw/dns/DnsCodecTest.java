package io.sipgw.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DefaultDnsResponse;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** NAPTR and SRV RDATA decoding (RFC 3403 §4.1, RFC 2782), the negative TTL (RFC 2308 §5) and the cache. */
class DnsCodecTest {

  @Test
  void naptrRdataDecodes() {
    ByteBuf b = Unpooled.buffer();
    b.writeShort(100).writeShort(10);
    string(b, "S");
    string(b, "SIP+D2U");
    string(b, "");
    name(b, "_sip._udp.Example.com");
    assertEquals(new NaptrRecord(100, 10, "s", "sip+d2u", "", "_sip._udp.example.com"), NaptrRecord.decode(b));
  }

  @Test
  void naptrWithARegexpAndTheRootAsReplacement() {
    ByteBuf b = Unpooled.buffer();
    b.writeShort(65535).writeShort(0);
    string(b, "u");
    string(b, "E2U+sip");
    string(b, "!^\\+49(.*)$!sip:\\1@example.com!");
    b.writeByte(0); // "."
    NaptrRecord r = NaptrRecord.decode(b);
    assertEquals(new NaptrRecord(65535, 0, "u", "e2u+sip", "!^\\+49(.*)$!sip:\\1@example.com!", ""), r);
    assertEquals(true, r.terminal());
  }

  @Test
  void truncatedNaptrIsRefused() {
    ByteBuf b = Unpooled.buffer();
    b.writeShort(10).writeShort(10);
    b.writeByte(5).writeBytes("ab".getBytes(StandardCharsets.US_ASCII));
    assertThrows(IllegalArgumentException.class, () -> NaptrRecord.decode(b));
    assertThrows(IllegalArgumentException.class, () -> NaptrRecord.decode(Unpooled.wrappedBuffer(new byte[] {0, 1, 0})));
  }

  @Test
  void srvTargetIsDecompressedAgainstTheMessage() {
    // a message: 12 octets of header, then the question name at 12; the RDATA's target is "pbx" + a pointer to it
    ByteBuf msg = Unpooled.buffer();
    msg.writeZero(12);
    name(msg, "example.com");
    int rdata = msg.writerIndex();
    msg.writeShort(10).writeShort(60).writeShort(5070);
    msg.writeByte(3).writeBytes("pbx".getBytes(StandardCharsets.US_ASCII)).writeShort(0xc000 | 12);
    ByteBuf view = msg.duplicate().setIndex(rdata, msg.writerIndex());
    assertEquals(new SrvRecord(10, 60, 5070, "pbx.example.com"), SrvRecord.decode(view));
    assertEquals(rdata, view.readerIndex(), "decoding does not move the caller's buffer");
  }

  @Test
  void srvRootTargetIsEmpty() {
    ByteBuf b = Unpooled.buffer().writeShort(0).writeShort(0).writeShort(0).writeByte(0);
    assertEquals(new SrvRecord(0, 0, 0, ""), SrvRecord.decode(b));
  }

  @Test
  void negativeTtlIsTheSoaMinimumCappedByTheConfig() {
    DefaultDnsResponse r = new DefaultDnsResponse(1, io.netty.handler.codec.dns.DnsOpCode.QUERY, DnsResponseCode.NXDOMAIN);
    assertEquals(30, DnsLookup.negativeTtl(r, 30), "without SOA: the configured negativeTtl");
    ByteBuf soa = Unpooled.buffer();
    name(soa, "ns.example.com");
    name(soa, "hostmaster.example.com");
    soa.writeInt(1).writeInt(3600).writeInt(600).writeInt(86400).writeInt(12);
    r.addRecord(DnsSection.AUTHORITY, new DefaultDnsRawRecord("example.com.", DnsRecordType.SOA, 300, soa));
    assertEquals(12, DnsLookup.negativeTtl(r, 30), "SOA MINIMUM below the cap");
    assertEquals(5, DnsLookup.negativeTtl(r, 5), "the cap below the SOA MINIMUM");
    DefaultDnsResponse shortSoa = new DefaultDnsResponse(1, io.netty.handler.codec.dns.DnsOpCode.QUERY, DnsResponseCode.NOERROR);
    shortSoa.addRecord(DnsSection.AUTHORITY, new DefaultDnsRawRecord("example.com.", DnsRecordType.SOA, 7, soa.resetReaderIndex().retain()));
    assertEquals(7, DnsLookup.negativeTtl(shortSoa, 30), "RFC 2308 §5: the SOA record's own TTL when smaller");
    r.release();
    shortSoa.release();
  }

  @Test
  void cacheExpiresAndStaysBounded() {
    AtomicLong now = new AtomicLong();
    DnsCache cache = new DnsCache(2, now::get);
    cache.put("A a", List.of("127.0.0.1"), 10);
    cache.put("A b", List.of(), 1);
    assertEquals(List.of("127.0.0.1"), cache.get("A a"));
    assertEquals(List.of(), cache.get("A b"));
    now.addAndGet(1_000_000_000L);
    assertNull(cache.get("A b"), "expired after its TTL");
    cache.put("A c", List.of("127.0.0.3"), 10);
    cache.put("A d", List.of("127.0.0.4"), 10);
    assertEquals(2, cache.size());
    assertNull(cache.get("A a"), "the least recently used went first");
    cache.put("A e", List.of("127.0.0.5"), 0);
    assertNull(cache.get("A e"), "TTL 0 is not cached");
    now.addAndGet(10_000_000_000L);
    assertNull(cache.get("A c"));
  }

  private static void string(ByteBuf b, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    b.writeByte(bytes.length).writeBytes(bytes);
  }

  private static void name(ByteBuf b, String name) {
    for (String label : name.split("\\.")) string(b, label);
    b.writeByte(0);
  }
}
