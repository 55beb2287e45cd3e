package io.sipgw.config;

import io.sipgw.sip.SipUri;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Least-cost routing ({@code lcr}, as Kamailio's lcr / drouting): gateways, prefix rules that send a
 * Request-URI user to gateways by priority and weight, and when to fail over to the next gateway.
 * <pre>
 * {"gateways": [{"name": "gw1", "uri": "sip:127.0.0.1:5081"}],
 *  "rules": [{"prefix": "+49", "fromPrefix": "", "domain": "localhost", "time": {timeWindow},
 *             "targets": [{"gateway": "gw1", "priority": 0, "weight": 1}]}],
 *  "rulesFile": "conf/lcr-rules.csv",
 *  "failover": {"codes": [408, 503], "timeout": 0}}
 * </pre>
 * {@code rulesFile} holds more rules, one target a line: {@code prefix,gateway,priority,weight[,fromPrefix[,domain]]}
 * ({@code #} starts a comment line). The file is read by {@link #loadRulesFile()}, which blocks: config
 * parsing runs on an event loop at reload, so {@link SipgwConfig#checkFiles()} (run off the event loop at
 * start and at each reload) loads it, and {@link #rules()} holds the file's rules from then on.
 * Reloadable.
 */
public final class LcrConfig {
  /** A gateway calls can be sent to. */
  public record Gateway(String name, SipUri uri) { }

  /**
   * One gateway of a rule: lower {@code priority} first; within one priority, the chance to come
   * first is proportional to {@code weight}.
   */
  public record Target(String gateway, int priority, int weight) { }

  /**
   * A prefix rule.
   *
   * @param prefix digits with an optional leading '+'; empty: every number (the default route)
   * @param fromPrefix a prefix the From user must start with; null: any
   * @param domain the Request-URI host it applies to (case-insensitive); null: any
   * @param time when it applies; null: always
   * @param targets the gateways, at least one
   * @param source where it was configured, e.g. {@code lcr.rules[3]} or {@code lcr.rulesFile line 17}
   */
  public record Rule(String prefix, String fromPrefix, String domain, TimeWindow time, List<Target> targets, String source) {
    public Rule {
      targets = List.copyOf(targets);
    }
  }

  public static final int MAX_PRIORITY = 65_535;
  public static final int MAX_WEIGHT = 1_000_000;

  /** No gateways, no rules: LCR finds nothing. */
  public static final LcrConfig NONE = new LcrConfig(List.of(), List.of(), null, Failover.DEFAULT);

  private final List<Gateway> gateways;
  private final Map<String, Gateway> byName;
  private final List<Rule> rules;
  private final String rulesFile;
  private final Failover failover;
  private volatile List<Rule> fileRules; // null until loadRulesFile()
  private volatile String fileStamp;      // the file's modification time and size when read

  private LcrConfig(List<Gateway> gateways, List<Rule> rules, String rulesFile, Failover failover) {
    this.gateways = List.copyOf(gateways);
    Map<String, Gateway> names = new LinkedHashMap<>();
    for (Gateway g : gateways) names.put(g.name(), g);
    this.byName = names;
    this.rules = List.copyOf(rules);
    this.rulesFile = rulesFile;
    this.failover = failover;
    this.fileRules = rulesFile == null ? List.of() : null;
  }

  static LcrConfig read(ConfigObject o) {
    List<Gateway> gateways = readGateways(o);
    Map<String, Gateway> byName = new HashMap<>();
    for (Gateway g : gateways) byName.put(g.name(), g);
    List<Rule> rules = readRules(o, byName);
    String rulesFile = o.string("rulesFile", null);
    Failover failover = Failover.parse(o.key("failover"), o.value("failover"));
    o.rejectUnknownKeys();
    return new LcrConfig(gateways, rules, rulesFile, failover);
  }

  private static List<Gateway> readGateways(ConfigObject o) {
    List<Gateway> out = new ArrayList<>();
    Map<String, String> seen = new HashMap<>();
    for (ConfigObject g : o.objects("gateways", "{\"name\": \"gw1\", \"uri\": \"sip:127.0.0.1:5081\"}")) {
      String name = g.string("name", null);
      if (name == null) throw new ConfigException(g.key("name"), "is required: the name rules use for this gateway");
      if (name.indexOf(',') >= 0) throw new ConfigException(g.key("name"), "must not contain ',' (the rules file separates with it)");
      String first = seen.putIfAbsent(name, g.path());
      if (first != null) throw new ConfigException(g.key("name"), "\"" + name + "\" is already the name of " + first);
      SipUri uri = g.sipUri("uri");
      if (uri == null) throw new ConfigException(g.key("uri"), "is required: the gateway's SIP URI, e.g. \"sip:127.0.0.1:5081\"");
      g.rejectUnknownKeys();
      out.add(new Gateway(name, uri));
    }
    return out;
  }

  private static List<Rule> readRules(ConfigObject o, Map<String, Gateway> gateways) {
    List<Rule> out = new ArrayList<>();
    for (ConfigObject r : o.objects("rules", "{\"prefix\": \"+49\", \"targets\": [{\"gateway\": \"gw1\"}]}")) {
      String prefix = optional(r, "prefix");
      String problem = prefixProblem(prefix == null ? "" : prefix);
      if (problem != null) throw new ConfigException(r.key("prefix"), problem);
      String fromPrefix = optional(r, "fromPrefix");
      String domain = optional(r, "domain");
      TimeWindow time = r.has("time") ? TimeWindow.read(ConfigObject.at(r, "time")) : null;
      List<Target> targets = readTargets(r, gateways);
      r.rejectUnknownKeys();
      out.add(new Rule(prefix == null ? "" : prefix, fromPrefix, domain, time, targets, r.path()));
    }
    return out;
  }

  private static List<Target> readTargets(ConfigObject r, Map<String, Gateway> gateways) {
    List<ConfigObject> a = r.objects("targets", "{\"gateway\": \"gw1\", \"priority\": 0, \"weight\": 1}");
    if (a.isEmpty()) throw new ConfigException(r.key("targets"), "is required: at least one {\"gateway\": \"name\", \"priority\": 0, \"weight\": 1}");
    List<Target> out = new ArrayList<>();
    for (ConfigObject t : a) {
      String gateway = t.string("gateway", null);
      if (gateway == null) throw new ConfigException(t.key("gateway"), "is required: the name of one of lcr.gateways");
      if (!gateways.containsKey(gateway)) throw new ConfigException(t.key("gateway"), unknownGateway(gateway, gateways));
      int priority = t.integer("priority", 0, 0, MAX_PRIORITY);
      int weight = t.integer("weight", 1, 1, MAX_WEIGHT);
      t.rejectUnknownKeys();
      out.add(new Target(gateway, priority, weight));
    }
    return out;
  }

  /** A string member that may be empty (absent or empty: null). */
  private static String optional(ConfigObject o, String name) {
    Object v = o.value(name);
    if (v == null) return null;
    if (!(v instanceof String s)) throw o.wrongType(name, "a string", v);
    return s.trim().isEmpty() ? null : s.trim();
  }

  private static String prefixProblem(String prefix) {
    for (int i = 0; i < prefix.length(); i++) {
      char c = prefix.charAt(i);
      if (!(c >= '0' && c <= '9') && !(c == '+' && i == 0)) {
        return "must be digits with an optional leading '+' (empty: every number), got \"" + prefix + "\"";
      }
    }
    return null;
  }

  private static String unknownGateway(String name, Map<String, Gateway> gateways) {
    return "names no gateway: \"" + name + "\" is not in lcr.gateways" + (gateways.isEmpty() ? " (none configured)" : " (" + String.join(", ", gateways.keySet()) + ")");
  }

  /**
   * Reads {@link #rulesFile()} (blocking: never on an event loop) once; {@link #rules()} holds its
   * rules from then on. Throws {@link ConfigException} naming {@code lcr.rulesFile} and the path, or
   * {@code lcr.rulesFile line N} for a bad line. Does nothing without a rules file or when loaded.
   */
  public synchronized void loadRulesFile() {
    if (fileRules != null) return;
    Path path = Path.of(rulesFile);
    List<Rule> out = new ArrayList<>();
    Map<String, Gateway> gateways = byName;
    String stamp;
    try (BufferedReader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      stamp = stamp(path);
      String line;
      int n = 0;
      while ((line = in.readLine()) != null) {
        n++;
        String text = line.strip();
        if (text.isEmpty() || text.charAt(0) == '#') continue;
        out.add(csvRule(text, "lcr.rulesFile line " + n, gateways));
      }
    } catch (NoSuchFileException e) {
      throw new ConfigException("lcr.rulesFile", "cannot read " + rulesFile + ": no such file");
    } catch (IOException e) {
      throw new ConfigException("lcr.rulesFile", "cannot read " + rulesFile + ": " + e.getMessage());
    }
    fileStamp = stamp;
    fileRules = List.copyOf(out);
  }

  /** The modification time and size of the file at {@code path}, as text (blocking). */
  public static String stamp(Path path) throws IOException {
    BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
    return a.lastModifiedTime().toMillis() + "/" + a.size();
  }

  /**
   * The rules file's modification time and size (see {@link #stamp}) when {@link #loadRulesFile()} read
   * it; null before, or without a rules file.
   */
  public String rulesFileStamp() { return fileStamp; }

  /** This config with its rules file not read yet: {@link #loadRulesFile()} reads it again (it changed on disk). */
  public LcrConfig rereadRulesFile() { return new LcrConfig(gateways, rules, rulesFile, failover); }

  private static Rule csvRule(String text, String key, Map<String, Gateway> gateways) {
    String[] f = text.split(",", -1);
    if (f.length < 4 || f.length > 6) {
      throw new ConfigException(key, "must be prefix,gateway,priority,weight[,fromPrefix[,domain]], got " + f.length + " fields: \"" + text + "\"");
    }
    for (int i = 0; i < f.length; i++) f[i] = f[i].strip();
    String problem = prefixProblem(f[0]);
    if (problem != null) throw new ConfigException(key, "prefix " + problem);
    if (!gateways.containsKey(f[1])) throw new ConfigException(key, "gateway " + unknownGateway(f[1], gateways));
    int priority = csvInteger(key, "priority", f[2], 0, MAX_PRIORITY);
    int weight = csvInteger(key, "weight", f[3], 1, MAX_WEIGHT);
    String fromPrefix = f.length > 4 && !f[4].isEmpty() ? f[4] : null;
    String domain = f.length > 5 && !f[5].isEmpty() ? f[5] : null;
    return new Rule(f[0], fromPrefix, domain, null, List.of(new Target(f[1], priority, weight)), key);
  }

  private static int csvInteger(String key, String what, String text, int min, int max) {
    long n = -1;
    if (!text.isEmpty() && text.length() <= 9 && text.chars().allMatch(c -> c >= '0' && c <= '9')) n = Long.parseLong(text);
    if (n < min || n > max) throw new ConfigException(key, what + " must be an integer " + min + ".." + max + ", got \"" + text + "\"");
    return (int) n;
  }

  public List<Gateway> gateways() { return gateways; }

  /** The gateway named {@code name}, or null. */
  public Gateway gateway(String name) { return byName.get(name); }

  /**
   * Every rule: those of {@code rules}, then those of {@code rulesFile}. Throws IllegalStateException
   * when a rules file is configured and {@link #loadRulesFile()} has not run.
   */
  public List<Rule> rules() {
    List<Rule> file = fileRules;
    if (file == null) throw new IllegalStateException("lcr.rulesFile " + rulesFile + " not loaded: SipgwConfig.checkFiles() loads it, off the event loop");
    if (file.isEmpty()) return rules;
    List<Rule> all = new ArrayList<>(rules.size() + file.size());
    all.addAll(rules);
    all.addAll(file);
    return all;
  }

  /** The rules file ({@code lcr.rulesFile}) or null. */
  public String rulesFile() { return rulesFile; }

  /** When to try the next gateway ({@code lcr.failover}). */
  public Failover failover() { return failover; }

  JsonObject toJson() {
    JsonArray g = new JsonArray();
    gateways.forEach(x -> g.add(new JsonObject().put("name", x.name()).put("uri", x.uri().toString())));
    JsonArray r = new JsonArray();
    for (Rule x : rules) {
      JsonObject j = new JsonObject().put("prefix", x.prefix());
      if (x.fromPrefix() != null) j.put("fromPrefix", x.fromPrefix());
      if (x.domain() != null) j.put("domain", x.domain());
      if (x.time() != null) j.put("time", x.time().toJson());
      JsonArray t = new JsonArray();
      x.targets().forEach(y -> t.add(new JsonObject().put("gateway", y.gateway()).put("priority", y.priority()).put("weight", y.weight())));
      r.add(j.put("targets", t));
    }
    JsonObject j = new JsonObject().put("gateways", g).put("rules", r);
    if (rulesFile != null) j.put("rulesFile", rulesFile);
    return j.put("failover", failover.toJson());
  }

  @Override public boolean equals(Object o) { return o instanceof LcrConfig c && toJson().equals(c.toJson()); }

  @Override public int hashCode() { return Objects.hash(toJson()); }
}
