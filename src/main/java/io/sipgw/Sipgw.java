package io.sipgw;

import io.sipgw.admin.AdminServer;
import io.sipgw.admin.AdminToken;
import io.sipgw.admin.GatewayMethods;
import io.sipgw.admin.RpcMethods;
import io.sipgw.config.AdminConfig;
import io.sipgw.config.ConfigLoader;
import io.sipgw.capture.HepCapture;
import io.sipgw.config.LcrConfig;
import java.util.function.Supplier;
import io.sipgw.config.NatConfig;
import io.sipgw.config.RegistrarConfig;
import io.sipgw.config.SipgwConfig;
import io.sipgw.config.StoreConfig;
import io.sipgw.config.TransactionConfig;
import io.sipgw.config.WebSocketConfig;
import io.sipgw.dns.SipResolver;
import io.sipgw.auth.Authenticator;
import io.sipgw.auth.CredentialStore;
import io.sipgw.auth.FileCredentialStore;
import io.sipgw.auth.RedisCredentialStore;
import io.sipgw.auth.Nonces;
import io.sipgw.config.AuthConfig;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.sipgw.config.BanConfig;
import io.sipgw.config.ImConfig;
import io.sipgw.config.PresenceConfig;
import io.sipgw.ban.BanStore;
import io.sipgw.im.MemoryMessageStore;
import io.sipgw.presence.MemoryPresenceStore;
import io.sipgw.presence.PresenceServer;
import io.sipgw.presence.PresenceStore;
import io.sipgw.presence.RedisPresenceStore;
import io.sipgw.xcap.MemoryXcapStore;
import io.sipgw.xcap.RedisXcapStore;
import io.sipgw.xcap.XcapServer;
import io.sipgw.xcap.XcapStore;
import io.sipgw.config.MsrpConfig;
import io.sipgw.msrp.MsrpListener;
import io.sipgw.msrp.MsrpRelay;
import io.sipgw.msrp.MsrpUri;
import io.sipgw.xcap.XcapUserDocuments;
import io.sipgw.im.MessageDelivery;
import io.sipgw.im.MessageStore;
import io.sipgw.im.OfflineMessages;
import io.sipgw.im.RedisMessageStore;
import io.sipgw.ban.RedisBanStore;
import io.sipgw.ban.SourceGuard;
import io.sipgw.config.ConfigException;
import io.sipgw.lcr.LcrTable;
import io.sipgw.lcr.RulesFileWatch;
import io.sipgw.proxy.Authentication;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import io.sipgw.lb.DestinationSets;
import io.sipgw.lb.Prober;
import io.sipgw.metrics.Metrics;
import io.sipgw.nat.NatPinger;
import io.sipgw.registrar.NodeRestart;
import io.sipgw.proxy.LocalDomains;
import io.sipgw.proxy.RoutingSettings;
import io.sipgw.proxy.Registrations;
import io.sipgw.proxy.RoutingVerticle;
import io.sipgw.registrar.Registrar;
import io.sipgw.registrar.RegistrationListener;
import io.sipgw.sip.HeaderName;
import io.sipgw.sip.Hex;
import io.sipgw.sip.Hosts;
import io.sipgw.sip.Transport;
import io.sipgw.store.LocationStore;
import io.sipgw.store.MemoryLocationStore;
import io.sipgw.store.RedisEndpoint;
import io.sipgw.store.RedisLocationStore;
import io.sipgw.transport.Dispatcher;
import io.sipgw.transport.InboundCodec;
import io.sipgw.transport.InboundMessage;
import io.sipgw.transport.Listener;
import io.sipgw.transport.ListenerAddresses;
import io.sipgw.transport.StreamListenerVerticle;
import io.sipgw.transport.TlsCertificates;
import io.sipgw.transport.Transports;
import io.sipgw.transport.UdpListenerVerticle;
import io.sipgw.transport.WebSocketKeepalive;
import io.sipgw.transport.WebSocketListenerVerticle;
import io.vertx.core.DeploymentOptions;
import io.sipgw.sip.SipRequest;
import io.sipgw.sip.Escapes;
import io.sipgw.sip.SipParseException;
import io.sipgw.sip.SipUri;
import io.sipgw.transport.Flow;
import io.sipgw.store.Binding;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

/** A running gateway: its listeners, routing verticles and stores. */
public final class Sipgw {
  private static final Logger LOG = Logger.getLogger("sipgw");
  /** How long an AOR whose last binding went is remembered (480 rather than 404). */
  private static final long REMEMBER_AOR_MILLIS = 24 * 3600 * 1000L;
  /** How often a node reads, with the Redis store, for which users the others kept messages. */
  private static final long MESSAGE_POLL_MILLIS = 1000;
  /** How often a node reads, with the Redis store, which presentities the others took subscriptions to. */
  private static final long PRESENCE_POLL_MILLIS = 1000;
  /** How often a node reads the bans the others made, with the Redis store. */
  private static final long BAN_POLL_MILLIS = 1000;

