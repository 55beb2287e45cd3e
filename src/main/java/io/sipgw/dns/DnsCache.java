package io.sipgw.dns;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * DNS answers by (type, name) for as long as their TTL says: thread-safe (one cache serves every
 * routing event loop; each call holds the lock for a map operation only), bounded (past {@code
 * maxEntries} the least recently used answer goes). An empty list is a negative answer (NXDOMAIN or
 * no record of the type, RFC 2308).
 */
final class DnsCache {
  private final int maxEntries;
  private final LongSupplier nanoClock;
  private final LinkedHashMap<String, Entry> entries;

  private record Entry(List<?> records, long expiresAt) { }

  DnsCache(int maxEntries) { this(maxEntries, System::nanoTime); }

  DnsCache(int maxEntries, LongSupplier nanoClock) {
    this.maxEntries = maxEntries;
    this.nanoClock = nanoClock;
    this.entries = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) { return size() > DnsCache.this.maxEntries; }
    };
  }

  /** The records cached for {@code key} and not yet expired, or null. */
  @SuppressWarnings("unchecked")
  <T> List<T> get(String key) {
    long now = nanoClock.getAsLong();
    synchronized (entries) {
      Entry e = entries.get(key);
      if (e == null) return null;
      if (now - e.expiresAt >= 0) {
        entries.remove(key);
        return null;
      }
      return (List<T>) e.records;
    }
  }

  /** Remembers {@code records} for {@code ttlSeconds} (nothing is kept for 0). */
  void put(String key, List<?> records, long ttlSeconds) {
    if (ttlSeconds <= 0 || maxEntries == 0) return;
    long expiresAt = nanoClock.getAsLong() + ttlSeconds * 1_000_000_000L;
    synchronized (entries) {
      entries.put(key, new Entry(List.copyOf(records), expiresAt));
    }
  }

  int size() {
    synchronized (entries) {
      return entries.size();
    }
  }

  void clear() {
    synchronized (entries) {
      entries.clear();
    }
  }
}
