package io.sipgw.registrar;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One String per distinct value for what many bindings repeat (a fleet of phones sends one
 * User-Agent), so a binding kept for an hour holds a shared copy instead of its own. Bounded: past
 * {@code max} distinct values a new one is kept as it is.
 */
final class StringPool {
  private final Map<String, String> values = new ConcurrentHashMap<>();
  private final int max;

  StringPool(int max) { this.max = max; }

  /** The pooled copy of {@code s} (null for null). */
  String share(String s) {
    if (s == null) return null;
    String pooled = values.get(s);
    if (pooled != null) return pooled;
    if (values.size() >= max) return s;
    pooled = values.putIfAbsent(s, s);
    return pooled != null ? pooled : s;
  }
}