  private final Vertx vertx;
  private final Transports transports;
  private final LocationStore store;
  private final AtomicReference<RoutingSettings> routing;
  private final AtomicReference<RegistrarConfig> registrar;
  private final AtomicReference<TransactionConfig> transaction;
  private final AtomicReference<WebSocketConfig> websocket;
  private final AtomicReference<NatConfig> nat;
  private final List<String> deployments;
  private final long idleTimer;
  /** The TLS listeners' certificate and outbound TLS settings; null without a TLS listener. */
  private final TlsCertificates tls;
  private final long tlsScanTimer;
  /** Pings the WebSockets; null without a WS or WSS listener. */
  private final WebSocketKeepalive wsKeepalive;
  /** The {@code auth} settings, and the credentials checked against (null: auth off since the start). */
  private AtomicReference<AuthConfig> auth;
  private Authenticator authenticator;
  private AtomicReference<BanConfig> bans;
  private BanStore banStore;
  private AtomicReference<ImConfig> im;
  private MessageStore messages;
  private PresenceStore presenceStore;
  private AtomicReference<PresenceConfig> presence;
  /** The MSRP relay's settings ({@code msrp}), read by the relay at each use. */
  private AtomicReference<MsrpConfig> msrp;
  /** The DNS client of every routing loop (its channels closed at stop). */
  private SipResolver resolver;
  /** The dispatcher's destination sets ({@code dispatcher}), shared by the routing loops, probed by a {@link Prober}. */
  private DestinationSets destinations;
  /** The {@code lcr} config the LCR table in force (or being built) is made of. */
  private volatile LcrConfig lcrConfig;
  /** Watches {@code lcr.rulesFile} for changes; null without one. */
  private RulesFileWatch lcrWatch;
  /** Counts and bans sources ({@code bans}). */
  private SourceGuard guard;
  /** The Redis client of the stores; null with the memory store. */
  private RedisEndpoint redis;
  /** The routing verticles, one per routing event loop (their transaction tables). */
  private List<RoutingVerticle> routingVerticles = List.of();
  /** When this gateway started (epoch milliseconds). */
  private final long startedMillis = System.currentTimeMillis();
  /** The config in force (the last one applied), and the one it started with (restart-needed changes are against it). */
  private final AtomicReference<SipgwConfig> config = new AtomicReference<>();
  private SipgwConfig startConfig;
  /** The config file read again by {@link #reloadFromFile}; null: started from a config given in code or the embedded default. */
  private volatile String configPath;
  /** The admin listener; null when {@code admin.enabled} is false. */
  private volatile AdminServer admin;
  private volatile boolean stopping;
  /** SIP capture to a HEP collector ({@code capture}), on or off. */
  private HepCapture capture;

  private Sipgw(Vertx vertx, Transports transports, LocationStore store, AtomicReference<RoutingSettings> routing,
      AtomicReference<RegistrarConfig> registrar, AtomicReference<TransactionConfig> transaction,
      AtomicReference<WebSocketConfig> websocket, AtomicReference<NatConfig> nat, List<String> deployments,
      long idleTimer, TlsCertificates tls, long tlsScanTimer, WebSocketKeepalive wsKeepalive) {
    this.vertx = vertx;
    this.transports = transports;
    this.store = store;
    this.routing = routing;
    this.registrar = registrar;
    this.transaction = transaction;
    this.websocket = websocket;
    this.nat = nat;
    this.deployments = deployments;
    this.idleTimer = idleTimer;
    this.tls = tls;
    this.tlsScanTimer = tlsScanTimer;
    this.wsKeepalive = wsKeepalive;
  }

  /**
   * The Vert.x a gateway runs on: the native transport where there is one, for SO_REUSEPORT (several
   * UDP sockets on one port, one per listener instance).
   */
  public static VertxOptions vertxOptions() { return new VertxOptions().setPreferNativeTransport(true); }

  /** Deploys the gateway's verticles on {@code vertx} and binds its listeners, then the admin listener. */
  public static Future<Sipgw> start(Vertx vertx, SipgwConfig config) { return start(vertx, config, null); }

