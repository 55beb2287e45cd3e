package io.sipgw.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.BitSet;

/**
 * When a request sent to one destination (of a dispatcher set, an LCR route) goes on to the next,
 * inside the same server transaction: on a transport error always, and on a final response whose
 * status is one of {@code codes}, or after {@code timeout} ms without any response (as a 408).
 * Read from {@code {"codes": [408, 503, "5xx"], "timeout": 0}}.
 *
 * @param codes the final statuses that move on (300..699), a BitSet indexed by status
 * @param codeText the codes as configured, e.g. {@code [408, 503, "5xx"]}
 * @param timeout ms without any response before a branch is given up as 408; 0: the transaction timers only
 */
public record Failover(BitSet codes, JsonArray codeText, int timeout) {
  public static final int MAX_TIMEOUT = 300_000;

  /** The default: on 408 and 503, no timeout of its own. */
  public static Failover defaults() {
    BitSet codes = new BitSet(700);
    codes.set(408);
    codes.set(503);
    return new Failover(codes, new JsonArray().add(408).add(503), 0);
  }

  /** Whether a final response with {@code status} moves the request on to the next destination. */
  public boolean failsOver(int status) { return status >= 300 && status < 700 && codes.get(status); }

  /** Reads {@code o} (absent keys take the defaults); errors name the key, e.g. {@code dispatcher.sets[0].failover.codes[1]}. */
  static Failover read(ConfigObject o) {
    JsonArray text = o.array("codes");
    if (text != null && text.isEmpty()) throw new ConfigException(o.key("codes"), "must not be empty: the final statuses to fail over on, e.g. [408, 503]");
    BitSet codes = codes(o, "codes");
    int timeout = o.integer("timeout", 0, 0, MAX_TIMEOUT);
    o.rejectUnknownKeys();
    Failover d = defaults();
    return new Failover(codes == null ? d.codes() : codes, text == null ? d.codeText() : text.copy(), timeout);
  }

  /**
   * The statuses listed at {@code name} of {@code o}: each a final status 300..699 or a class such as
   * {@code "5xx"}; null when the key is absent. An element of another kind is an error naming it.
   */
  static BitSet codes(ConfigObject o, String name) {
    JsonArray text = o.array(name);
    if (text == null) return null;
    BitSet codes = new BitSet(700);
    for (int i = 0; i < text.size(); i++) {
      Object v = text.getValue(i);
      if (v instanceof Number n && n.doubleValue() == n.intValue() && n.intValue() >= 300 && n.intValue() <= 699) {
        codes.set(n.intValue());
      } else if (v instanceof String s && s.length() == 3 && s.charAt(0) >= '3' && s.charAt(0) <= '6' && s.substring(1).equalsIgnoreCase("xx")) {
        int base = (s.charAt(0) - '0') * 100;
        codes.set(base, base + 100);
      } else {
        throw new ConfigException(o.key(name) + "[" + i + "]", "must be a final status 300..699 or a class such as \"5xx\", got " + ConfigObject.describe(v));
      }
    }
    return codes;
  }

  JsonObject toJson() { return new JsonObject().put("codes", codeText.copy()).put("timeout", timeout); }
}
