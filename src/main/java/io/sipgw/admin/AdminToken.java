package io.sipgw.admin;

import io.sipgw.config.AdminConfig;
import io.sipgw.config.ConfigException;
import io.sipgw.sip.Hex;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.logging.Logger;

/**
 * The admin bearer token: {@code admin.token}, else the one in {@code admin.tokenFile}, else one made
 * now (32 random bytes, hex) and written there readable by the owner alone (rw-------). The path is
 * logged, never the token. Blocking file I/O: call it off the event loop.
 */
public final class AdminToken {
  private static final Logger LOG = Logger.getLogger("sipgw.admin");

  private AdminToken() { }

  /** The token of {@code config}, made and written to its token file when there is none yet; where it is, logged. */
  public static String resolve(AdminConfig config) { return resolve(config, true); }

  /** As {@link #resolve(AdminConfig)}; {@code log}: whether to say where an existing token is (at start, not at each reload). */
  public static String resolve(AdminConfig config, boolean log) {
    if (config.token() != null) return config.token();
    Path file = Path.of(config.tokenFile());
    String existing = read(file);
    if (existing != null) {
      if (log) LOG.info("admin: the bearer token is in " + file.toAbsolutePath());
      return existing;
    }
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    String token = Hex.of(random);
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) Files.createDirectories(parent);
      try {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException notPosix) {
        Files.createFile(file);
      }
      Files.writeString(file, token + "\n", StandardCharsets.US_ASCII);
    } catch (FileAlreadyExistsException raced) {
      String other = read(file);
      if (other != null) return other;
      throw new ConfigException("admin.tokenFile", "cannot write the admin token to " + file + ": it appeared empty meanwhile");
    } catch (IOException e) {
      throw new ConfigException("admin.tokenFile", "cannot write the admin token to " + file + ": " + e);
    }
    LOG.info("admin: a bearer token was generated and written to " + file.toAbsolutePath() + " (readable by its owner only)");
    return token;
  }

  /**
   * The token kept in {@code file} (its first line, trimmed), or null when there is no such file;
   * an empty or unreadable file is an error naming admin.tokenFile.
   */
  public static String read(Path file) {
    if (!Files.exists(file)) return null;
    try {
      String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
      int nl = text.indexOf('\n');
      String token = nl < 0 ? text : text.substring(0, nl).strip();
      if (token.isEmpty()) throw new ConfigException("admin.tokenFile", file + " is empty (delete it to have a token generated)");
      return token;
    } catch (IOException e) {
      throw new ConfigException("admin.tokenFile", "cannot read the admin token from " + file + ": " + e);
    }
  }

  /** Whether {@code given} is {@code expected}, compared in time that does not depend on where they differ. */
  public static boolean matches(String expected, String given) {
    if (expected == null || given == null) return false;
    return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
  }
}
