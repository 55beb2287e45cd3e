package io.sipgw.it;

import io.vertx.core.net.SelfSignedCertificate;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;

/**
 * A self-signed certificate for {@code localhost} made at test time (Vert.x {@link SelfSignedCertificate}),
 * its PEM certificate and key kept as {@code NAME-cert.pem} and {@code NAME-key.pem} in a directory
 * of the test's.
 */
public final class TestCertificate {
  private final Path certificate;
  private final Path key;

  private TestCertificate(Path certificate, Path key) {
    this.certificate = certificate;
    this.key = key;
  }

  /** A fresh key pair and certificate in {@code dir}. */
  public static TestCertificate create(Path dir, String name) {
    SelfSignedCertificate generated = SelfSignedCertificate.create("localhost");
    try {
      Files.createDirectories(dir);
      Path cert = Files.copy(Path.of(generated.certificatePath()), dir.resolve(name + "-cert.pem"), StandardCopyOption.REPLACE_EXISTING);
      Path key = Files.copy(Path.of(generated.privateKeyPath()), dir.resolve(name + "-key.pem"), StandardCopyOption.REPLACE_EXISTING);
      return new TestCertificate(cert, key);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write a test certificate to " + dir, e);
    } finally {
      generated.delete();
    }
  }

  public Path certificatePath() { return certificate; }

  public Path keyPath() { return key; }

  /** The certificate, parsed. */
  public X509Certificate certificate() {
    try (InputStream in = Files.newInputStream(certificate)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    } catch (Exception e) {
      throw new IllegalStateException("cannot read " + certificate, e);
    }
  }

  /**
   * Puts {@code other}'s key and certificate in this one's files, each file replaced in one step
   * (written aside, then renamed over), key first, as an operator's renewal would.
   */
  public void replaceWith(TestCertificate other) {
    try {
      replace(other.key, key);
      replace(other.certificate, certificate);
    } catch (IOException e) {
      throw new IllegalStateException("cannot replace " + certificate, e);
    }
  }

  private static void replace(Path from, Path to) throws IOException {
    Path aside = to.resolveSibling(to.getFileName() + ".new");
    Files.copy(from, aside, StandardCopyOption.REPLACE_EXISTING);
    Files.move(aside, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
