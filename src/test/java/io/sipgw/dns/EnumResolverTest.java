package io.sipgw.dns;

import static io.sipgw.it.Dnsmasq.naptr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sipgw.config.DnsConfig;
import io.sipgw.it.Dnsmasq;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** ENUM (RFC 6116) against a real DNS server (dnsmasq) with the NAPTR records each test writes. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class EnumResolverTest {
  private static final String NUMBER_DOMAIN = "3.2.1.0.3.9.4.e164.arpa"; // +4930123, RFC 6116 §2.4

  @TempDir
  Path dir;
  private Dnsmasq dns;
  private SipResolver resolver;

  @AfterEach
  void stop() {
    if (resolver != null) resolver.close();
    if (dns != null) dns.close();
  }

  private EnumResolver start(Vertx vertx, String... records) {
    dns = Dnsmasq.start(dir, 60, records);
    resolver = new SipResolver(vertx, DnsConfig.fromJson(new JsonObject().put("servers", new JsonArray().add(dns.server()))
        .put("enumSuffix", "e164.arpa")));
    return resolver.enumResolver();
  }

  private static String lookup(EnumResolver r, String number, String suffix) throws Exception {
    return r.lookup(number, suffix).await(10, TimeUnit.SECONDS);
  }

  @Test
  void theDomainIsTheReversedDigits() {
    assertEquals(NUMBER_DOMAIN, EnumResolver.domain("4930123", "e164.arpa"));
    assertEquals("1.e164.example.net", EnumResolver.domain("1", "e164.example.net."));
  }

  @Test
  void sipRecordsByOrderAndPreferenceWithTheRegexpApplied(Vertx vertx) throws Exception {
    EnumResolver r = start(vertx,
        naptr(NUMBER_DOMAIN, 50, 10, "u", "E2U+email:mailto", "!^.*$!mailto:alice@sip.test!", ""),
        naptr(NUMBER_DOMAIN, 100, 20, "u", "E2U+sip", "!^.*$!sip:second@127.0.0.1:5070!", ""),
        naptr(NUMBER_DOMAIN, 100, 10, "u", "E2U+sip", "!^\\+49(.*)$!sip:\\1@127.0.0.1:5070!", ""),
        naptr(NUMBER_DOMAIN, 90, 10, "u", "E2U+sip", "!^\\+1(.*)$!sip:\\1@us.sip.test!", ""));
    // order 50 is not SIP; order 90 does not match +49...; order 100 preference 10 wins
    assertEquals("sip:30123@127.0.0.1:5070", lookup(r, "+4930123", null));
    assertEquals("NAPTR " + NUMBER_DOMAIN, dns.queries().get(0));
    // visual separators are dropped; the default suffix is the configured one
    assertEquals("sip:30123@127.0.0.1:5070", lookup(r, "+49-30-123", ""));
  }

  @Test
  void aSubtypeOfTheSipEnumserviceCountsAndANonTerminalRecordIsFollowed(Vertx vertx) throws Exception {
    EnumResolver r = start(vertx,
        naptr("3.2.1.e164.test", 10, 10, "", "", "", "next.enum.test"),
        naptr("next.enum.test", 10, 10, "u", "E2U+sip:voice", "!^.*$!sip:alice@127.0.0.1!", ""));
    assertEquals("sip:alice@127.0.0.1", lookup(r, "+123", "e164.test"));
  }

  @Test
  void noRecordIsAFailureSayingSo(Vertx vertx) {
    EnumResolver r = start(vertx, naptr(NUMBER_DOMAIN, 10, 10, "u", "E2U+email:mailto", "!^.*$!mailto:a@sip.test!", ""));
    Exception none = assertThrows(Exception.class, () -> lookup(r, "+4930999", null));
    assertTrue(none.getMessage().contains("no ENUM record for +4930999"), none.getMessage());
    Exception notSip = assertThrows(Exception.class, () -> lookup(r, "+4930123", null));
    assertTrue(notSip.getMessage().contains("no ENUM record for +4930123"), notSip.getMessage());
    Exception notANumber = assertThrows(Exception.class, () -> lookup(r, "alice", null));
    assertTrue(notANumber.getMessage().contains("not an E.164 number"), notANumber.getMessage());
  }

  @Test
  void aLoopOfNonTerminalRecordsEnds(Vertx vertx) {
    EnumResolver r = start(vertx,
        naptr("1.e164.test", 10, 10, "", "", "", "loop.enum.test"),
        naptr("loop.enum.test", 10, 10, "", "", "", "1.e164.test"));
    Exception e = assertThrows(Exception.class, () -> lookup(r, "+1", "e164.test"));
    assertTrue(e.getMessage().contains("no ENUM record"), e.getMessage());
  }
}
