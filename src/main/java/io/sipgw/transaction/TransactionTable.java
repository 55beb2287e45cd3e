package io.sipgw.transaction;

import io.sipgw.config.TransactionConfig;
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
 * loop, so no lock is needed. Server transactions are bounded: the node's
 * {@code transaction.maxTransactions} is shared evenly between the loops' tables.
 */
public final class TransactionTable {
  private final Map<String, ServerTransaction> servers = new HashMap<>();
  private final Map<String, ClientTransaction> clients = new HashMap<>();
  private final Scheduler scheduler;
  private final Supplier<TransactionConfig> config;
  private final int tables;

  /**
   * @param tables how many tables share the node's cap (the number of routing loops)
   */
  public TransactionTable(Scheduler scheduler, Supplier<TransactionConfig> config, int tables) {
    this.scheduler = scheduler;
    this.config = config;
    this.tables = Math.max(1, tables);
  }

  public Scheduler scheduler() { return scheduler; }

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
  public boolean full(boolean inDialog) {
    int share = Math.max(1, config.get().maxTransactions() / tables);
    return servers.size() >= (inDialog ? share + share / 10 + 1 : share);
  }

  /** Creates and starts a server transaction for {@code request} (an INVITE one sends 100 Trying). */
  public ServerTransaction newServer(String key, SipRequest request, boolean reliable, Wire wire) {
    if (request.isMethod(Methods.INVITE)) {
      InviteServerTransaction t = new InviteServerTransaction(this, key, request, reliable, wire);
      servers.put(key, t);
      t.start();
      return t;
    }
    NonInviteServerTransaction t = new NonInviteServerTransaction(this, key, request, reliable, wire);
    servers.put(key, t);
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

  void remove(ServerTransaction t) { servers.remove(t.key, t); }

  void remove(ClientTransaction t) { clients.remove(t.key, t); }
}