  /**
   * As {@link #start(Vertx, SipgwConfig)}, for a config read from the file {@code path} (null: none),
   * which the RPC method {@code cfg.reload} reads again.
   */
  public static Future<Sipgw> start(Vertx vertx, SipgwConfig config, String path) {
    return startSip(vertx, config).compose(g -> {
      g.config.set(config);
      g.startConfig = config;
      g.configPath = path;
      if (!config.admin().enabled()) return Future.succeededFuture(g);
      return g.startAdmin(config.admin()).transform(ar -> ar.succeeded() ? Future.succeededFuture(g)
          : g.stop().transform(x -> Future.failedFuture(ar.cause())));
    });
  }

  /** Binds the admin listener, with the token of {@code admin} (read or made off the event loop). */
  private Future<Void> startAdmin(AdminConfig cfg) {
    AdminServer server = new AdminServer(vertx, cfg, GatewayMethods.register(this, new RpcMethods()), this::readiness, () -> metrics().scrape());
    return vertx.executeBlocking(() -> AdminToken.resolve(cfg), false)
        .compose(server::start)
        .map(s -> {
          admin = s;
          return null;
        });
  }

  private static Future<Sipgw> startSip(Vertx vertx, SipgwConfig config) {
    if (!config.log().levels().isEmpty() || config.log().json()) LogLevels.apply(config.log());
    try {
      vertx.eventBus().registerDefaultCodec(InboundMessage.class, new InboundCodec());
    } catch (IllegalStateException alreadyRegistered) {
      // a second gateway on the same Vert.x instance shares the codec
    }
    Future<TlsCertificates> tls = config.hasTlsListener()
        ? TlsCertificates.load(vertx, config.tls()).recover(e -> Future.failedFuture("tls: " + e.getMessage()))
        : Future.succeededFuture();
    AtomicReference<AuthConfig> authCfg = new AtomicReference<>(config.auth());
    Metrics metrics = Metrics.create();
    Future<Authenticator> auth = config.auth().enabled() ? openCredentials(vertx, config, authCfg, metrics) : Future.succeededFuture();
    Future<LcrTable> lcr = LcrTable.load(vertx, config.lcr(), "start").recover(e -> Future.failedFuture("lcr: " + e.getMessage()));
    return tls.compose(t -> auth.compose(a -> lcr.compose(x -> vertx.executeBlocking(() -> ListenerAddresses.resolve(config.listen()), false))
        .compose(listeners -> vertx.executeBlocking(() -> ListenerAddresses.resolve(config.msrpListen()), false)
            .compose(msrp -> deploy(vertx, config, listeners, msrp, t, authCfg, a, lcr.result(), metrics)))
        .onSuccess(g -> {
          g.lcrConfig = config.lcr();
          g.watchLcr(config.lcr(), config.reload().scanPeriod());
          g.auth = authCfg;
          g.authenticator = a;
        })
        .onFailure(e -> {
          if (a != null) a.close();
        })))
        .onFailure(e -> metrics.close());
  }

  /**
   * The credential store and the nonce key, for {@code auth.enabled}: the users in Redis with the
   * Redis store, else the credentials file; fails naming auth.users when the file cannot be read.
   */
  private static Future<Authenticator> openCredentials(Vertx vertx, SipgwConfig config, AtomicReference<AuthConfig> settings,
      Metrics metrics) {
    AuthConfig a = config.auth();
    return nonceSecret(vertx, config).compose(secret -> {
      Nonces nonces = new Nonces(secret, a.nonceLifetime() * 1000L, System::currentTimeMillis);
      Future<CredentialStore> store;
      if (config.store().type().equals(StoreConfig.REDIS)) {
        RedisCredentialStore redis = new RedisCredentialStore(RedisEndpoint.create(vertx, config.store()).observe(metrics::redisCommand));
        LOG.info("credentials: the users in " + redis + " (auth.users is not read with the Redis store; copy a file there with:"
            + " java -jar sipgw.jar user import --file FILE)");
        store = Future.succeededFuture(redis);
      } else {
        store = FileCredentialStore.open(vertx, a.users(), config.reload().scanPeriod()).map(f -> (CredentialStore) f)
            .recover(e -> Future.failedFuture(new ConfigException("auth.users", "cannot read the credentials file: " + e.getMessage()
                + " (add users with: java -jar sipgw.jar user add USER@DOMAIN PASSWORD --file " + a.users() + ")")));
      }
      return store.map(s -> new Authenticator(settings::get, s, nonces));
    });
  }

