package io.sipgw.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sipgw.sip.Methods;
import io.sipgw.sip.SipMessage;
import io.sipgw.sip.SipParseException;
import io.sipgw.sip.SipRequest;
import io.sipgw.sip.SipResponse;
import io.sipgw.transaction.TransactionTable;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;
import java.util.function.ToIntFunction;

/**
 * The metrics of one node: a Prometheus registry (Micrometer) with the SIP counters, the first-response
 * latency histogram, the gauges of what is in progress, Redis and rtpengine command figures and the JVM's.
 *
 * <p>Thread-safe, and cheap on the hot path: a message is counted in a {@link LongAdder} found by array
 * index (method index × status code), never by building tags and looking a meter up. The counters are
 * handed to the registry as {@link FunctionCounter}s, registered once, when a series is first non-zero
 * (at the next {@link #scrape}), so the cardinality stays what the traffic used of
 * {@value #METHOD_COUNT} methods × 600 codes. {@link #OFF} counts nothing (tests, tools).
 */
public final class Metrics implements AutoCloseable {
  /** The methods counted by name; any other is counted as {@code other}. */
  static final String[] METHODS = {Methods.INVITE, Methods.ACK, Methods.BYE, Methods.CANCEL, Methods.REGISTER, Methods.OPTIONS,
      Methods.PRACK, Methods.SUBSCRIBE, Methods.NOTIFY, Methods.PUBLISH, Methods.INFO, Methods.REFER, Methods.MESSAGE,
      Methods.UPDATE, "other"};
  static final int METHOD_COUNT = 15;
  static final int OTHER = METHOD_COUNT - 1;
  public static final int INVITE = 0;
  public static final int BYE = 2;
  private static final int CODES = 600; // 100..699
  /** The buckets of the latency histogram, in seconds: sub-millisecond steps for a proxy, up to the 32 s of Timer B. */
  private static final Duration[] LATENCY_BUCKETS = {ms(0.1), ms(0.25), ms(0.5), ms(1), ms(2.5), ms(5), ms(10), ms(25), ms(50),
      ms(100), ms(250), ms(500), ms(1000), ms(2500), ms(5000), ms(10_000), ms(32_000)};
  private static final List<String> NG_COMMANDS = List.of("offer", "answer", "delete", "ping", "query", "list");

  /** Counts nothing, exposes nothing: what a component without a node's metrics is given. */
  public static final Metrics OFF = new Metrics(false);

  /** Why a received message was dropped unanswered, or answered without being parsed. */
  public enum Drop {
    /** its source address is banned */
    BANNED("banned"),
    /** a scanner's User-Agent */
    SCANNER("scanner"),
    /** it could not be parsed (answered 400 … when enough of it was readable) */
    UNPARSABLE("unparsable");

    final String label;

    Drop(String label) { this.label = label; }
  }

  private final boolean on;
  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gc;
  private final LongAdder[] requests = new LongAdder[METHOD_COUNT];
  private final AtomicReferenceArray<LongAdder> sent = new AtomicReferenceArray<>(METHOD_COUNT * CODES);
  private final AtomicReferenceArray<LongAdder> received = new AtomicReferenceArray<>(METHOD_COUNT * CODES);
  /** Which cells of {@link #sent} and {@link #received} are registered already (touched by {@link #register} only). */
  private final boolean[] sentRegistered = new boolean[METHOD_COUNT * CODES];
  private final boolean[] receivedRegistered = new boolean[METHOD_COUNT * CODES];
  private final LatencyHistogram firstResponse;
  private final LongAdder[] dropped = new LongAdder[Drop.values().length];
  private final LongAdder dialogsAnswered = new LongAdder();
  private final LongAdder dialogsEnded = new LongAdder();
  private final List<TransactionTable> tables = new CopyOnWriteArrayList<>();
  private final ConcurrentHashMap<String, Timer> redisTimers = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, LongAdder> redisErrors = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Timer> ngTimers = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, LongAdder> ngErrors = new ConcurrentHashMap<>();
  private volatile ToIntFunction<String> connections = t -> 0;
  private volatile List<String> connectionTransports = List.of();
  private volatile IntSupplier bindings;
  private volatile IntSupplier bans = () -> 0;

