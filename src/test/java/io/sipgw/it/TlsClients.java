package io.sipgw.it;

import io.vertx.core.Vertx;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Plain Java TLS clients for the tests: they trust any server (the gateway's certificate is
 * self-signed) and, when given one, present a client certificate.
 */
public final class TlsClients {
  private static final int CONNECT_TIMEOUT_MILLIS = 5_000;

  private TlsClients() { }

  /** A connected socket that has completed its handshake with {@code host:port}, no client certificate. */
  public static SSLSocket connect(String host, int port) throws IOException { return connect(host, port, null); }

  /** A connected, handshaken socket presenting {@code clientCertificate} (null: none). */
  public static SSLSocket connect(String host, int port, TestCertificate clientCertificate) throws IOException {
    Socket plain = new Socket();
    plain.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MILLIS);
    plain.setSoTimeout(CONNECT_TIMEOUT_MILLIS);
    SSLSocket tls = (SSLSocket) context(clientCertificate).getSocketFactory().createSocket(plain, host, port, true);
    tls.startHandshake();
    return tls;
  }

  /** The certificate {@code host:port} serves to a new connection now. */
  public static X509Certificate servedCertificate(String host, int port) throws IOException {
    try (SSLSocket s = connect(host, port)) {
      return (X509Certificate) s.getSession().getPeerCertificates()[0];
    }
  }

  private static SSLContext context(TestCertificate clientCertificate) throws IOException {
    try {
      SSLContext c = SSLContext.getInstance("TLS");
      c.init(clientCertificate == null ? null : keyManagers(clientCertificate), new TrustManager[] {new TrustAll()}, null);
      return c;
    } catch (GeneralSecurityException e) {
      throw new IOException(e);
    }
  }

  private static KeyManager[] keyManagers(TestCertificate cert) throws IOException {
    Vertx vertx = Vertx.vertx();
    try {
      return new PemKeyCertOptions().setCertPath(cert.certificatePath().toString()).setKeyPath(cert.keyPath().toString())
          .getKeyManagerFactory(vertx).getKeyManagers();
    } catch (Exception e) {
      throw new IOException("cannot load " + cert.certificatePath(), e);
    } finally {
      vertx.close();
    }
  }

  /** Accepts every server certificate: for tests against a self-signed one only. */
  private static final class TrustAll implements X509TrustManager {
    @Override public void checkClientTrusted(X509Certificate[] chain, String authType) { }

    @Override public void checkServerTrusted(X509Certificate[] chain, String authType) { }

    @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
  }
}