  /**
   * The key nonces are signed with: {@code auth.secret}; else, with the Redis store, the one kept in
   * Redis ({@code <prefix>auth:secret}, made by the first node that starts), so that a nonce one node
   * gave is checked by every other; else one made now, for this node alone. A Redis that does not
   * answer at start leaves this node with a key of its own, logged.
   */
  private static Future<byte[]> nonceSecret(Vertx vertx, SipgwConfig config) {
    String configured = config.auth().secret();
    if (configured != null) return Future.succeededFuture(configured.getBytes(StandardCharsets.UTF_8));
    byte[] own = randomSecret();
    if (!config.store().type().equals(StoreConfig.REDIS)) return Future.succeededFuture(own);
    RedisEndpoint redis = RedisEndpoint.create(vertx, config.store());
    String key = redis.key("auth:secret");
    return redis.send(Request.cmd(Command.SET).arg(key).arg(Hex.of(own)).arg("NX"))
        .compose(x -> redis.send(Request.cmd(Command.GET).arg(key)))
        .map(r -> r.toString().getBytes(StandardCharsets.UTF_8))
        .recover(e -> {
          LOG.warning("auth: the nonce key kept in Redis could not be read (" + e.getMessage() + "); this node signs its nonces with a key"
              + " of its own, which the other nodes do not accept (set auth.secret to give every node the same)");
          return Future.succeededFuture(own);
        })
        .andThen(x -> redis.close());
  }

  private static byte[] randomSecret() {
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    return b;
  }

