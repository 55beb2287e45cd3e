package io.sipgw.transaction;

import io.sipgw.config.BanConfig;
import io.sipgw.config.TransactionConfig;
import io.sipgw.metrics.Metrics;
import io.sipgw.sip.Methods;
import io.sipgw.sip.SipParseException;
import io.sipgw.sip.SipRequest;
import io.sipgw.sip.SipResponse;
import io.vertx.core.buffer.Buffer;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The transactions of one event loop, in plain maps: every message of a Call-ID is handled on one
 * loop, so no lock is needed. Server transactions are bounded, in all and per source address: the
 * node's {@code transaction.maxTransactions} and {@code bans.maxTransactions} are shared evenly between
 * the loops' tables (a source's requests spread over the loops by Call-ID).
 */
public final class TransactionTable {
  private final Map<String, ServerTransaction> servers = new HashMap<>();
  private final Map<String, ClientTransaction> clients = new HashMap<>();
  /** Open server transactions per source address, only for sources that have one. */
  private final Map<String, SourceLoad> bySource = new HashMap<>();
  private final Scheduler scheduler;
  private final Supplier<TransactionConfig> config;
  private final Supplier<BanConfig> bans;
  private final int tables;
  /** Where the server transactions count their responses ({@link Metrics#OFF}: nowhere). */
  private final Metrics metrics;

  /** The open server transactions of one source address on this loop. */
  private static final class SourceLoad {
    int open;
    /** The settings {@link #exempt} was worked out for: the address is matched against the CIDRs once per version. */
    BanConfig seen;
    boolean exempt;
  }

  /** With the default per-source limit. */
  public TransactionTable(Scheduler scheduler, Supplier<TransactionConfig> config, int tables) {
    this(scheduler, config, () -> BanConfig.DEFAULTS, tables);
  }

  /**
   * @param bans where {@code bans.maxTransactions} and the exempt addresses are read, at every check
   * @param tables how many tables share the node's caps (the number of routing loops)
   */
  public TransactionTable(Scheduler scheduler, Supplier<TransactionConfig> config, Supplier<BanConfig> bans, int tables) {
    this(scheduler, config, bans, tables, Metrics.OFF);
  }

  /** As {@link #TransactionTable(Scheduler, Supplier, Supplier, int)}, counting the responses sent in {@code metrics}. */
  public TransactionTable(Scheduler scheduler, Supplier<TransactionConfig> config, Supplier<BanConfig> bans, int tables, Metrics metrics) {
    this.metrics = metrics;
    this.scheduler = scheduler;
    this.config = config;
    this.bans = bans;
    this.tables = Math.max(1, tables);
  }

  public Scheduler scheduler() { return scheduler; }

  /** Where the responses sent are counted. */
  public Metrics metrics() { return metrics; }

  public TransactionConfig timing() { return config.get(); }

  /** The server transaction with this key ({@link TransactionKey#server}), or null. */
  public ServerTransaction server(String key) { return servers.get(key); }

  /** Whether a new server transaction would pass this table's share of the cap. */
  public boolean full() { return full(false); }

  /**
   * Whether a new server transaction would pass this table's share of the cap; a request of a
   * dialog in progress ({@code inDialog}: a BYE, a re-INVITE) has a tenth more room, so that calls
   * can still end while new ones are refused.
   */
  public boolean full(boolean inDialog) { return servers.size() >= share(config.get().maxTransactions(), inDialog); }

  /**
   * Whether {@code source} already has its share of {@code bans.maxTransactions} open on this loop,
   * with the same tenth more room for {@code inDialog} requests; never for an exempt address.
   */
  public boolean fullFor(String source, boolean inDialog) {
    SourceLoad load = bySource.get(source);
    if (load == null) return false;
    BanConfig cfg = bans.get();
    if (cfg.maxTransactions() == 0 || load.open < share(cfg.maxTransactions(), inDialog)) return false;
    if (load.seen != cfg) {
      load.seen = cfg;
      load.exempt = cfg.exempts(source);
    }
    return !load.exempt;
  }

