package io.sipgw.auth;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The credentials file: a JSON array of {@code {"user": "alice", "domain": "example.com", "ha1": "…",
 * "ha1b": "…"}} with, where configured, {@code ha1sha256} and {@code ha1sha512t256}. Hashes only, as
 * Kamailio's subscriber table keeps them. Parsing names the entry and key of a fault.
 */
public final class CredentialsFile {
  private CredentialsFile() { }

  /** The entries of {@code text}; throws {@link IllegalArgumentException} naming the bad entry. */
  public static List<Credentials> parse(String text) {
    JsonArray a;
    try {
      a = new JsonArray(text.isBlank() ? "[]" : text);
    } catch (DecodeException e) {
      throw new IllegalArgumentException("not a JSON array: " + e.getMessage());
    }
    List<Credentials> out = new ArrayList<>(a.size());
    for (int i = 0; i < a.size(); i++) {
      if (!(a.getValue(i) instanceof JsonObject o)) throw new IllegalArgumentException("[" + i + "] must be an object");
      out.add(entry(o, "[" + i + "]."));
    }
    return out;
  }

  /**
   * One entry, an object with the keys of the file's entries; throws {@link IllegalArgumentException}
   * naming the bad key after {@code where} (e.g. {@code [3].}).
   */
  public static Credentials entry(JsonObject o, String where) {
    String user = text(o, where, "user");
    String domain = text(o, where, "domain").toLowerCase(Locale.ROOT);
    Map<DigestAlgorithm, String> ha1 = new EnumMap<>(DigestAlgorithm.class);
    for (DigestAlgorithm alg : DigestAlgorithm.values()) {
      String h = o.getValue(alg.fileKey()) instanceof String s ? s : null;
      if (h != null) ha1.put(alg, hex(h, where, alg.fileKey()));
    }
    if (!ha1.containsKey(DigestAlgorithm.MD5)) throw new IllegalArgumentException(where + "ha1 is required");
    String ha1b = o.getValue("ha1b") instanceof String s ? hex(s, where, "ha1b") : null;
    return new Credentials(user, domain, ha1, ha1b);
  }

  /** The keys of an entry that hold hashes: the HA1 of each algorithm, then {@code ha1b}. */
  public static List<String> hashKeys() {
    List<String> keys = new ArrayList<>();
    for (DigestAlgorithm alg : DigestAlgorithm.values()) keys.add(alg.fileKey());
    keys.add("ha1b");
    return keys;
  }

  private static String text(JsonObject o, String where, String key) {
    if (!(o.getValue(key) instanceof String s) || s.isBlank()) throw new IllegalArgumentException(where + key + " must be a non-empty string");
    return s;
  }

  private static String hex(String h, String where, String key) {
    if (!h.matches("[0-9a-fA-F]{32,128}")) throw new IllegalArgumentException(where + key + " must be a hex digest, got \"" + h + "\"");
    return h.toLowerCase(Locale.ROOT);
  }

  /** The file's text for {@code entries}, one object per line. */
  public static String format(List<Credentials> entries) {
    StringBuilder sb = new StringBuilder("[\n");
    for (int i = 0; i < entries.size(); i++) {
      Credentials c = entries.get(i);
      JsonObject o = new JsonObject().put("user", c.user()).put("domain", c.domain());
      for (DigestAlgorithm alg : DigestAlgorithm.values()) {
        String h = c.ha1().get(alg);
        if (h != null) o.put(alg.fileKey(), h);
      }
      if (c.ha1b() != null) o.put("ha1b", c.ha1b());
      sb.append("  ").append(o.encode()).append(i + 1 < entries.size() ? ",\n" : "\n");
    }
    return sb.append("]\n").toString();
  }

  /** The credentials a password gives {@code user@domain}: HA1 of every algorithm and HA1B. */
  public static Credentials hash(String user, String domain, String password) {
    String realm = domain.toLowerCase(Locale.ROOT);
    Map<DigestAlgorithm, String> ha1 = new EnumMap<>(DigestAlgorithm.class);
    for (DigestAlgorithm alg : DigestAlgorithm.values()) ha1.put(alg, alg.ha1(user, realm, password));
    return new Credentials(user, realm, ha1, DigestAlgorithm.MD5.ha1(user + "@" + realm, realm, password));
  }

  /** Reads {@code file}; a missing file is empty. Blocking: for the command line and worker threads. */
  public static List<Credentials> read(Path file) throws IOException {
    return Files.exists(file) ? parse(Files.readString(file, StandardCharsets.UTF_8)) : List.of();
  }

  /** Writes {@code entries} to {@code file} through a temporary file moved into place, readable by the owner only. */
  public static void write(Path file, List<Credentials> entries) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null) Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, ".users", ".json");
    try {
      Files.writeString(tmp, format(entries), StandardCharsets.UTF_8);
      try {
        Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: left as created
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