  private static Future<Sipgw> deploy(Vertx vertx, SipgwConfig config, List<Listener> listeners, List<Listener> msrpListeners, TlsCertificates tls,
      AtomicReference<AuthConfig> authCfg, Authenticator authenticator, LcrTable lcr, Metrics metrics) {
    int cores = Runtime.getRuntime().availableProcessors();
    int workers = config.workers();
    int instances = config.transport().instances() == 0 ? cores : config.transport().instances();
    Transports transports = new Transports(vertx, listeners, config.transport().maxMessageSize(), config.transport().maxConnections(), tls);
    transports.metrics(metrics);
    LocationStore store;
    BanStore banStore = BanStore.LOCAL;
    AtomicReference<ImConfig> imCfg = new AtomicReference<>(config.im());
    MessageStore messages;
    PresenceStore presenceStore;
    XcapStore xcapStore;
    RedisEndpoint redisClient = null;
    if (config.store().type().equals(StoreConfig.REDIS)) {
      RedisEndpoint redis = RedisEndpoint.create(vertx, config.store()).observe(metrics::redisCommand);
      redisClient = redis;
      banStore = new RedisBanStore(vertx, redis, BAN_POLL_MILLIS, System::currentTimeMillis);
      messages = new RedisMessageStore(vertx, redis, MESSAGE_POLL_MILLIS, System::currentTimeMillis,
          () -> imCfg.get().expiry() * 1000L);
      presenceStore = new RedisPresenceStore(vertx, redis, PRESENCE_POLL_MILLIS, System::currentTimeMillis);
      xcapStore = new RedisXcapStore(redis);
      // not a condition of starting: an unreachable Redis is logged (once) and requests that need it
      // get 500/503 until it answers
      redis.ping().onSuccess(v -> LOG.info("store: " + redis + " answers"));
      store = new RedisLocationStore(vertx, redis, REMEMBER_AOR_MILLIS, System::currentTimeMillis);
      transports.nodeAddress(config.store().nodeAddress());
      logNodeAddress(config, transports);
    } else {
      MemoryLocationStore memory = new MemoryLocationStore(vertx, REMEMBER_AOR_MILLIS);
      metrics.bindings(memory::bindingCount);
      store = memory;
      messages = new MemoryMessageStore();
      presenceStore = new MemoryPresenceStore();
      xcapStore = new MemoryXcapStore();
    }
    AtomicReference<RoutingSettings> routing = new AtomicReference<>(routingSettings(config, transports, lcr));
    AtomicReference<RegistrarConfig> registrarCfg = new AtomicReference<>(config.registrar());
    AtomicReference<TransactionConfig> transactionCfg = new AtomicReference<>(config.transaction());
    AtomicReference<WebSocketConfig> websocketCfg = new AtomicReference<>(config.websocket());
    AtomicReference<NatConfig> natCfg = new AtomicReference<>(config.nat());
    AtomicReference<BanConfig> banCfg = new AtomicReference<>(config.bans());
    BanStore sharedBans = banStore;
    SourceGuard guard = new SourceGuard(banCfg::get, System::currentTimeMillis, sharedBans);
    metrics.bans(guard::bannedCount);
    Authentication authentication = new Authentication(authCfg::get, authenticator, guard, transports::isInternal);
    NatPinger pinger = new NatPinger(transports, store, natCfg::get);
    Dispatcher dispatcher = new Dispatcher(vertx, transports, workers);
    MessageDelivery delivery = new MessageDelivery(transports, dispatcher, messages, store, imCfg::get, System::currentTimeMillis);
    OfflineMessages offline = new OfflineMessages(imCfg::get, messages, aor -> authenticator == null ? Future.succeededFuture(false)
        : authenticator.knows(aor.substring(0, aor.lastIndexOf('@')), aor.substring(aor.lastIndexOf('@') + 1)),
        System::currentTimeMillis, () -> transactionCfg.get().retryAfter());
    AtomicReference<PresenceConfig> presenceCfg = new AtomicReference<>(config.presence());
    PresenceServer presence = new PresenceServer(transports, dispatcher, presenceStore, store, presenceCfg::get,
        System::currentTimeMillis, new XcapUserDocuments(xcapStore), uri -> localAor(routing.get().domains(), uri));
    XcapServer xcap = new XcapServer(xcapStore, authenticator, key -> presence.documentChanged(key.auid(), key.user()),
        () -> presenceCfg.get().enabled() && presenceCfg.get().xcap());
    Registrar registrar = new Registrar(store, registrarCfg::get, System::currentTimeMillis, new RegistrationListener() {
      @Override
      public void saved(SipRequest register, Flow flow, String aor, List<Binding> bindings, boolean cameOnline) {
        pinger.saved(register, flow, aor, bindings, cameOnline);
        delivery.saved(register, flow, aor, bindings, cameOnline);
        presence.saved(register, flow, aor, bindings, cameOnline);
      }

      @Override
      public void wentOffline(String aor) { presence.wentOffline(aor); }
    }, transports);
    transports.onClose(registrar::flowClosed);
    SipResolver resolver = new SipResolver(vertx, config.dns());
    DestinationSets destinations = new DestinationSets(config.dispatcher());
    RoutingVerticle.Shared shared = new RoutingVerticle.Shared(transports, routing::get, registrar, store, resolver,
        transactionCfg::get, banCfg::get, workers, pinger::claim, authentication, offline, presence, presence,
        destinations);
    dispatcher.onReceivingLoop(new Registrations(transports, routing::get, registrar, authentication)::onReceivingLoop);
    dispatcher.admitSource(guard::admit);
    transports.connectionsPerSource(ip -> banCfg.get().connectionsAllowed(ip));
    dispatcher.admitRequest((req, flow) -> guard.admitAgent(flow.remoteHost(), () -> req.header(HeaderName.USER_AGENT)));

    AtomicReference<MsrpConfig> msrpCfg = new AtomicReference<>(config.msrp());
    List<MsrpListener> relayAt = new ArrayList<>();
    for (Listener l : msrpListeners) relayAt.add(new MsrpListener(Hosts.bare(l.host()), l.port(), msrpUri(l, "tcp")));
    for (Listener l : listeners) {
      if (l.transport() == Transport.WS || l.transport() == Transport.WSS) relayAt.add(new MsrpListener(Hosts.bare(l.host()), l.port(), msrpUri(l, "ws")));
    }
    MsrpRelay relay = new MsrpRelay(relayAt, authenticator, msrpCfg::get, tls);

    List<String> deployments = new ArrayList<>();
    List<RoutingVerticle> routingVerticles = new ArrayList<>();
    RedisEndpoint redisForReadiness = redisClient;
    Future<Void> chain = vertx.deployVerticle(pinger).compose(id -> {
      deployments.add(id);
      return vertx.deployVerticle(delivery);
    }).compose(id -> {
      deployments.add(id);
      return vertx.deployVerticle(presence);
    }).compose(id -> {
      deployments.add(id);
      return vertx.deployVerticle(relay).recover(e -> Future.failedFuture("cannot start the MSRP relay: " + e.getMessage()));
    }).map(id -> {
      deployments.add(id);
      return null;
    });
    for (int i = 0; i < workers; i++) {
      String address = Dispatcher.ROUTING_ADDRESS + i;
      RoutingVerticle routingVerticle = new RoutingVerticle(address, shared);
      routingVerticles.add(routingVerticle);
      chain = chain.compose(v -> vertx.deployVerticle(routingVerticle).map(id -> {
        deployments.add(id);
        return null;
      }));
    }
    // probes go through routing: after the routing verticles
    chain = chain.compose(v -> vertx.deployVerticle(new Prober(transports, dispatcher, destinations)).map(id -> {
      deployments.add(id);
      return null;
    }));
    for (Listener l : listeners) {
      boolean udp = l.transport() == Transport.UDP;
      // Several UDP sockets on one port need SO_REUSEPORT, which only the native transport offers.
      int n = udp && !vertx.isNativeTransportEnabled() ? 1 : instances;
      DeploymentOptions opts = new DeploymentOptions().setInstances(n);
      int idle = config.transport().tcpIdleTimeout();
      boolean ws = l.transport() == Transport.WS || l.transport() == Transport.WSS;
      TlsCertificates certificate = l.transport().secure() ? tls : null;
      chain = chain.compose(v -> (udp
          ? vertx.deployVerticle(() -> new UdpListenerVerticle(l, transports, dispatcher), opts)
          : ws ? vertx.deployVerticle(() -> new WebSocketListenerVerticle(l, transports, certificate, websocketCfg::get, xcap::mount,
              (socket, on) -> relay.acceptWebSocket(socket, msrpUri(on, "ws"))), opts)
          : vertx.deployVerticle(() -> new StreamListenerVerticle(l, transports, certificate), opts))
          .recover(e -> Future.failedFuture("cannot listen on " + l.name() + ": " + e.getMessage()))
          .map(id -> {
            deployments.add(id);
            return null;
          }));
    }
    long idleNanos = config.transport().tcpIdleTimeout() * 1_000_000_000L;
    return chain.transform(ar -> {
      if (ar.failed()) {
        destinations.close();
        sharedBans.close();
        messages.close();
        presenceStore.close();
        resolver.close();
        List<Future<Void>> undo = new ArrayList<>();
        for (String id : deployments) undo.add(vertx.undeploy(id));
        return Future.join(undo).transform(x -> transports.close()).transform(x -> Future.failedFuture(ar.cause()));
      }
      long timer = idleNanos <= 0 ? -1
          : vertx.setPeriodic(Math.max(1000, Math.min(60_000, idleNanos / 4_000_000)), id -> transports.closeIdle(idleNanos));
      // certificate files are checked for changes as often as the config file
      long scan = config.reload().scanPeriod();
      long tlsTimer = tls == null || scan <= 0 ? -1 : vertx.setPeriodic(scan, id -> tls.scan());
      boolean webSockets = listeners.stream().anyMatch(l -> l.transport() == Transport.WS || l.transport() == Transport.WSS);
      WebSocketKeepalive keepalive = webSockets ? new WebSocketKeepalive(vertx, transports, websocketCfg::get) : null;
      if (keepalive != null) keepalive.start();
      LOG.fine("sipgw deployed: " + workers + " routing instance(s), " + listeners.size() + " listener(s)");
      // a shared store holds what this node saved before it restarted; it is seen to in the background
      if (config.store().type().equals(StoreConfig.REDIS)) {
        new NodeRestart(vertx, store, transports.nodeName(), transports.node(), pinger).start();
      }
      Sipgw g = new Sipgw(vertx, transports, store, routing, registrarCfg, transactionCfg, websocketCfg, natCfg,
          deployments, timer, tls, tlsTimer, keepalive);
      g.bans = banCfg;
      g.banStore = sharedBans;
      g.im = imCfg;
      g.messages = messages;
      g.presenceStore = presenceStore;
      g.presence = presenceCfg;
      g.msrp = msrpCfg;
      g.resolver = resolver;
      g.destinations = destinations;
      g.guard = guard;
      g.redis = redisForReadiness;
      g.routingVerticles = List.copyOf(routingVerticles);
      g.capture = HepCapture.create(vertx, transports, config.capture());
      return Future.succeededFuture(g);
    });
  }

