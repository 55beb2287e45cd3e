package io.sipgw.auth;

import io.sipgw.config.StoreConfig;
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
 * PASSWORD} adds or replaces a user with the hashes only, and {@code user rm USER@DOMAIN} removes one,
 * where the gateway reads them: the credentials file ({@code --file}, else the config's
 * {@code auth.users}), or Redis when the config's store is Redis and no {@code --file} is given;
 * {@code user import --file F} copies a credentials file's users into that Redis. Blocking: it runs
 * before and without the gateway.
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
      "       java -jar sipgw.jar user import --file F [-c CONFIG]   the users of F into the config's Redis",
      "  --file   the credentials file; default: the config's auth.users, or its Redis with store.type redis");

  /** Where the users of a config are kept: its credentials file, or its Redis ({@code store}, when the store is Redis). */
  public record Target(Path file, StoreConfig store) {
    public static Target file(Path file) { return new Target(file, null); }

    public static Target redis(StoreConfig store) { return new Target(null, store); }
  }

  private UserCommands() { }

  /** Whether {@code command} is one of these. */
  public static boolean handles(String command) { return List.of("ha1", "ha1b", "user").contains(command); }

  /**
   * Runs {@code args} (the command first); {@code configured} gives where the config named by
   * {@code -c} (or the default one) keeps its users, for a command without {@code --file}.
   */
  public static int run(String[] args, PrintStream out, PrintStream err, Function<String, Target> configured) {
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
        if (a.size() == 2 && a.get(1).equals("import")) {
          if (file == null) return usage(err, "user import needs --file F");
          return importFile(Path.of(file), config, configured, out, err);
        }
        if (a.size() < 3) return usage(err, "user takes add, rm or import, and USER@DOMAIN");
        String verb = a.get(1);
        String[] aor = splitAor(a.get(2));
        if (aor == null) return usage(err, "not USER@DOMAIN: \"" + a.get(2) + "\"");
        if (verb.equals("add") && a.size() != 4 || verb.equals("rm") && a.size() != 3 || !List.of("add", "rm").contains(verb)) {
          return usage(err, "user add USER@DOMAIN PASSWORD, or user rm USER@DOMAIN");
        }
        Target target;
        try {
          target = file != null ? Target.file(Path.of(file)) : configured.apply(config);
        } catch (RuntimeException e) {
          err.println("sipgw: " + e.getMessage());
          return BAD_ARGUMENTS;
        }
        String password = verb.equals("add") ? a.get(3) : null;
        return target.file() != null
            ? edit(target.file(), verb, aor[0], aor[1], password, out, err)
            : RedisUsers.edit(target.store(), verb, aor[0], aor[1], password, out, err);
      }
      default -> {
        return usage(err, null);
      }
    }
  }

  private static int importFile(Path file, String config, Function<String, Target> configured, PrintStream out, PrintStream err) {
    Target target;
    List<Credentials> entries;
    try {
      target = configured.apply(config);
      entries = CredentialsFile.read(file);
    } catch (IOException | RuntimeException e) {
      err.println("sipgw: " + (e instanceof IllegalArgumentException ? file + ": " : "") + e.getMessage());
      return BAD_ARGUMENTS;
    }
    if (target.store() == null) {
      err.println("sipgw: user import copies users into Redis, and the config's store is not Redis (store.type)");
      return BAD_ARGUMENTS;
    }
    return RedisUsers.importAll(target.store(), entries, file, out, err);
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
