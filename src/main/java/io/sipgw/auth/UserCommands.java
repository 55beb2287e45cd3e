package io.sipgw.auth;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The credential commands of the command line, as Kamailio's FAQ does it with md5sum and kamctl:
 * {@code ha1 USER REALM PASSWORD} and {@code ha1b USER REALM PASSWORD} print the hex of
 * {@code USER:REALM:PASSWORD} and {@code USER@REALM:REALM:PASSWORD}; {@code user add USER@DOMAIN
 * PASSWORD [--file F]} adds or replaces a user in the credentials file with the hashes only, and
 * {@code user rm USER@DOMAIN [--file F]} removes one. Blocking: it runs before and without the gateway.
 */
public final class UserCommands {
  public static final int OK = 0;
  public static final int BAD_ARGUMENTS = 2;
  public static final int FAILED = 1;

  public static final String USAGE = String.join(System.lineSeparator(),
      "usage: java -jar sipgw.jar ha1 USER REALM PASSWORD         MD5 of USER:REALM:PASSWORD",
      "       java -jar sipgw.jar ha1b USER REALM PASSWORD        MD5 of USER@REALM:REALM:PASSWORD",
      "       java -jar sipgw.jar user add USER@DOMAIN PASSWORD [--file F] [-c CONFIG]",
      "       java -jar sipgw.jar user rm USER@DOMAIN [--file F] [-c CONFIG]",
      "  --file   the credentials file; default: the config's auth.users");

  private UserCommands() { }

  /** Whether {@code command} is one of these. */
  public static boolean handles(String command) { return List.of("ha1", "ha1b", "user").contains(command); }

  /**
   * Runs {@code args} (the command first); {@code configuredFile} gives auth.users of the config named
   * by {@code -c} (or the default one) when no {@code --file} is given.
   */
  public static int run(String[] args, PrintStream out, PrintStream err, Function<String, String> configuredFile) {
    List<String> a = new ArrayList<>(List.of(args));
    String file = option(a, "--file");
    String config = option(a, "-c");
    if (file == OPTION_WITHOUT_VALUE || config == OPTION_WITHOUT_VALUE) return usage(err, "an option without its value");
    switch (a.isEmpty() ? "" : a.get(0)) {
      case "ha1", "ha1b" -> {
        if (a.size() != 4 || file != null || config != null) return usage(err, a.get(0) + " takes USER REALM PASSWORD");
        String user = a.get(1);
        String realm = a.get(2);
        out.println(DigestAlgorithm.MD5.ha1(a.get(0).equals("ha1b") ? user + "@" + realm : user, realm, a.get(3)));
        return OK;
      }
      case "user" -> {
        if (a.size() < 3) return usage(err, "user takes add or rm and USER@DOMAIN");
        String verb = a.get(1);
        String[] aor = splitAor(a.get(2));
        if (aor == null) return usage(err, "not USER@DOMAIN: \"" + a.get(2) + "\"");
        if (verb.equals("add") && a.size() != 4 || verb.equals("rm") && a.size() != 3 || !List.of("add", "rm").contains(verb)) {
          return usage(err, "user add USER@DOMAIN PASSWORD, or user rm USER@DOMAIN");
        }
        Path path;
        try {
          path = Path.of(file != null ? file : configuredFile.apply(config));
        } catch (RuntimeException e) {
          err.println("sipgw: " + e.getMessage());
          return BAD_ARGUMENTS;
        }
        return edit(path, verb, aor[0], aor[1], verb.equals("add") ? a.get(3) : null, out, err);
      }
      default -> {
        return usage(err, null);
      }
    }
  }

  private static int edit(Path path, String verb, String user, String domain, String password, PrintStream out, PrintStream err) {
    try {
      List<Credentials> entries = new ArrayList<>(CredentialsFile.read(path));
      boolean had = entries.removeIf(c -> c.user().equals(user) && c.domain().equals(domain));
      if (verb.equals("add")) {
        entries.add(CredentialsFile.hash(user, domain, password));
      } else if (!had) {
        err.println("sipgw: no user " + user + "@" + domain + " in " + path);
        return FAILED;
      }
      CredentialsFile.write(path, entries);
      out.println((verb.equals("add") ? (had ? "replaced " : "added ") : "removed ") + user + "@" + domain + " in " + path);
      return OK;
    } catch (IOException | IllegalArgumentException e) {
      err.println("sipgw: " + path + ": " + e.getMessage());
      return FAILED;
    }
  }

  private static final String OPTION_WITHOUT_VALUE = new String("");

  /** Removes {@code name VALUE} from {@code a}; the value, null if absent, {@link #OPTION_WITHOUT_VALUE} if it has none. */
  private static String option(List<String> a, String name) {
    int i = a.indexOf(name);
    if (i < 0) return null;
    if (i + 1 >= a.size()) return OPTION_WITHOUT_VALUE;
    String v = a.get(i + 1);
    a.remove(i + 1);
    a.remove(i);
    return v;
  }

  private static String[] splitAor(String s) {
    int at = s.lastIndexOf('@');
    if (at <= 0 || at == s.length() - 1) return null;
    return new String[] {s.substring(0, at), s.substring(at + 1).toLowerCase(Locale.ROOT)};
  }

  private static int usage(PrintStream err, String why) {
    if (why != null) err.println("sipgw: " + why);
    err.println(USAGE);
    return BAD_ARGUMENTS;
  }
}