  /** With a shared store, says where the other nodes reach this one, and how it was chosen. */
  private static void logNodeAddress(SipgwConfig config, Transports transports) {
    Listener l = transports.nodeListener();
    if (l == null) {
      LOG.warning("store.type redis: no UDP, TCP or TLS listener, so other nodes cannot reach the browsers registered here");
      return;
    }
    String given = config.store().nodeAddress();
    boolean chosen = given == null && config.listen().stream().anyMatch(c -> c.transport() == l.transport() && c.advertiseHost() == null
        && (Hosts.bare(c.host()).equals("0.0.0.0") || Hosts.bare(c.host()).equals("::")));
    LOG.info("store.type redis: this node is " + transports.nodeName() + ": other nodes reach its flows there (" + l.name()
        + (given != null ? ", store.nodeAddress" : "") + ")"
        + (chosen ? "; a wildcard listener without advertise: this is the machine's first non-loopback address,"
            + " set store.nodeAddress (or listen[].advertise) to choose another" : ""));
  }

  private static RoutingSettings routingSettings(SipgwConfig config, Transports transports, LcrTable lcr) {
    return new RoutingSettings(new LocalDomains(config.domains(), transports), config.proxy(), config.media(), config.routes(), lcr);
  }

  /**
   * Builds the table of {@code lcr} (with its rules file) off the event loop and puts it in force, unless
   * a newer reload came meanwhile; a failure keeps the running table, with a WARN line.
   */
  private Future<Void> swapLcr(LcrConfig lcr, long scanPeriod) {
    return LcrTable.load(vertx, lcr, "reload").transform(ar -> {
      if (ar.failed()) {
        LOG.warning("lcr: keeping the running table: " + ar.cause().getMessage());
        if (lcr == lcrConfig) lcrConfig = null; // the next reload tries again
      } else if (lcr == lcrConfig) {
        routing.updateAndGet(s -> s.withLcr(ar.result()));
        watchLcr(lcr, scanPeriod);
      }
      return Future.succeededFuture();
    });
  }

