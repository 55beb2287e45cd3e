package io.sipgw.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.BitSet;

/**
 * When a request sent to one of several destinations in turn goes on to the next (Kamailio's
 * dispatcher and lcr failover): on a final status in {@code codes}, a transport error (counted as
 * 503) or a timeout (408); {@code timeout} ms without any response gives the destination up as 408
 * (0: only the transaction's own timers).
 *
 * @param codes the statuses that fail over, a BitSet indexed by status
 * @param codeText the codes as configured, e.g. {@code [408, 503, "6xx"]}
 */
public record Failover(BitSet codes, JsonArray codeText, int timeout) {
  /** 408 and 503, no timeout of its own. */
  public static final Failover DEFAULT = new Failover(codes(408, 503), new JsonArray().add(408).add(503), 0);

  /** Whether a destination that ended with {@code status} is followed by the next one. */
  public boolean failsOver(int status) { return status >= 300 && status < 700 && codes.get(status); }

  /** Reads {@code {"codes": [...], "timeout": ms}} at {@code key}; absent ({@code null}) is {@link #DEFAULT}. */
  public static Failover parse(String key, Object value) {
    if (value == null) return DEFAULT;
    if (!(value instanceof JsonObject json)) throw new ConfigException(key, "must be an object like {\"codes\": [408, 503], \"timeout\": 2000}");
    ConfigObject o = new ConfigObject(key, json);
    JsonArray text = o.array("codes");
    BitSet codes = text == null ? DEFAULT.codes : StatusCodes.read(o.key("codes"), text);
    int timeout = o.integer("timeout", 0, 0, 3_600_000);
    o.rejectUnknownKeys();
    return new Failover(codes, text == null ? DEFAULT.codeText.copy() : text.copy(), timeout);
  }

  public JsonObject toJson() { return new JsonObject().put("codes", codeText.copy()).put("timeout", timeout); }

  private static BitSet codes(int... statuses) {
    BitSet b = new BitSet(700);
    for (int s : statuses) b.set(s);
    return b;
  }
}
