package io.sipgw.admin;

import io.sipgw.Sipgw;
import io.sipgw.capture.HepCapture;
import io.sipgw.config.ConfigException;
import io.sipgw.config.ConfigFileException;
import io.sipgw.sip.SipParseException;
import io.sipgw.sip.SipUri;
import io.sipgw.sip.Transport;
import io.sipgw.store.Binding;
import io.sipgw.store.BindingChange;
import io.sipgw.transport.Listener;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;

/**
 * The RPC methods of a running gateway, named as Kamailio operators know them: core.*, ul.*
 * (usrloc), dispatcher.*, htable.* and bans.* (the ban list), tm.stats, cfg.reload, log.set_level,
 * stats.get_statistics, msilo.stats. None blocks: each reads what it needs through futures.
 */
public final class GatewayMethods {
  /** ul.dump lists at most this many AORs unless asked for fewer. */
  static final int DUMP_DEFAULT = 1000;
  static final int DUMP_MAX = 10_000;
  /** The name htable.dump knows the ban list by. */
  static final String BANS_TABLE = "bans";

  private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger("sipgw.admin");
  private final Sipgw g;

  private GatewayMethods(Sipgw g) { this.g = g; }

  /** Registers the gateway's methods on {@code methods}; returns it. */
  public static RpcMethods register(Sipgw gateway, RpcMethods methods) {
    GatewayMethods m = new GatewayMethods(gateway);
    RecentErrors.install();
    methods.register("core.version", "the version of sipgw", p -> Future.succeededFuture(version()))
        .register("core.uptime", "when this node started and for how many seconds it has run", p -> Future.succeededFuture(m.uptime()))
        .register("core.info", "version, node, listeners, store, workers, process, lastErrors (the last warnings and errors logged)", p -> Future.succeededFuture(m.info()))
        .register("ul.dump", "([limit]) the registered AORs with their contacts (at most limit, default " + DUMP_DEFAULT + ")", m::dump)
        .register("ul.lookup", "(aor) the contacts of an AOR", m::lookup)
        .register("ul.rm", "(aor[, contact]) removes an AOR's contacts, or one of them", m::remove)
        .register("ul.add", "(aor, contact, expires[, q]) adds a contact to an AOR", m::add)
        .register("dispatcher.list", "the dispatcher's sets and their destinations (up or down, calls)",
            p -> Future.succeededFuture(gateway.destinationSets().status()))
        .register("dispatcher.set_state", "(set, uri, up|down) marks a destination up or down", m::setState)
        .register("htable.dump", "([table]) the table \"" + BANS_TABLE + "\": the bans in force", m::dumpBans)
        .register("bans.rm", "(address) lifts the ban of an address", p -> m.unban(p, 0, "address"))
        .register("htable.delete", "(table, key) as bans.rm, for the table \"" + BANS_TABLE + "\"", m::htableDelete)
        .register("tm.stats", "transactions in progress: server, client, per routing loop", p -> gateway.transactionCounts())
        .register("cfg.reload", "reads the config file again and applies it; says which changes need a restart", m::reload)
        .register("log.set_level", "(logger, level) sets a logger's level (e.g. sipgw.proxy FINE) until the next reload", m::logLevel)
        .register("siptrace.status", "([on|off|check]) SIP capture to the HEP collector (capture.hep) on or off until the next reload", m::siptrace)
        .register("stats.get_statistics", "([group]) counters: registrar, transport, tm, bans, msilo", m::statistics)
        .register("presence.stats", "live presence subscriptions (watchers)",
            p -> gateway.presenceSubscriptionCount().map(n -> new JsonObject().put("watchers", n)))
        .register("msilo.stats", "messages kept for offline users", p -> gateway.storedMessageCount().map(n -> new JsonObject().put("stored", n)));
    return methods;
  }