  /**
   * Watches the rules file of {@code lcr} (whose table is now in force) every {@code scanPeriod} ms, as
   * the config file is, and puts each new table in force; stops watching the previous one.
   */
  private synchronized void watchLcr(LcrConfig lcr, long scanPeriod) {
    if (lcrWatch != null) lcrWatch.close();
    lcrWatch = lcr.rulesFile() == null || scanPeriod <= 0 ? null : RulesFileWatch.start(vertx, lcr, scanPeriod, t -> {
      if (lcr == lcrConfig) routing.updateAndGet(s -> s.withLcr(t));
    });
  }

  /** The dispatcher's destination sets: what a {@code dispatch} action selects from (also in {@link RoutingVerticle.Shared#destinations}). */
  public DestinationSets destinationSets() { return destinations; }

  /** The listeners as bound, with the addresses they advertise. */
  public List<Listener> listeners() { return transports.listeners(); }

  /**
   * Applies the settings that can change at run time: domains, proxy, media, routes, LCR, registrar,
   * transaction, NAT, TLS, WebSocket origin settings, dispatcher sets, capture and log. The returned future completes when all of them
   * are in force: at once, or when an LCR table with a rules file, built off the event loop, is.
   */
  public Future<Void> reload(SipgwConfig config) {
    this.config.set(config);
    LogLevels.apply(config.log());
    AdminServer a = admin;
    if (a != null) {
      vertx.executeBlocking(() -> AdminToken.resolve(config.admin(), false), false).onSuccess(a::token)
          .onFailure(e -> LOG.warning("admin: keeping the bearer token in force: " + e.getMessage()));
    }
    LcrConfig lcr = config.lcr();
    boolean lcrChanged = !lcr.equals(lcrConfig);
    // inline rules were parsed on this loop already: their table is built here; a rules file's off the loop
    LcrTable table = lcrChanged && lcr.rulesFile() == null ? LcrTable.of(lcr) : null;
    if (lcrChanged) lcrConfig = lcr;
    if (table != null) watchLcr(lcr, config.reload().scanPeriod());
    RoutingSettings next = routingSettings(config, transports, table);
    routing.updateAndGet(s -> table != null ? next : next.withLcr(s.lcr()));
    registrar.set(config.registrar());
    transaction.set(config.transaction());
    websocket.set(config.websocket());
    nat.set(config.nat());
    auth.set(config.auth());
    bans.set(config.bans());
    im.set(config.im());
    presence.set(config.presence());
    msrp.set(config.msrp());
    destinations.reload(config.dispatcher());
    transports.limits(config.transport().maxMessageSize(), config.transport().maxConnections());
    if (tls != null) tls.reload(config.tls());
    capture.configure(config.capture());
    LOG.info("configuration reloaded: " + config.domains().size() + " domain(s), registrar " + config.registrar());
    return lcrChanged && table == null ? swapLcr(lcr, config.reload().scanPeriod()) : Future.succeededFuture();
  }

  /** This node's metrics: {@link Metrics#scrape} is the text of {@code /metrics}, {@link Metrics#statistics} that of {@code stats.get_statistics}. */
  public Metrics metrics() { return transports.metrics(); }

  /** SIP capture: on/off at run time with {@link HepCapture#enable} (for the admin RPC), counters. */
  public HepCapture capture() { return capture; }

  /** Closes the listeners and undeploys the verticles. */
  public Future<Void> stop() {
    stopping = true;
    AdminServer a = admin;
    admin = null;
    Future<Void> adminClosed = a == null ? Future.succeededFuture() : a.close().recover(e -> Future.succeededFuture());
    return adminClosed.compose(x -> stopSip());
  }

  private Future<Void> stopSip() {
    if (capture != null) capture.close();
    watchLcr(LcrConfig.NONE, 0);
    if (idleTimer >= 0) vertx.cancelTimer(idleTimer);
    if (tlsScanTimer >= 0) vertx.cancelTimer(tlsScanTimer);
    if (wsKeepalive != null) wsKeepalive.stop();
    if (authenticator != null) authenticator.close();
    if (banStore != null) banStore.close();
    if (messages != null) messages.close();
    if (presenceStore != null) presenceStore.close();
    if (resolver != null) resolver.close();
    if (destinations != null) destinations.close();
    List<Future<Void>> undo = new ArrayList<>();
    for (int i = deployments.size() - 1; i >= 0; i--) undo.add(vertx.undeploy(deployments.get(i)));
    return Future.join(undo).transform(x -> transports.close()).transform(x -> store.close()).andThen(x -> transports.metrics().close());
  }

