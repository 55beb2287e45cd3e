package io.sipgw.config;

import io.vertx.core.json.JsonArray;
import java.util.BitSet;

/** Lists of final statuses in the config: numbers 300..699 and classes such as {@code "5xx"}. */
public final class StatusCodes {
  private StatusCodes() { }

  /** The statuses {@code text} names, a BitSet indexed by status; an error naming {@code key}[i] for a bad one. */
  public static BitSet read(String key, JsonArray text) {
    if (text.isEmpty()) throw new ConfigException(key, "needs at least one status, e.g. [408, 480, 486, \"5xx\"]");
    BitSet codes = new BitSet(700);
    for (int i = 0; i < text.size(); i++) {
      Object v = text.getValue(i);
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
}