  private int share(int max, boolean inDialog) {
    int share = Math.max(1, max / tables);
    return inDialog ? share + share / 10 + 1 : share;
  }

  /** The server transactions open for requests from {@code source} on this loop. */
  public int serverCount(String source) {
    SourceLoad load = bySource.get(source);
    return load == null ? 0 : load.open;
  }

  /**
   * Creates and starts a server transaction for {@code request} received from the address
   * {@code source} (an INVITE one sends 100 Trying).
   */
  public ServerTransaction newServer(String key, SipRequest request, String source, boolean reliable, Wire wire) {
    return newServer(key, request, source, reliable, wire, true);
  }

  /**
   * As {@link #newServer(String, SipRequest, String, boolean, Wire)}; with {@code trying} false an
   * INVITE's 100 Trying waits for {@link InviteServerTransaction#trying}: the transaction user sends it
   * once it has seen the request (the route rules may drop it, and then nothing at all goes out).
   */
  public ServerTransaction newServer(String key, SipRequest request, String source, boolean reliable, Wire wire, boolean trying) {
    return newServer(key, request, source, reliable, wire, trying, 0);
  }

  /**
   * As {@link #newServer(String, SipRequest, String, boolean, Wire, boolean)}, for a request received
   * at {@code receivedNanos} ({@link System#nanoTime}; 0: unknown), where the latency of its first response is counted from.
   */
  public ServerTransaction newServer(String key, SipRequest request, String source, boolean reliable, Wire wire, boolean trying,
      long receivedNanos) {
    ServerTransaction t = request.isMethod(Methods.INVITE)
        ? new InviteServerTransaction(this, key, request, source, reliable, wire, receivedNanos)
        : new NonInviteServerTransaction(this, key, request, source, reliable, wire, receivedNanos);
    servers.put(key, t);
    bySource.computeIfAbsent(source, s -> new SourceLoad()).open++;
    if (trying && t instanceof InviteServerTransaction invite) invite.trying();
    return t;
  }

  /**
   * Creates a client transaction for {@code request}, a {@code method} with our {@code branch};
   * {@link ClientTransaction#start} sends it (apart, so the caller knows the transaction before any
   * callback can name it).
   */
  public ClientTransaction newClient(String method, String branch, Buffer request, String callId, boolean reliable, Wire wire,
      ClientTransaction.User user) {
    String key = TransactionKey.client(branch, method);
    ClientTransaction t = method.equals(Methods.INVITE)
        ? new InviteClientTransaction(this, key, branch, request, callId, reliable, wire, user)
        : new NonInviteClientTransaction(this, key, branch, request, callId, reliable, wire, user);
    clients.put(key, t);
    return t;
  }

  /**
   * Hands a response to the client transaction it matches (§17.1.3). Returns false when none
   * matches: the proxy then forwards it statelessly by its Via (§16.7 step 1, §16.11).
   */
  public boolean receive(SipResponse response) throws SipParseException {
    String key = TransactionKey.client(response);
    ClientTransaction t = key == null ? null : clients.get(key);
    if (t == null) return false;
    t.receive(response);
    return true;
  }

  /** A retransmitted request: its transaction answers it; returns false when it matches none. */
  public boolean retransmission(String key) {
    ServerTransaction t = servers.get(key);
    if (t == null) return false;
    t.retransmission();
    return true;
  }

  public int serverCount() { return servers.size(); }

  public int clientCount() { return clients.size(); }

  void remove(ServerTransaction t) {
    if (!servers.remove(t.key, t)) return;
    SourceLoad load = bySource.get(t.source);
    if (load != null && --load.open == 0) bySource.remove(t.source);
  }

  void remove(ClientTransaction t) { clients.remove(t.key, t); }
}
