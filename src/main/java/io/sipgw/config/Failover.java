package io.sipgw.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.BitSet;

/**
 * When a request that went to one of several destinations (a dispatcher set, the gateways an LCR rule
 * matched) goes on to the next: {@code {"codes": [408, 503, "5xx"], "timeout": 2000}}. Besides the codes,
 * a transport error always moves on.
 *
 * @param codes the final statuses (300..699) that move on to the next destination, a BitSet indexed by status
 * @param codeText the codes as configured, e.g. {@code [408, 503, "5xx"]}
 * @param timeout ms without any response after which a branch is given up as a 408; 0: the transaction timers only
 */
public record Failover(BitSet codes, JsonArray codeText, int timeout) {
  /** 408 and 503, no timeout of its own. */
  public static final Failover DEFAULT = new Failover(statusCodes("codes", new JsonArray().add(408).add(503)),
      new JsonArray().add(408).add(503), 0);

  /** Whether a final response {@code status} moves on to the next destination. */
  public boolean moveOn(int status) { return status >= 300 && status < 700 && codes.get(status); }

  /** Reads {@code name} of {@code parent}; absent is {@link #DEFAULT}, absent members their default. */
  static Failover read(ConfigObject parent, String name) {
    ConfigObject o = ConfigObject.at(parent, name);
    JsonArray codeText = o.array("codes");
    if (codeText != null && codeText.isEmpty()) throw new ConfigException(o.key("codes"), "must name at least one status, e.g. [408, 503]");
    BitSet codes = statusCodes(o.key("codes"), codeText == null ? DEFAULT.codeText : codeText);
    int timeout = o.integer("timeout", 0, 0, 3_600_000);
    o.rejectUnknownKeys();
    return new Failover(codes, codeText == null ? DEFAULT.codeText.copy() : codeText.copy(), timeout);
  }

  /**
   * The final statuses {@code codeText} lists (300..699, or a class such as {@code "5xx"}), as a BitSet
   * indexed by status; an error names {@code key[i]}.
   */
  static BitSet statusCodes(String key, JsonArray codeText) {
    BitSet codes = new BitSet(700);
    for (int i = 0; i < codeText.size(); i++) {
      Object v = codeText.getValue(i);
      if (v instanceof Number n && n.doubleValue() == n.intValue() && n.intValue() >= 300 && n.intValue() <= 699) {
        codes.set(n.intValue());
      } else if (v instanceof String s && s.length() == 3 && s.charAt(0) >= '3' && s.charAt(0) <= '6' && s.substring(1).equalsIgnoreCase("xx")) {
        int base = (s.charAt(0) - '0') * 100;
        codes.set(base, base + 100);
      } else {
        throw new ConfigException(key + "[" + i + "]", "must be a final status 300..699 or a class such as \"5xx\", got " + ConfigObject.describe(v));
      }
    }
    return codes;
  }

  JsonObject toJson() { return new JsonObject().put("codes", codeText.copy()).put("timeout", timeout); }
}
