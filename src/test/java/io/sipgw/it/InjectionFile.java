package io.sipgw.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A SIPp injection file ({@code -inf}) of users for register.xml, reregister.xml and
 * unregister.xml, read SEQUENTIAL: call n takes line n. Fields: user; domain; Contact
 * host:port; Contact transport.
 */
public final class InjectionFile {
  private InjectionFile() { }

  /** {@code count} users {@code prefix0001 ...}, each with a Contact at {@code host:port}. */
  public static Path users(Path dir, String prefix, int count, String domain, String contactHost, int contactPort,
      SippTransport transport) {
    List<String> lines = new ArrayList<>(count + 1);
    lines.add("SEQUENTIAL");
    for (int i = 1; i <= count; i++) {
      lines.add(line(String.format("%s%04d", prefix, i), domain, contactHost, contactPort, transport));
    }
    return write(dir.resolve(prefix + "-users.csv"), lines);
  }

  /** One user whose Contact is {@code host:port}: a callee registered on behalf of its own SIPp. */
  public static Path user(Path dir, String user, String domain, String contactHost, int contactPort,
      SippTransport transport) {
    return user(dir, user, domain, contactHost, contactPort, transport.uriParam());
  }

  /** As above with the Contact's {@code transport=} value given as is, e.g. {@code tls}. */
  public static Path user(Path dir, String user, String domain, String contactHost, int contactPort,
      String contactTransport) {
    return write(dir.resolve(user + "-" + contactPort + ".csv"),
        List.of("SEQUENTIAL", line(user, domain, contactHost, contactPort, contactTransport)));
  }

  private static String line(String user, String domain, String contactHost, int contactPort,
      SippTransport transport) {
    return line(user, domain, contactHost, contactPort, transport.uriParam());
  }

  private static String line(String user, String domain, String contactHost, int contactPort, String contactTransport) {
    return String.join(";", user, domain, Sipp.hostPort(contactHost, contactPort), contactTransport);
  }

  private static Path write(Path file, List<String> lines) {
    try {
      Files.createDirectories(file.getParent());
      return Files.write(file, lines, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write " + file, e);
    }
  }
}
