package io.sipgw.config;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * TLS settings (RFC 3261 §26.2): the certificate and key the TLS listeners present, the lowest
 * protocol version, client certificate checks, and the trust used for outbound TLS connections.
 * Every value can change at run time; the files are read again when they change on disk.
 *
 * @param certificate PEM certificate chain, leaf first; null when not configured
 * @param key PEM private key of the leaf certificate; null when not configured
 * @param minVersion {@value #TLS_1_2} or {@value #TLS_1_3}
 * @param verifyClient whether clients are asked for a certificate
 * @param clientCa PEM file of the CAs client certificates are checked against; null when none
 * @param trustCa PEM file of the CAs trusted for outbound connections; null: the JVM's default trust
 * @param verifyServer false: outbound connections accept any server certificate
 */
public record TlsConfig(String certificate, String key, String minVersion, ClientVerification verifyClient,
    String clientCa, String trustCa, boolean verifyServer) {
  public static final String TLS_1_2 = "TLSv1.2";
  public static final String TLS_1_3 = "TLSv1.3";
  public static final String DEFAULT_MIN_VERSION = TLS_1_2;
  private static final List<String> TOO_OLD = List.of("SSLv2", "SSLv3", "TLSv1", "TLSv1.0", "TLSv1.1");

  /** No certificate; TLS 1.2 and up; no client certificates; outbound verified against the JVM's trust. */
  public static final TlsConfig NONE = new TlsConfig(null, null, DEFAULT_MIN_VERSION, ClientVerification.NONE, null, null, true);

  /** Whether a certificate and key are configured (TLS listeners need them). */
  public boolean hasCertificate() { return certificate != null; }

  /** The protocol versions a handshake may use: {@code minVersion} and up. */
  public List<String> protocols() { return minVersion.equals(TLS_1_3) ? List.of(TLS_1_3) : List.of(TLS_1_2, TLS_1_3); }

  static TlsConfig read(ConfigObject o) {
    String certificate = o.string("certificate", null);
    String key = o.string("key", null);
    if (certificate != null && key == null) throw new ConfigException(o.key("key"), "is required with " + o.key("certificate"));
    if (key != null && certificate == null) throw new ConfigException(o.key("certificate"), "is required with " + o.key("key"));
    String minVersion = o.string("minVersion", DEFAULT_MIN_VERSION);
    if (TOO_OLD.contains(minVersion)) {
      throw new ConfigException(o.key("minVersion"), "\"" + minVersion + "\" is refused: versions below " + TLS_1_2 + " are not safe");
    }
    if (!minVersion.equals(TLS_1_2) && !minVersion.equals(TLS_1_3)) {
      throw new ConfigException(o.key("minVersion"), "unknown version \"" + minVersion + "\" (" + TLS_1_2 + " or " + TLS_1_3 + ")");
    }
    String v = o.string("verifyClient", ClientVerification.NONE.configName());
    ClientVerification verifyClient = ClientVerification.parse(v);
    if (verifyClient == null) throw new ConfigException(o.key("verifyClient"), "unknown value \"" + v + "\" (none, request or require)");
    String clientCa = o.string("clientCa", null);
    if (verifyClient != ClientVerification.NONE && clientCa == null) {
      throw new ConfigException(o.key("clientCa"), "is required when " + o.key("verifyClient") + " is \"" + v + "\"");
    }
    String trustCa = o.string("trustCa", null);
    boolean verifyServer = o.bool("verifyServer", true);
    o.rejectUnknownKeys();
    return new TlsConfig(certificate, key, minVersion, verifyClient, clientCa, trustCa, verifyServer);
  }

  /**
   * Checks that every configured file exists and can be read (blocking: call it off the event loop).
   * Throws {@link ConfigException} naming the key and the path.
   */
  public void checkFiles() {
    for (Map.Entry<String, String> f : files().entrySet()) {
      Path p = Path.of(f.getValue());
      String problem = !Files.exists(p) ? "no such file" : !Files.isRegularFile(p) ? "not a regular file"
          : !Files.isReadable(p) ? "not readable" : null;
      if (problem != null) throw new ConfigException("tls." + f.getKey(), "cannot read " + f.getValue() + ": " + problem);
    }
  }

  /** The configured files by key ({@code certificate}, {@code key}, {@code clientCa}, {@code trustCa}). */
  public Map<String, String> files() {
    Map<String, String> out = new LinkedHashMap<>();
    if (certificate != null) out.put("certificate", certificate);
    if (key != null) out.put("key", key);
    if (clientCa != null) out.put("clientCa", clientCa);
    if (trustCa != null) out.put("trustCa", trustCa);
    return out;
  }

  JsonObject toJson() {
    JsonObject j = new JsonObject();
    files().forEach(j::put);
    return j.put("minVersion", minVersion).put("verifyClient", verifyClient.configName()).put("verifyServer", verifyServer);
  }
}
