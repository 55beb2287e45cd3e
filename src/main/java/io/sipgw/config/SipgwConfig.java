package io.sipgw.config;

import io.sipgw.rules.DefaultRules;
import io.sipgw.rules.RuleSet;
import io.sipgw.sip.Transport;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The typed, validated, immutable configuration of a sipgw node. {@link #fromJson} checks every key
 * (type, range, cross-key rules, and that no unknown key is present) and fills in the defaults; any
 * problem is a {@link ConfigException} that names the key path.
 */
public final class SipgwConfig {
  /** The classpath resource holding the embedded default (conf/sipgw.json, copied by the build). */
  public static final String EMBEDDED_RESOURCE = "sipgw.json";
  public static final int DEFAULT_WORKERS = 0;

  private final List<ListenConfig> listen;
  private final List<DomainConfig> domains;
  private final RegistrarConfig registrar;
  private final ProxyConfig proxy;
  private final TransactionConfig transaction;
  private final StoreConfig store;
  private final TransportConfig transport;
  private final int workers;
  private final ReloadConfig reload;
  private final TlsConfig tls;
  private final WebSocketConfig websocket;
  private final MediaConfig media;
  private final NatConfig nat;
  private final AuthConfig auth;
  private final BanConfig bans;
  private final ImConfig im;
  private final PresenceConfig presence;
  private final MsrpConfig msrp;
  private final DnsConfig dns;
  private final DispatcherConfig dispatcher;
  private final RuleSet routes;
  private final LogConfig log;
  private final LcrConfig lcr;
  private final AdminConfig admin;
  private final CaptureConfig capture;
  private final JsonObject json;

  private SipgwConfig(List<ListenConfig> listen, List<DomainConfig> domains, RegistrarConfig registrar, ProxyConfig proxy,
                      TransactionConfig transaction, StoreConfig store, TransportConfig transport, int workers, ReloadConfig reload,
                      TlsConfig tls, WebSocketConfig websocket, MediaConfig media, NatConfig nat, AuthConfig auth, BanConfig bans,
                      ImConfig im, PresenceConfig presence, MsrpConfig msrp, DnsConfig dns, RuleSet routes, LogConfig log, DispatcherConfig dispatcher, LcrConfig lcr,
                      AdminConfig admin, CaptureConfig capture) {
    this.listen = List.copyOf(listen);
    this.domains = List.copyOf(domains);
    this.registrar = registrar;
    this.proxy = proxy;
    this.transaction = transaction;
    this.store = store;
    this.transport = transport;
    this.workers = workers;
    this.reload = reload;
    this.tls = tls;
    this.websocket = websocket;
    this.media = media;
    this.nat = nat;
    this.auth = auth;
    this.bans = bans;
    this.im = im;
    this.presence = presence;
    this.msrp = msrp;
    this.dns = dns;
    this.routes = routes;
    this.log = log;
    this.dispatcher = dispatcher;
    this.lcr = lcr;
    this.admin = admin;
    this.capture = capture;
    this.json = toJson();
  }

  /** Validates {@code json}, fills in defaults; throws {@link ConfigException} naming the first bad key. */
  public static SipgwConfig fromJson(JsonObject json) {
    Objects.requireNonNull(json, "json");
    ConfigObject root = new ConfigObject("", json);
    List<ListenConfig> listen = readListen(root);
    List<DomainConfig> domains = readDomains(root);
    RegistrarConfig registrar = RegistrarConfig.read(ConfigObject.at(root, "registrar"));
    ProxyConfig proxy = ProxyConfig.read(ConfigObject.at(root, "proxy"));
    TransactionConfig transaction = TransactionConfig.read(ConfigObject.at(root, "transaction"));
    StoreConfig store = StoreConfig.read(ConfigObject.at(root, "store"));
    TransportConfig transport = TransportConfig.read(ConfigObject.at(root, "transport"));
    int workers = root.integer("workers", DEFAULT_WORKERS, 0, 1024);
    ReloadConfig reload = ReloadConfig.read(ConfigObject.at(root, "reload"));
    TlsConfig tls = TlsConfig.read(ConfigObject.at(root, "tls"));
    WebSocketConfig websocket = WebSocketConfig.read(ConfigObject.at(root, "websocket"));
    MediaConfig media = MediaConfig.read(ConfigObject.at(root, "media"));
    NatConfig nat = NatConfig.read(ConfigObject.at(root, "nat"));
    AuthConfig auth = AuthConfig.read(ConfigObject.at(root, "auth"));
    BanConfig bans = BanConfig.read(ConfigObject.at(root, "bans"));
    ImConfig im = ImConfig.read(ConfigObject.at(root, "im"));
    PresenceConfig presence = PresenceConfig.read(ConfigObject.at(root, "presence"));
    MsrpConfig msrp = MsrpConfig.read(ConfigObject.at(root, "msrp"), domains.isEmpty() ? "localhost" : domains.get(0).name());
    DnsConfig dns = DnsConfig.read(ConfigObject.at(root, "dns"));
    RuleSet routes = readRoutes(root);
    LogConfig log = LogConfig.read(ConfigObject.at(root, "log"));
    DispatcherConfig dispatcher = DispatcherConfig.read(ConfigObject.at(root, "dispatcher"));
    for (Map.Entry<String, String> e : routes.dispatchSets().entrySet()) {
      if (dispatcher.set(e.getKey()) == null) throw new ConfigException(e.getValue(), "no dispatcher set is named \"" + e.getKey() + "\" (dispatcher.sets)");
    }
    LcrConfig lcr = LcrConfig.read(ConfigObject.at(root, "lcr"));
    AdminConfig admin = AdminConfig.read(ConfigObject.at(root, "admin"));
    CaptureConfig capture = CaptureConfig.read(ConfigObject.at(root, "capture"));
    root.rejectUnknownKeys();
    requireCertificateForTls(listen, tls);
    return new SipgwConfig(listen, domains, registrar, proxy, transaction, store, transport, workers, reload, tls, websocket, media, nat, auth, bans,
        im, presence, msrp, dns, routes, log, dispatcher, lcr, admin, capture);
  }

  /** The embedded default: conf/sipgw.json as packaged in the jar (UDP and TCP on 0.0.0.0:5060, WS on 8080). */
  public static SipgwConfig defaults() { return Embedded.CONFIG; }

  /** The text of the embedded default file. */
  static String embeddedText() { return Embedded.TEXT; }

  private static final class Embedded {
    static final String TEXT = readResource();
    static final SipgwConfig CONFIG = parse();

    private static String readResource() {
      try (InputStream in = SipgwConfig.class.getClassLoader().getResourceAsStream(EMBEDDED_RESOURCE)) {
        if (in == null) throw new ConfigFileException("classpath:" + EMBEDDED_RESOURCE, "missing from the class path");
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private static SipgwConfig parse() {
      try {
        return fromJson(new JsonObject(TEXT));
      } catch (DecodeException e) {
        throw new ConfigFileException("classpath:" + EMBEDDED_RESOURCE, "not valid JSON: " + e.getMessage());
      }
    }
  }

  private static List<ListenConfig> readListen(ConfigObject root) {
    JsonArray a = root.array("listen");
    if (a == null) return List.of(new ListenConfig(Transport.UDP, "0.0.0.0", 5060, null, 5060),
        new ListenConfig(Transport.TCP, "0.0.0.0", 5060, null, 5060), new ListenConfig(Transport.WS, "0.0.0.0", 8080, null, 8080));
    if (a.isEmpty()) throw new ConfigException("listen", "needs at least one listener");
    List<ListenConfig> out = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < a.size(); i++) {
      String key = "listen[" + i + "]";
      Object v = a.getValue(i);
      if (!(v instanceof JsonObject o)) throw new ConfigException(key, "must be an object, got " + ConfigObject.describe(v));
      ListenConfig l = ListenConfig.read(new ConfigObject(key, o));
      if (l.port() != 0) { // port 0: each listener gets its own free port, no clash possible
        Integer first = seen.putIfAbsent(l.name(), i);
        if (first != null) throw new ConfigException(key, "duplicate of listen[" + first + "] (" + l.name() + ")");
      }
      out.add(l);
    }
    return out;
  }

  /** The route rules ({@code routes}), compiled; without the key, the built-in ones ({@link DefaultRules}). */
  private static RuleSet readRoutes(ConfigObject root) {
    JsonArray a = root.array("routes");
    if (a == null) return DefaultRules.rules();
    if (a.isEmpty()) throw new ConfigException("routes", "needs at least one route block (leave the key out for the built-in rules)");
    return RuleSet.compile("routes", a);
  }

  private static void requireCertificateForTls(List<ListenConfig> listen, TlsConfig tls) {
    if (tls.hasCertificate()) return;
    for (int i = 0; i < listen.size(); i++) {
      Transport t = listen.get(i).transport();
      if (t == Transport.TLS || t == Transport.WSS) {
        String kind = listen.get(i).msrp() ? "msrps" : t.toString();
        throw new ConfigException("tls.certificate", "is required (with tls.key) by the " + kind + " listener listen[" + i + "]");
      }
    }
  }

  private static List<DomainConfig> readDomains(ConfigObject root) {
    JsonArray a = root.array("domains");
    if (a == null) return List.of(new DomainConfig("localhost", List.of("127.0.0.1", "::1"), DomainMode.PROXY));
    List<DomainConfig> out = new ArrayList<>();
    Map<String, String> seen = new HashMap<>();
    for (int i = 0; i < a.size(); i++) {
      String key = "domains[" + i + "]";
      Object v = a.getValue(i);
      if (!(v instanceof JsonObject o)) throw new ConfigException(key, "must be an object, got " + ConfigObject.describe(v));
      DomainConfig d = DomainConfig.read(new ConfigObject(key, o));
      unique(seen, d.name(), key + ".name");
      for (int j = 0; j < d.aliases().size(); j++) unique(seen, d.aliases().get(j), key + ".aliases[" + j + "]");
      out.add(d);
    }
    return out;
  }

  private static void unique(Map<String, String> seen, String host, String key) {
    String first = seen.putIfAbsent(host.toLowerCase(Locale.ROOT), key);
    if (first != null) throw new ConfigException(key, "\"" + host + "\" is already listed at " + first);
  }

  private JsonObject toJson() {
    JsonArray l = new JsonArray();
    listen.forEach(x -> l.add(x.toJson()));
    JsonArray d = new JsonArray();
    domains.forEach(x -> d.add(x.toJson()));
    return new JsonObject().put("listen", l).put("domains", d).put("registrar", registrar.toJson())
        .put("proxy", proxy.toJson()).put("transaction", transaction.toJson()).put("store", store.toJson())
        .put("transport", transport.toJson()).put("workers", workers).put("reload", reload.toJson()).put("tls", tls.toJson())
        .put("websocket", websocket.toJson()).put("media", media.toJson())
        .put("nat", nat.toJson()).put("auth", auth.toJson()).put("bans", bans.toJson())
        .put("im", im.toJson()).put("presence", presence.toJson()).put("msrp", msrp.toJson()).put("dns", dns.toJson())
        .put("routes", routes.json()).put("log", log.toJson()).put("dispatcher", dispatcher.toJson())
        .put("lcr", lcr.toJson()).put("admin", admin.toJson())
        .put("capture", capture.toJson());
  }

  /** The effective configuration, defaults included (a copy). */
  public JsonObject json() { return json.copy(); }

  public List<ListenConfig> listen() { return listen.stream().filter(l -> !l.msrp()).toList(); }

  /** The MSRP relay's listeners ({@code listen} entries with {@code "transport": "msrp"} or {@code "msrps"}). */
  public List<ListenConfig> msrpListen() { return listen.stream().filter(ListenConfig::msrp).toList(); }

  /** Log levels per logger ({@code log}), reloadable. */
  public LogConfig log() { return log; }

  /** The route rules ({@code routes}), compiled; reloadable. */
  public RuleSet routes() { return routes; }

  /** The MSRP relay ({@code msrp}); its listeners are in {@link #msrpListen}. */
  public MsrpConfig msrp() { return msrp; }

  public List<DomainConfig> domains() { return domains; }

  public RegistrarConfig registrar() { return registrar; }

  public ProxyConfig proxy() { return proxy; }

  /** Transaction timers and the transaction cap ({@code transaction.*}), reloadable. */
  public TransactionConfig transaction() { return transaction; }

  public StoreConfig store() { return store; }

  public TransportConfig transport() { return transport; }

  /** Hot-reload settings ({@code reload.scanPeriod}). */
  public ReloadConfig reload() { return reload; }

  /** TLS certificate, versions and peer verification ({@code tls}). */
  public TlsConfig tls() { return tls; }

  /** The WS/WSS listeners' web root and allowed origins ({@code websocket}). */
  public WebSocketConfig websocket() { return websocket; }

  /** Media bridging through rtpengine ({@code media}), reloadable. */
  public MediaConfig media() { return media; }

  /** DNS servers, cache and ENUM suffix ({@code dns}); a change needs a restart. */
  public DnsConfig dns() { return dns; }

  /** Keep-alives to UDP clients behind NAT ({@code nat}), reloadable. */
  public NatConfig nat() { return nat; }

  /** Flood and password-guessing bans ({@code bans}), reloadable. */
  public BanConfig bans() { return bans; }

  /** The presence server ({@code presence}), reloadable. */
  public PresenceConfig presence() { return presence; }

  /** Messages kept for offline users ({@code im}), reloadable. */
  public ImConfig im() { return im; }

  /** Load-balancing destination sets ({@code dispatcher}), reloadable. */
  public DispatcherConfig dispatcher() { return dispatcher; }

  /** Least-cost routing ({@code lcr}), reloadable; its {@code rulesFile} is loaded by {@link #checkFiles()}. */
  public LcrConfig lcr() { return lcr; }

  /** The admin listener ({@code admin}): its address needs a restart, the token reloads. */
  public AdminConfig admin() { return admin; }

  /** SIP capture as HEP v3 ({@code capture}), reloadable. */
  public CaptureConfig capture() { return capture; }

  /** Digest authentication ({@code auth}), reloadable. */
  public AuthConfig auth() { return auth; }

  /** Whether any listener needs the certificate: TLS or WSS. */
  public boolean hasTlsListener() {
    for (ListenConfig l : listen) if (l.transport() == Transport.TLS || l.transport() == Transport.WSS) return true;
    return false;
  }

  /**
   * Checks that the files the config names exist and can be read, and loads the LCR rules file
   * ({@link LcrConfig#loadRulesFile()}): blocking, so off the event loop.
   * Throws {@link ConfigException} naming the key and the path (or the line).
   */
  public void checkFiles() {
    tls.checkFiles();
    lcr.loadRulesFile();
  }

  /** Routing verticle instances: {@code workers}, or the number of available processors when 0. */
  public int workers() { return workers == 0 ? Runtime.getRuntime().availableProcessors() : workers; }

  /**
   * The keys whose value differs in {@code newer} but cannot change while running: {@code listen},
   * {@code workers}, {@code transport.instances}, {@code transport.tcpIdleTimeout}, {@code store},
   * {@code reload.scanPeriod}, {@code websocket.webroot}, {@code auth.enabled}, {@code auth.users},
   * {@code auth.secret}, {@code auth.nonceLifetime}, {@code dns}, {@code admin} but its token. Every {@code tls} key reloads. Empty when everything that changed can be applied at run time.
   */
  public List<String> restartNeededChanges(SipgwConfig newer) {
    List<String> keys = new ArrayList<>();
    if (!listen.equals(newer.listen)) keys.add("listen");
    if (workers() != newer.workers()) keys.add("workers");
    if (instances(transport) != instances(newer.transport)) keys.add("transport.instances");
    if (transport.tcpIdleTimeout() != newer.transport.tcpIdleTimeout()) keys.add("transport.tcpIdleTimeout");
    if (!store.equals(newer.store)) keys.add("store");
    if (reload.scanPeriod() != newer.reload.scanPeriod()) keys.add("reload.scanPeriod");
    if (!websocket.webroot().equals(newer.websocket.webroot())) keys.add("websocket.webroot");
    // the credentials file is opened and the nonce key made at start
    if (auth.enabled() != newer.auth.enabled()) keys.add("auth.enabled");
    if (!auth.users().equals(newer.auth.users())) keys.add("auth.users");
    if (!java.util.Objects.equals(auth.secret(), newer.auth.secret())) keys.add("auth.secret");
    if (auth.nonceLifetime() != newer.auth.nonceLifetime()) keys.add("auth.nonceLifetime");
    // one resolver (and its cache) is made at start
    if (!dns.equals(newer.dns)) keys.add("dns");
    admin.restartNeeded(newer.admin, keys);
    return List.copyOf(keys);
  }

  private static int instances(TransportConfig t) {
    return t.instances() == 0 ? Runtime.getRuntime().availableProcessors() : t.instances();
  }

  @Override public boolean equals(Object o) { return o instanceof SipgwConfig c && json.equals(c.json); }

  @Override public int hashCode() { return json.hashCode(); }

  @Override public String toString() { return "SipgwConfig" + json.encode(); }
}