  private Metrics(boolean on) {
    this.on = on;
    for (int i = 0; i < METHOD_COUNT; i++) requests[i] = new LongAdder();
    for (int i = 0; i < dropped.length; i++) dropped[i] = new LongAdder();
    long[] bounds = new long[LATENCY_BUCKETS.length];
    for (int i = 0; i < bounds.length; i++) bounds[i] = LATENCY_BUCKETS[i].toNanos();
    firstResponse = new LatencyHistogram("sipgw_request_first_response_seconds",
        "from a request's arrival (parsed) to the first response this node sent for it", "method", METHODS, bounds);
    if (!on) {
      registry = null;
      gc = null;
      return;
    }
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.getPrometheusRegistry().register(firstResponse);
    for (int i = 0; i < METHOD_COUNT; i++) {
      FunctionCounter.builder("sipgw.sip.requests", requests[i], LongAdder::sum).tag("method", METHODS[i])
          .description("SIP requests received, by method").register(registry);
    }
    for (Drop d : Drop.values()) {
      FunctionCounter.builder("sipgw.sip.dropped", dropped[d.ordinal()], LongAdder::sum).tag("reason", d.label)
          .description("received messages dropped unhandled: from a banned source, a scanner, unparsable").register(registry);
    }
    Gauge.builder("sipgw.transactions", this, m -> m.transactions(true)).tag("kind", "server")
        .description("server transactions in progress").register(registry);
    Gauge.builder("sipgw.transactions", this, m -> m.transactions(false)).tag("kind", "client")
        .description("client transactions in progress").register(registry);
    FunctionCounter.builder("sipgw.dialogs.answered", dialogsAnswered, LongAdder::sum)
        .description("initial INVITEs answered 2xx").register(registry);
    FunctionCounter.builder("sipgw.dialogs.ended", dialogsEnded, LongAdder::sum)
        .description("BYEs answered 2xx").register(registry);
    Gauge.builder("sipgw.dialogs.active", this, Metrics::activeDialogs)
        .description("calls answered and not yet ended by a BYE (initial INVITEs answered 2xx minus BYEs answered 2xx)").register(registry);
    Gauge.builder("sipgw.bans.active", this, m -> m.bans.getAsInt()).description("source addresses banned now").register(registry);
    new JvmMemoryMetrics().bindTo(registry);
    gc = new JvmGcMetrics();
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  /** A node's metrics, with the JVM's; {@link #close} it when the node stops. */
  public static Metrics create() { return new Metrics(true); }

  /** Whether this counts at all (false for {@link #OFF}). */
  public boolean enabled() { return on; }

  /**
   * The registry; the SIP response series appear in it as they are first seen, at a {@link #scrape}. The
   * first-response histogram is a collector of its Prometheus registry ({@code getPrometheusRegistry()}), not a meter.
   */
  public PrometheusMeterRegistry registry() { return registry; }

  /** The Prometheus text exposition (format 0.0.4) of every series; empty for {@link #OFF}. */
  public String scrape() {
    if (!on) return "";
    register();
    return registry.scrape();
  }

  // ------------------------------------------------------------------ the hot path

  /** The index of a method in the counters ({@value #OTHER}: other). The parser's known methods are shared Strings: compared by reference first. */
  public static int methodIndex(String method) {
    for (int i = 0; i < OTHER; i++) if (METHODS[i] == method) return i;
    if (method == null) return OTHER;
    for (int i = 0; i < OTHER; i++) if (METHODS[i].equals(method)) return i;
    return OTHER;
  }

  /** A message was received and parsed: a request counted by method, a response by its CSeq method and status. */
  public void received(SipMessage m) {
    if (!on) return;
    if (m instanceof SipRequest r) {
      requests[methodIndex(r.method())].increment();
    } else {
      SipResponse resp = (SipResponse) m;
      String method;
      try {
        method = resp.cseq().method();
      } catch (SipParseException e) {
        method = null;
      }
      count(received, methodIndex(method), resp.status());
    }
  }

  /** A received message was dropped unhandled. */
  public void dropped(Drop why) {
    if (on) dropped[why.ordinal()].increment();
  }

  /** A response to a request of method {@code methodIndex} was sent with {@code status} (not a retransmission). */
  public void responseSent(int methodIndex, int status) {
    if (!on) return;
    count(sent, methodIndex, status);
    if (methodIndex == BYE && status >= 200 && status < 300) dialogsEnded.increment();
  }

  /**
   * A response this node built ({@code "SIP/2.0 NNN …"}) to a request of {@code method} was sent
   * statelessly; {@code receivedNanos} ({@link System#nanoTime}, 0: unknown) when the request came in.
   */
  public void responseSent(String method, Buffer response, long receivedNanos) {
    if (!on) return;
    int m = methodIndex(method);
    responseSent(m, statusOf(response));
    if (receivedNanos != 0) firstResponse(m, receivedNanos);
  }

  /** The first response to a request of {@code methodIndex} received at {@code receivedNanos} ({@link System#nanoTime}) went out now. */
  public void firstResponse(int methodIndex, long receivedNanos) {
    if (!on || receivedNanos == 0) return;
    firstResponse.record(methodIndex, System.nanoTime() - receivedNanos);
  }

  /** An initial INVITE was answered 2xx: a call began. */
  public void dialogAnswered() {
    if (on) dialogsAnswered.increment();
  }

  /** The status code of a response's bytes, {@code SIP/2.0 NNN}; 0 when they are not a response. */
  static int statusOf(Buffer b) {
    if (b.length() < 11 || b.getByte(0) != 'S' || b.getByte(7) != ' ') return 0;
    int d0 = b.getByte(8) - '0';
    int d1 = b.getByte(9) - '0';
    int d2 = b.getByte(10) - '0';
    if ((d0 | d1 | d2) < 0 || d0 > 9 || d1 > 9 || d2 > 9) return 0;
    return d0 * 100 + d1 * 10 + d2;
  }

  private static void count(AtomicReferenceArray<LongAdder> cells, int method, int status) {
    if (status < 100 || status > 699) return;
    int i = method * CODES + status - 100;
    LongAdder a = cells.get(i);
    if (a == null) {
      cells.compareAndSet(i, null, new LongAdder());
      a = cells.get(i);
    }
    a.increment();
  }

  // ------------------------------------------------------------------ what is in progress

  /** Counts the transactions of {@code table} (a routing loop's) in {@code sipgw_transactions} until {@link #untrack}. */
  public void track(TransactionTable table) {
    if (on) tables.add(table);
  }

  public void untrack(TransactionTable table) { tables.remove(table); }

  /**
   * The open connections: {@code count} per transport name, for each of {@code transports}
   * (read at each scrape, off the hot path).
   */
  public void connections(List<String> transports, ToIntFunction<String> count) {
    if (!on) return;
    connections = count;
    connectionTransports = List.copyOf(transports);
    for (String t : transports) {
      Gauge.builder("sipgw.connections", this, m -> m.connections.applyAsInt(t)).tag("transport", t)
          .description("open connections (TCP, TLS, WS, WSS)").register(registry);
    }
  }

  /** The location bindings held in memory (read at each scrape); none with a Redis store. */
  public void bindings(IntSupplier count) {
    if (!on) return;
    bindings = count;
    Gauge.builder("sipgw.location.bindings", this, m -> m.bindings.getAsInt())
        .description("registered contacts held by this node's memory location store").register(registry);
  }

  /** The source addresses banned now (read at each scrape). */
  public void bans(IntSupplier count) {
    if (on) bans = count;
  }

  private double transactions(boolean server) {
    long n = 0;
    for (TransactionTable t : tables) n += server ? t.serverCount() : t.clientCount();
    return n;
  }

  private double activeDialogs() { return Math.max(0, dialogsAnswered.sum() - dialogsEnded.sum()); }

  // ------------------------------------------------------------------ Redis and rtpengine

  /** A Redis command ({@code command}: its name) completed after {@code nanos}; {@code error}: null, "reply" or "unavailable". */
  public void redisCommand(String command, long nanos, String error) {
    if (on) command(redisTimers, redisErrors, "sipgw.redis", "Redis command latency",
        "Redis commands failed: unavailable (timeout, no connection) or an error reply", command, nanos, error);
  }

  /** An rtpengine ng command completed after {@code nanos}; {@code error}: null, "unreachable" or "refused". */
  public void rtpengineCommand(String command, long nanos, String error) {
    if (on) command(ngTimers, ngErrors, "sipgw.rtpengine", "rtpengine ng command latency (with retries and failover)",
        "rtpengine ng commands failed: unreachable (no instance answered) or refused (an error reply)",
        command != null && NG_COMMANDS.contains(command) ? command : "other", nanos, error);
  }

  /** Times a command of a client ({@code prefix}.command) and counts its failures ({@code prefix}.errors) by kind. */
  private void command(ConcurrentHashMap<String, Timer> timers, ConcurrentHashMap<String, LongAdder> errors, String prefix,
      String timerHelp, String errorHelp, String command, long nanos, String error) {
    timers.computeIfAbsent(command, c -> Timer.builder(prefix + ".command").tag("command", c).description(timerHelp)
        .serviceLevelObjectives(LATENCY_BUCKETS).register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    if (error == null) return;
    errors.computeIfAbsent(error, e -> {
      LongAdder a = new LongAdder();
      FunctionCounter.builder(prefix + ".errors", a, LongAdder::sum).tag("error", e).description(errorHelp).register(registry);
      return a;
    }).increment();
  }

  // ------------------------------------------------------------------ exposition

  /** Registers the response series that have become non-zero since the last call. */
  private synchronized void register() {
    register(sent, sentRegistered, "sipgw.sip.responses.sent", "SIP responses sent, by request method and status code");
    register(received, receivedRegistered, "sipgw.sip.responses.received", "SIP responses received, by request method and status code");
  }

  private void register(AtomicReferenceArray<LongAdder> cells, boolean[] done, String name, String description) {
    for (int i = 0; i < done.length; i++) {
      if (done[i]) continue;
      LongAdder a = cells.get(i);
      if (a == null) continue;
      FunctionCounter.builder(name, a, LongAdder::sum).tag("method", METHODS[i / CODES])
          .tag("code", Integer.toString(100 + i % CODES)).description(description).register(registry);
      done[i] = true;
    }
  }

  /**
   * The figures of JSON-RPC {@code stats.get_statistics}: requests per method, responses sent and
   * received per method and class, transactions, dialogs, bindings, connections (WebSocket among
   * them), dropped messages and bans.
   */
  public JsonObject statistics() {
    JsonObject req = new JsonObject();
    long total = 0;
    for (int i = 0; i < METHOD_COUNT; i++) {
      long n = requests[i].sum();
      total += n;
      if (n > 0) req.put(METHODS[i], n);
    }
    req.put("total", total);
    JsonObject conns = new JsonObject();
    long ws = 0;
    for (String t : connectionTransports) {
      int n = connections.applyAsInt(t);
      conns.put(t, n);
      if (t.startsWith("WS")) ws += n;
    }
    JsonObject drops = new JsonObject();
    for (Drop d : Drop.values()) drops.put(d.label, dropped[d.ordinal()].sum());
    IntSupplier b = bindings;
    return new JsonObject()
        .put("requests", req)
        .put("responses", new JsonObject().put("sent", classes(sent)).put("received", classes(received)))
        .put("transactions", new JsonObject().put("server", (long) transactions(true)).put("client", (long) transactions(false)))
        .put("dialogs", new JsonObject().put("active", (long) activeDialogs()).put("answered", dialogsAnswered.sum())
            .put("ended", dialogsEnded.sum()))
        .put("bindings", b == null ? null : b.getAsInt())
        .put("connections", conns)
        .put("websocket", ws)
        .put("dropped", drops)
        .put("banned", bans.getAsInt());
  }

  /** Per method, per class ("1xx" … "6xx"), the non-zero counts, and the total per class. */
  private static JsonObject classes(AtomicReferenceArray<LongAdder> cells) {
    JsonObject out = new JsonObject();
    long[] all = new long[6];
    for (int m = 0; m < METHOD_COUNT; m++) {
      long[] byClass = new long[6];
      boolean any = false;
      for (int c = 0; c < CODES; c++) {
        LongAdder a = cells.get(m * CODES + c);
        if (a == null) continue;
        long n = a.sum();
        byClass[c / 100] += n;
        all[c / 100] += n;
        any |= n > 0;
      }
      if (any) out.put(METHODS[m], classJson(byClass));
    }
    out.put("total", classJson(all));
    return out;
  }

  private static JsonObject classJson(long[] byClass) {
    JsonObject o = new JsonObject();
    for (int k = 0; k < 6; k++) o.put((k + 1) + "xx", byClass[k]);
    return o;
  }

  /** Stops the JVM binders that hold listeners and closes the registry. */
  @Override
  public void close() {
    if (!on) return;
    gc.close();
    registry.close();
  }

  private static Duration ms(double millis) { return Duration.ofNanos((long) (millis * 1_000_000)); }
}
