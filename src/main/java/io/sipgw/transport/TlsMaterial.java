package io.sipgw.transport;

import io.sipgw.config.ClientVerification;
import io.sipgw.config.TlsConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.X509KeyManager;

/**
 * The PEM contents of the files a {@link TlsConfig} names, read once, and the Vert.x options made of
 * them. Options carry the bytes, not the paths, so a changed file is a different option value.
 *
 * @param certificate the certificate chain; null without one
 * @param key the private key; null without one
 * @param clientCa CAs for client certificates; null without
 * @param trustCa CAs for outbound connections; null: the JVM's default trust
 */
record TlsMaterial(Buffer certificate, Buffer key, Buffer clientCa, Buffer trustCa) {
  /** Reads the files of {@code config} through the Vert.x file system; a failure names the key and path. */
  static Future<TlsMaterial> read(Vertx vertx, TlsConfig config) {
    List<Future<Buffer>> reads = new ArrayList<>();
    for (String name : List.of("certificate", "key", "clientCa", "trustCa")) {
      String path = config.files().get(name);
      reads.add(path == null ? Future.succeededFuture()
          : vertx.fileSystem().readFile(path).recover(e -> Future.failedFuture("tls." + name + " " + path + ": " + e.getMessage())));
    }
    return Future.all(reads).map(all -> new TlsMaterial(all.resultAt(0), all.resultAt(1), all.resultAt(2), all.resultAt(3)));
  }

  /** Options for TLS listeners: our certificate, the allowed versions, the client certificate policy. */
  ServerSSLOptions serverOptions(TlsConfig config) {
    ServerSSLOptions o = new ServerSSLOptions()
        .setKeyCertOptions(keyCert())
        .setEnabledSecureTransportProtocols(new LinkedHashSet<>(config.protocols()))
        .setClientAuth(clientAuth(config.verifyClient()));
    if (clientCa != null) o.setTrustOptions(new PemTrustOptions().addCertValue(clientCa));
    return o;
  }

  /**
   * Options for outbound TLS: the server is verified against {@code trustCa} (or the JVM's trust) and
   * its name or address (RFC 5922 §7.3), unless {@code verifyServer} is false; our certificate is
   * offered to servers that ask for one (mutual TLS between proxies, RFC 3261 §26.3.2.2).
   */
  ClientSSLOptions clientOptions(TlsConfig config) {
    ClientSSLOptions o = new ClientSSLOptions()
        .setEnabledSecureTransportProtocols(new LinkedHashSet<>(config.protocols()))
        .setTrustAll(!config.verifyServer())
        .setHostnameVerificationAlgorithm(config.verifyServer() ? "HTTPS" : "");
    if (certificate != null) o.setKeyCertOptions(keyCert());
    if (trustCa != null && config.verifyServer()) o.setTrustOptions(new PemTrustOptions().addCertValue(trustCa));
    return o;
  }

  /**
   * Checks that the certificate and key load and belong together (a signature made with the key
   * verifies with the certificate), and returns the leaf certificate. Blocking (key parsing): run it
   * off the event loop. Throws IllegalArgumentException saying what is wrong.
   */
  X509Certificate checkKeyPair(Vertx vertx) {
    X509KeyManager km;
    try {
      km = keyManager(keyCert().getKeyManagerFactory(vertx).getKeyManagers());
    } catch (Exception e) {
      throw new IllegalArgumentException("certificate or key cannot be loaded: " + e.getMessage(), e);
    }
    for (String type : List.of("RSA", "EC", "EdDSA", "Ed25519", "RSASSA-PSS")) {
      String[] aliases = km.getServerAliases(type, null);
      if (aliases == null) continue;
      for (String alias : aliases) {
        X509Certificate[] chain = km.getCertificateChain(alias);
        PrivateKey key = km.getPrivateKey(alias);
        if (chain == null || chain.length == 0 || key == null) continue;
        if (!matches(key, chain[0])) throw new IllegalArgumentException("the key does not belong to the certificate " + subject(chain[0]));
        return chain[0];
      }
    }
    throw new IllegalArgumentException("no usable certificate and key found");
  }

  /** {@code CN=localhost (valid until 2026-01-01T00:00:00Z)}, for log lines. */
  static String describe(X509Certificate c) {
    return subject(c) + " (valid until " + c.getNotAfter().toInstant() + ")";
  }

  private static String subject(X509Certificate c) { return c.getSubjectX500Principal().getName(); }

  private PemKeyCertOptions keyCert() { return new PemKeyCertOptions().setCertValue(certificate).setKeyValue(key); }

  private static X509KeyManager keyManager(KeyManager[] managers) {
    for (KeyManager m : managers) if (m instanceof X509KeyManager x) return x;
    throw new IllegalArgumentException("no X.509 key manager");
  }

  private static boolean matches(PrivateKey key, X509Certificate cert) {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      default -> key.getAlgorithm(); // EdDSA, Ed25519, Ed448 sign under their own names
    };
    try {
      byte[] probe = "sipgw key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(cert.getPublicKey());
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (java.security.GeneralSecurityException e) {
      return false;
    }
  }

  private static ClientAuth clientAuth(ClientVerification v) {
    return switch (v) {
      case NONE -> ClientAuth.NONE;
      case REQUEST -> ClientAuth.REQUEST;
      case REQUIRE -> ClientAuth.REQUIRED;
    };
  }
}