  /** "sipgw VERSION", the version from the jar's manifest ("dev" when run from classes). */
  static String version() {
    String v = Sipgw.class.getPackage().getImplementationVersion();
    return "sipgw " + (v != null ? v : "dev");
  }

  private JsonObject uptime() {
    long now = System.currentTimeMillis();
    return new JsonObject().put("now", Instant.ofEpochMilli(now).toString()).put("up_since", Instant.ofEpochMilli(g.startedMillis()).toString())
        .put("uptime", (now - g.startedMillis()) / 1000);
  }

  private JsonObject info() {
    JsonArray listeners = new JsonArray();
    for (Listener l : g.listeners()) listeners.add(l.name());
    return new JsonObject().put("version", version()).put("node", g.nodeName()).put("pid", ProcessHandle.current().pid())
        .put("java", Runtime.version().toString()).put("listeners", listeners).put("store", g.config().store().type())
        .put("workers", g.config().workers()).put("uptime", (System.currentTimeMillis() - g.startedMillis()) / 1000)
        .put("admin", new JsonObject().put("host", g.config().admin().host()).put("port", g.adminPort()))
        .put("lastErrors", RecentErrors.install().json());
  }

  private Future<?> dump(RpcParams p) {
    p.atMost("limit");
    int limit = (int) p.integer(0, "limit", DUMP_DEFAULT, 1, DUMP_MAX);
    return g.locationStore().registeredAors(limit).compose(aors -> {
      List<Future<JsonObject>> each = new ArrayList<>(aors.size());
      for (String aor : aors) each.add(g.locationStore().lookup(aor).map(r -> new JsonObject().put("aor", aor).put("contacts", contacts(r.bindings()))));
      return Future.all(each).map(x -> {
        JsonArray out = new JsonArray();
        for (Future<JsonObject> f : each) if (!f.result().getJsonArray("contacts").isEmpty()) out.add(f.result());
        return new JsonObject().put("aors", out).put("count", out.size()).put("limit", limit).put("truncated", aors.size() >= limit);
      });
    });
  }

  private Future<?> lookup(RpcParams p) {
    p.atMost("aor");
    String aor = aor(p.string(0, "aor"));
    return g.locationStore().lookup(aor).map(r -> {
      if (r.bindings().isEmpty()) throw RpcException.failed("AOR not found: " + aor);
      return new JsonObject().put("aor", aor).put("contacts", contacts(r.bindings()));
    });
  }

  private Future<?> remove(RpcParams p) {
    p.atMost("aor", "contact");
    String aor = aor(p.string(0, "aor"));
    String contact = p.optionalString(1, "contact");
    return g.locationStore().update(aor, current -> {
      List<Binding> left = new ArrayList<>(current);
      left.removeIf(b -> contact == null || b.contact().equals(contact) || sameUri(b.contact(), contact));
      int removed = current.size() - left.size();
      return removed == 0 ? BindingChange.unchanged(0) : new BindingChange<>(left, removed);
    }).map(n -> {
      if (n == 0) throw RpcException.failed(contact == null ? "AOR not found: " + aor : "AOR " + aor + " has no contact " + contact);
      LOG.info("ul.rm: " + n + " contact(s) of " + aor + " removed by an operator");
      return new JsonObject().put("aor", aor).put("removed", n);
    });
  }