  // ---- what the admin listener (io.sipgw.admin.GatewayMethods) reads and changes ----

  /**
   * Whether this node is ready for traffic: its listeners are bound (it has started and is not
   * stopping) and, with the Redis store, Redis answers a PING. Fails with the reason.
   */
  public Future<Void> readiness() {
    if (stopping) return Future.failedFuture("stopping");
    if (transports.listeners().isEmpty()) return Future.failedFuture("no listener bound");
    if (redis == null) return Future.succeededFuture();
    return redis.ping().recover(e -> Future.failedFuture("Redis (" + redis + ") does not answer: " + e.getMessage()));
  }

  /** The admin listener's port; 0 without one. */
  public int adminPort() {
    AdminServer a = admin;
    return a == null ? 0 : a.port();
  }

  /** The config in force. */
  public SipgwConfig config() { return config.get(); }

  /** When this gateway started, epoch milliseconds. */
  public long startedMillis() { return startedMillis; }

  /** This node's name (as other nodes and the stores know it). */
  public String nodeName() { return transports.nodeName(); }

  /** The location service. */
  public LocationStore locationStore() { return store; }

  /** The source guard, with the bans in force. */
  public SourceGuard sourceGuard() { return guard; }

  /** Open connections per transport. */
  public java.util.Map<String, Integer> connectionCounts() { return transports.connectionCounts(); }

  /** Live presence subscriptions (watchers) in the presence store. */
  public Future<Long> presenceSubscriptionCount() { return presenceStore.countSubscriptions(System.currentTimeMillis()); }

  /** Stored messages (for offline users) in the message store. */
  public Future<Long> storedMessageCount() { return messages.count(); }

  /**
   * The transactions in progress: {"server": n, "client": n, "loops": [{"server", "client"} per routing
   * loop]}, each loop's read on that loop.
   */
  public Future<io.vertx.core.json.JsonObject> transactionCounts() {
    List<Future<int[]>> counts = new ArrayList<>();
    for (RoutingVerticle v : routingVerticles) counts.add(v.transactionCounts());
    return Future.all(counts).map(x -> {
      int server = 0;
      int client = 0;
      io.vertx.core.json.JsonArray loops = new io.vertx.core.json.JsonArray();
      for (Future<int[]> f : counts) {
        server += f.result()[0];
        client += f.result()[1];
        loops.add(new io.vertx.core.json.JsonObject().put("server", f.result()[0]).put("client", f.result()[1]));
      }
      return new io.vertx.core.json.JsonObject().put("server", server).put("client", client).put("loops", loops);
    });
  }

  /** Sets the level of logger {@code name} until the next reload of {@code log.levels}. */
  public void logLevel(String name, java.util.logging.Level level) { LogLevels.set(name, level); }

  /**
   * Reads the config file again and applies it, as the file watcher does: a config that does not
   * validate is refused (the future fails with the message naming the key). Completes with the keys
   * whose change still needs a restart.
   */
  public Future<List<String>> reloadFromFile() {
    String path = configPath;
    if (path == null) return Future.failedFuture(new IllegalStateException("this gateway was not started from a config file"));
    return ConfigLoader.load(vertx, path).compose(next -> {
      List<String> restart = startConfig.restartNeededChanges(next);
      if (!restart.isEmpty()) LOG.warning("config " + path + " reloaded on request: restart needed for " + String.join(", ", restart) + "; applying the rest");
      else LOG.info("config " + path + " reloaded on request");
      return reload(next).map(restart);
    });
  }

  /** The address of record of {@code uri} when it is a user of a local domain (aliases made canonical), else null. */
  private static String localAor(LocalDomains domains, String uri) {
    try {
      SipUri u = SipUri.parse(uri);
      if (u.user() == null || !domains.isLocal(u.host())) return null;
      return Escapes.unescape(u.user()) + "@" + domains.canonical(u.host());
    } catch (SipParseException e) {
      return null;
    }
  }

  /** The relay URI of a listener: {@code msrp://host:port;transport} of its advertised address, {@code msrps} over TLS. */
  private static MsrpUri msrpUri(Listener l, String transport) {
    return new MsrpUri(l.transport().secure(), Hosts.bare(l.sentByHost()), l.sentByPort(), "", transport);
  }
}
