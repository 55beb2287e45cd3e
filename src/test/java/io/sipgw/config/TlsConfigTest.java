package io.sipgw.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sipgw.sip.Transport;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code tls} section and TLS listeners: defaults, cross-key rules, file checks. */
class TlsConfigTest {
  private static final String TLS_LISTENER = "\"listen\": [{\"transport\": \"tls\", \"host\": \"127.0.0.1\"}]";

  @TempDir Path dir;

  private static SipgwConfig parse(String json) { return SipgwConfig.fromJson(new JsonObject(json)); }

  @Test
  void defaultsNeedNoCertificateWithoutATlsListener() {
    TlsConfig t = parse("{}").tls();
    assertEquals(TlsConfig.NONE, t);
    assertEquals(List.of("TLSv1.2", "TLSv1.3"), t.protocols());
  }

  @Test
  void aTlsListenerDefaultsToPort5061() {
    SipgwConfig c = parse("{" + TLS_LISTENER + ", \"tls\": {\"certificate\": \"/c.pem\", \"key\": \"/k.pem\"}}");
    ListenConfig l = c.listen().get(0);
    assertEquals(Transport.TLS, l.transport());
    assertEquals(5061, l.port());
    assertEquals("tls:127.0.0.1:5061", l.name());
    assertTrue(c.hasTlsListener());
  }

  @Test
  void everyKeyIsReadAndRoundTrips() {
    SipgwConfig c = parse("""
        {"tls": {"certificate": "/c.pem", "key": "/k.pem", "minVersion": "TLSv1.3", "verifyClient": "require",
                 "clientCa": "/ca.pem", "trustCa": "/trust.pem", "verifyServer": false}}""");
    assertEquals(new TlsConfig("/c.pem", "/k.pem", "TLSv1.3", ClientVerification.REQUIRE, "/ca.pem", "/trust.pem", false), c.tls());
    assertEquals(List.of("TLSv1.3"), c.tls().protocols());
    assertEquals(c, SipgwConfig.fromJson(c.json()));
  }

  @Test
  void tlsChangesNeedNoRestart() {
    SipgwConfig a = parse("{\"tls\": {\"certificate\": \"/c.pem\", \"key\": \"/k.pem\"}}");
    SipgwConfig b = parse("{\"tls\": {\"certificate\": \"/c2.pem\", \"key\": \"/k2.pem\", \"minVersion\": \"TLSv1.3\"}}");
    assertEquals(List.of(), a.restartNeededChanges(b));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{" + TLS_LISTENER + "}                                          | tls.certificate  | required (with tls.key) by the TLS listener listen[0]",
      "{\"tls\": {\"certificate\": \"/c.pem\"}}                         | tls.key          | is required with tls.certificate",
      "{\"tls\": {\"key\": \"/k.pem\"}}                                 | tls.certificate  | is required with tls.key",
      "{\"tls\": {\"certificate\": \"\", \"key\": \"/k.pem\"}}          | tls.certificate  | must not be empty",
      "{\"tls\": {\"certificate\": 5, \"key\": \"/k.pem\"}}             | tls.certificate  | must be a string",
      "{\"tls\": {\"minVersion\": \"TLSv1.1\"}}                         | tls.minVersion   | below TLSv1.2",
      "{\"tls\": {\"minVersion\": \"TLSv1\"}}                           | tls.minVersion   | below TLSv1.2",
      "{\"tls\": {\"minVersion\": \"SSLv3\"}}                           | tls.minVersion   | below TLSv1.2",
      "{\"tls\": {\"minVersion\": \"TLSv2\"}}                           | tls.minVersion   | unknown version",
      "{\"tls\": {\"verifyClient\": \"always\"}}                        | tls.verifyClient | none, request or require",
      "{\"tls\": {\"verifyClient\": \"require\"}}                       | tls.clientCa     | required when tls.verifyClient is \"require\"",
      "{\"tls\": {\"verifyClient\": \"request\"}}                       | tls.clientCa     | required when tls.verifyClient is \"request\"",
      "{\"tls\": {\"verifyServer\": \"no\"}}                            | tls.verifyServer | true or false",
      "{\"tls\": {\"trustCa\": []}}                                     | tls.trustCa      | must be a string",
      "{\"tls\": {\"cert\": \"/c.pem\"}}                                | tls.cert         | unknown key",
      "{\"tls\": \"on\"}                                                | tls              | must be an object"})
  void validationNamesTheKey(String json, String key, String fragment) {
    ConfigException e = assertThrows(ConfigException.class, () -> parse(json));
    assertEquals(key, e.key(), e.getMessage());
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }

  @Test
  void checkFilesNamesTheKeyAndPathOfAMissingFile() throws Exception {
    Path cert = Files.writeString(dir.resolve("cert.pem"), "x");
    Path key = Files.writeString(dir.resolve("key.pem"), "x");
    Path missing = dir.resolve("ca.pem");
    TlsConfig ok = new TlsConfig(cert.toString(), key.toString(), TlsConfig.TLS_1_2, ClientVerification.NONE, null, null, true);
    ok.checkFiles();

    TlsConfig noCa = new TlsConfig(cert.toString(), key.toString(), TlsConfig.TLS_1_2, ClientVerification.REQUIRE,
        missing.toString(), null, true);
    ConfigException e = assertThrows(ConfigException.class, noCa::checkFiles);
    assertEquals("tls.clientCa", e.key());
    assertTrue(e.getMessage().contains(missing + ": no such file"), e.getMessage());

    TlsConfig dirAsTrust = new TlsConfig(cert.toString(), key.toString(), TlsConfig.TLS_1_2, ClientVerification.NONE,
        null, dir.toString(), true);
    e = assertThrows(ConfigException.class, dirAsTrust::checkFiles);
    assertEquals("tls.trustCa", e.key());
    assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
  }
}