  private Future<?> add(RpcParams p) {
    p.atMost("aor", "contact", "expires", "q");
    String aor = aor(p.string(0, "aor"));
    String contactText = p.string(1, "contact");
    long expires = p.integer(2, "expires", -1, 1, 10L * 365 * 86_400);
    float q = (float) p.number(3, "q", 1.0, 0.0, 1.0);
    SipUri contact;
    try {
      contact = SipUri.parse(contactText);
    } catch (SipParseException e) {
      throw RpcException.invalidParams("param contact (#2) is not a SIP URI: " + e.reason());
    }
    if (!contact.isSip()) throw RpcException.invalidParams("param contact (#2) must be a sip: or sips: URI");
    Transport t = contact.transport() != null ? contact.transport() : contact.isSecure() ? Transport.TLS : Transport.UDP;
    int port = contact.port() > 0 ? contact.port() : contact.isSecure() ? 5061 : 5060;
    long now = System.currentTimeMillis();
    Binding b = new Binding(aor, contact.toString(), now + expires * 1000, q, "ul.add-" + UUID.randomUUID(), 1,
        new Binding.Source(t.name().toLowerCase(Locale.ROOT), null, contact.host(), port, 0), List.of(), null, 0, "sipgw ul.add");
    return g.locationStore().update(aor, current -> {
      List<Binding> next = new ArrayList<>(current);
      next.removeIf(x -> x.key().equals(b.key()));
      next.add(b);
      return new BindingChange<>(next, next.size());
    }).map(n -> {
      LOG.info("ul.add: " + b.contact() + " bound to " + aor + " for " + expires + " s by an operator");
      return n;
    }).map(n -> new JsonObject().put("aor", aor).put("contact", b.contact()).put("expires", expires).put("contacts", n));
  }

  private Future<?> setState(RpcParams p) {
    p.atMost("set", "uri", "state");
    String set = p.string(0, "set");
    String uri = p.string(1, "uri");
    String state = p.string(2, "state").toLowerCase(Locale.ROOT);
    boolean up = switch (state) {
      case "up", "active", "a" -> true;
      case "down", "inactive", "i" -> false;
      default -> throw RpcException.invalidParams("param state (#3) must be up or down, got " + state);
    };
    try {
      boolean changed = g.destinationSets().setState(set, uri, up);
      LOG.info("dispatcher: " + uri + " of set " + set + " marked " + (up ? "up" : "down") + " by an operator" + (changed ? "" : " (it was already)"));
      return Future.succeededFuture(new JsonObject().put("set", set).put("uri", uri).put("state", up ? "up" : "down").put("changed", changed));
    } catch (IllegalArgumentException e) {
      throw RpcException.failed(e.getMessage());
    }
  }

  private Future<?> dumpBans(RpcParams p) {
    p.atMost("table");
    String table = p.optionalString(0, "table");
    if (table != null && !table.equals(BANS_TABLE)) throw RpcException.failed("no table named " + table + " (tables: " + BANS_TABLE + ")");
    return Future.succeededFuture(bans());
  }

  private JsonArray bans() {
    long now = System.currentTimeMillis();
    JsonArray out = new JsonArray();
    for (Map.Entry<String, Long> e : g.sourceGuard().bans().entrySet()) {
      out.add(new JsonObject().put("address", e.getKey()).put("until", Instant.ofEpochMilli(e.getValue()).toString())
          .put("remaining", (e.getValue() - now + 999) / 1000));
    }
    return out;
  }

  private Future<?> htableDelete(RpcParams p) {
    p.atMost("table", "key");
    String table = p.string(0, "table");
    if (!table.equals(BANS_TABLE)) throw RpcException.failed("no table named " + table + " (tables: " + BANS_TABLE + ")");
    return unban(p, 1, "key");
  }

  private Future<?> unban(RpcParams p, int index, String name) {
    if (index == 0) p.atMost(name);
    String address = p.string(index, name);
    boolean was = g.sourceGuard().unban(address);
    if (!was) throw RpcException.failed("not banned: " + address);
    return Future.succeededFuture(new JsonObject().put("address", address).put("removed", true));
  }

  private Future<?> reload(RpcParams p) {
    p.atMost();
    return g.reloadFromFile().transform(ar -> {
      if (ar.succeeded()) return Future.succeededFuture(new JsonObject().put("reloaded", true).put("restartNeeded", new JsonArray(ar.result())));
      Throwable e = ar.cause();
      String why = e instanceof ConfigException || e instanceof ConfigFileException || e instanceof IllegalStateException
          ? e.getMessage() : e.toString();
      return Future.failedFuture(RpcException.failed("config reload refused, keeping the running config: " + why));
    });
  }

