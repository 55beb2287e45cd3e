package io.sipgw.config;

import io.vertx.core.json.JsonObject;

/**
 * The transaction layer's timers (RFC 3261 §17, Table 4) and its bound on memory.
 *
 * @param t1 round-trip estimate in ms (RFC default 500)
 * @param t2 longest retransmit interval for non-INVITE requests and INVITE responses, ms (4000)
 * @param t4 longest time a message stays in the network, ms (5000)
 * @param maxTransactions the most server transactions a node keeps; above it new requests get 503
 * @param retryAfter the Retry-After, in seconds, of that 503
 * @param maxQueueDelay ms a new INVITE may have waited for its routing loop before it is refused with
 *     that 503 (the loop is overloaded: new calls are shed, calls in progress go on); 0 = never
 */
public record TransactionConfig(int t1, int t2, int t4, int maxTransactions, int retryAfter, int maxQueueDelay) {
  public static final int DEFAULT_T1 = 500;
  public static final int DEFAULT_T2 = 4000;
  public static final int DEFAULT_T4 = 5000;
  /** Room for about 10,000 calls/s: a transaction lingers 64*T1 = 32 s after its final response. */
  public static final int DEFAULT_MAX_TRANSACTIONS = 1_000_000;
  public static final int DEFAULT_RETRY_AFTER = 5;
  /** Below T1: an INVITE that waited longer has been (or is about to be) retransmitted by its sender. */
  public static final int DEFAULT_MAX_QUEUE_DELAY = 200;

  public static TransactionConfig defaults() {
    return new TransactionConfig(DEFAULT_T1, DEFAULT_T2, DEFAULT_T4, DEFAULT_MAX_TRANSACTIONS, DEFAULT_RETRY_AFTER,
        DEFAULT_MAX_QUEUE_DELAY);
  }

  /** 64*T1: Timers B, F, H, J, L and M. */
  public long timeout() { return 64L * t1; }

  static TransactionConfig read(ConfigObject o) {
    int t1 = o.integer("t1", DEFAULT_T1, 10, 60_000);
    int t2 = o.integer("t2", DEFAULT_T2, 10, 600_000);
    int t4 = o.integer("t4", DEFAULT_T4, 10, 600_000);
    if (t2 < t1) throw new ConfigException(o.key("t2"), "must not be less than t1 (" + t1 + "), got " + t2);
    int max = o.integer("maxTransactions", DEFAULT_MAX_TRANSACTIONS, 1, 100_000_000);
    int retry = o.integer("retryAfter", DEFAULT_RETRY_AFTER, 1, 3600);
    int delay = o.integer("maxQueueDelay", DEFAULT_MAX_QUEUE_DELAY, 0, 60_000);
    o.rejectUnknownKeys();
    return new TransactionConfig(t1, t2, t4, max, retry, delay);
  }

  JsonObject toJson() {
    return new JsonObject().put("t1", t1).put("t2", t2).put("t4", t4).put("maxTransactions", maxTransactions).put("retryAfter", retryAfter)
        .put("maxQueueDelay", maxQueueDelay);
  }
}