  private Future<?> logLevel(RpcParams p) {
    p.atMost("logger", "level");
    String logger = p.string(0, "logger");
    String text = p.string(1, "level");
    Level level;
    try {
      level = Level.parse(text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw RpcException.invalidParams("param level (#2) must be SEVERE, WARNING, INFO, FINE, FINER, FINEST, ALL or OFF, got " + text);
    }
    g.logLevel(logger, level);
    return Future.succeededFuture(new JsonObject().put("logger", logger).put("level", level.getName()));
  }

  /** Kamailio's siptrace.status: capture on or off at run time, or only its state ("check", the default). */
  private Future<?> siptrace(RpcParams p) {
    p.atMost("state");
    String state = p.size() == 0 ? "check" : p.string(0, "state").toLowerCase(Locale.ROOT);
    HepCapture c = g.capture();
    switch (state) {
      case "on" -> c.enable(true); // logs the change, with the collector
      case "off" -> c.enable(false);
      case "check" -> { }
      default -> throw RpcException.invalidParams("param state (#1) must be on, off or check, got " + state);
    }
    return Future.succeededFuture(new JsonObject().put("enabled", c.enabled()).put("sent", c.sentPackets()).put("dropped", c.droppedPackets()));
  }

  private Future<?> statistics(RpcParams p) {
    p.atMost("group");
    String group = p.optionalString(0, "group");
    return Statistics.of(g).map(all -> {
      if (group == null || group.equals("all")) return all;
      String name = group.endsWith(":") ? group.substring(0, group.length() - 1) : group;
      if (!all.containsKey(name)) throw RpcException.failed("no statistics group " + name + " (groups: " + String.join(", ", all.fieldNames()) + ")");
      return new JsonObject().put(name, all.getValue(name));
    });
  }

  /** The AOR key of {@code text}: user@domain, from a sip: URI or as given. */
  static String aor(String text) {
    String t = text.trim();
    if (t.regionMatches(true, 0, "sip:", 0, 4) || t.regionMatches(true, 0, "sips:", 0, 5)) {
      try {
        return SipUri.parse(t).aor();
      } catch (SipParseException e) {
        throw RpcException.invalidParams("param aor (#1) is not a SIP URI: " + e.reason());
      }
    }
    int at = t.lastIndexOf('@');
    if (at <= 0 || at == t.length() - 1) throw RpcException.invalidParams("param aor (#1) must be user@domain or a sip: URI, got " + text);
    return t.substring(0, at) + "@" + t.substring(at + 1).toLowerCase(Locale.ROOT);
  }

  private static boolean sameUri(String a, String b) {
    try {
      return SipUri.parse(a).equals(SipUri.parse(b));
    } catch (SipParseException e) {
      return false;
    }
  }

  static JsonArray contacts(List<Binding> bindings) {
    long now = System.currentTimeMillis();
    JsonArray out = new JsonArray();
    for (Binding b : bindings) {
      JsonObject c = new JsonObject().put("contact", b.contact()).put("expires", b.remainingSeconds(now)).put("q", (double) b.q())
          .put("callId", b.callId()).put("cseq", b.cseq());
      Binding.Source s = b.source();
      if (s != null) {
        c.put("transport", s.transport()).put("source", (s.host().indexOf(':') >= 0 ? "[" + s.host() + "]" : s.host()) + ":" + s.port());
        if (s.node() != null) c.put("node", s.nodeName());
      }
      if (!b.path().isEmpty()) c.put("path", new JsonArray(b.path()));
      if (b.instanceId() != null) c.put("instance", b.instanceId()).put("regId", b.regId());
      if (b.userAgent() != null) c.put("userAgent", b.userAgent());
      out.add(c);
    }
    return out;
  }
}
