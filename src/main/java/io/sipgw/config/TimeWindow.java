package io.sipgw.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.List;
import java.util.Locale;

/**
 * A recurring window of local time, as a condition of LCR rules and of routing rules:
 * {@code {"days": ["mon", "tue"], "from": "08:00", "to": "18:00", "zone": "Europe/Berlin"}}, every key
 * optional. {@code from} is inclusive, {@code to} exclusive, both {@code HH:MM} ({@code to} may be
 * {@code 24:00}); absent {@code from} is 00:00, absent {@code to} is 24:00; {@code from} equal to
 * {@code to} is the whole day. When {@code from} is later than {@code to} the window wraps midnight,
 * and {@code days} name the day a window begins: {@code ["fri"]} with 22:00..06:00 holds from Friday
 * 22:00 to Saturday 06:00. No {@code days}: every day. No {@code zone}: the system's time zone.
 *
 * <p>{@link #contains} is cheap: it keeps the zone's offset with the instants between which it holds,
 * so the time-zone rules are consulted again only at a DST change (or when asked about another period).
 */
public final class TimeWindow {
  static final List<String> DAY_NAMES = List.of("mon", "tue", "wed", "thu", "fri", "sat", "sun");
  private static final long DAY_MS = 86_400_000L;
  private static final int DAY_MINUTES = 1440;

  private final int dayMask; // bit 0 = Monday ... bit 6 = Sunday
  private final int from;    // minutes since local midnight
  private final int to;      // minutes since local midnight, 1..1440
  private final ZoneId zone; // null: the system's
  private final ZoneRules rules;
  private final JsonObject json;
  private volatile Offset offset = new Offset(Long.MAX_VALUE, Long.MIN_VALUE, 0);

  /** The zone's offset, valid for instants in [start, end). */
  private record Offset(long start, long end, long millis) {
    boolean covers(long t) { return t >= start && t < end; }
  }

  private TimeWindow(int dayMask, int from, int to, ZoneId zone, JsonObject json) {
    this.dayMask = dayMask;
    this.from = from;
    this.to = to;
    this.zone = zone;
    this.rules = (zone == null ? ZoneId.systemDefault() : zone).getRules();
    this.json = json;
  }

  /**
   * Reads a window from {@code json}, whose key path is {@code key} (used in the error); throws
   * {@link ConfigException} naming the bad member, e.g. {@code routes[2].when.time.from}.
   */
  public static TimeWindow fromJson(String key, JsonObject json) { return read(new ConfigObject(key, json)); }

  static TimeWindow read(ConfigObject o) {
    List<String> days = o.strings("days", null);
    int mask = 0x7f;
    if (days != null) {
      if (days.isEmpty()) throw new ConfigException(o.key("days"), "must name at least one day (or be left out: every day)");
      mask = 0;
      for (int i = 0; i < days.size(); i++) {
        int d = DAY_NAMES.indexOf(days.get(i).trim().toLowerCase(Locale.ROOT));
        if (d < 0) throw new ConfigException(o.key("days") + "[" + i + "]", "unknown day \"" + days.get(i) + "\" (" + String.join(", ", DAY_NAMES) + ")");
        mask |= 1 << d;
      }
    }
    String fromText = o.string("from", null);
    String toText = o.string("to", null);
    int from = fromText == null ? 0 : minutes(o.key("from"), fromText, false);
    int to = toText == null ? DAY_MINUTES : minutes(o.key("to"), toText, true);
    if (from == to || (from == 0 && to == DAY_MINUTES)) {
      from = 0;
      to = DAY_MINUTES;
    }
    String zoneText = o.string("zone", null);
    ZoneId zone = null;
    if (zoneText != null) {
      try {
        zone = ZoneId.of(zoneText);
      } catch (DateTimeException e) {
        throw new ConfigException(o.key("zone"), "unknown time zone \"" + zoneText + "\" (e.g. \"Europe/Berlin\", \"UTC\", \"+02:00\")");
      }
    }
    o.rejectUnknownKeys();
    JsonObject json = new JsonObject();
    if (days != null) {
      JsonArray named = new JsonArray();
      for (int d = 0; d < 7; d++) if ((mask & (1 << d)) != 0) named.add(DAY_NAMES.get(d));
      json.put("days", named);
    }
    if (fromText != null) json.put("from", fromText);
    if (toText != null) json.put("to", toText);
    if (zoneText != null) json.put("zone", zone.getId());
    return new TimeWindow(mask, from, to, zone, json);
  }

  private static int minutes(String key, String text, boolean endOfDay) {
    boolean ok = text.length() == 5 && text.charAt(2) == ':' && digit(text, 0) && digit(text, 1) && digit(text, 3) && digit(text, 4);
    int h = ok ? (text.charAt(0) - '0') * 10 + text.charAt(1) - '0' : -1;
    int m = ok ? (text.charAt(3) - '0') * 10 + text.charAt(4) - '0' : -1;
    if (!ok || m > 59 || h > 24 || (h == 24 && (m != 0 || !endOfDay))) {
      throw new ConfigException(key, "must be a time HH:MM (00:00.." + (endOfDay ? "24:00" : "23:59") + "), got \"" + text + "\"");
    }
    return h * 60 + m;
  }

  private static boolean digit(String s, int i) { return s.charAt(i) >= '0' && s.charAt(i) <= '9'; }

  /** Whether the instant {@code epochMillis} falls inside the window. */
  public boolean contains(long epochMillis) {
    long local = epochMillis + offsetMillis(epochMillis);
    long day = Math.floorDiv(local, DAY_MS);
    int minute = (int) (Math.floorMod(local, DAY_MS) / 60_000L);
    int weekday = (int) Math.floorMod(day + 3, 7L); // 1970-01-01 was a Thursday; Monday = 0
    if (from < to) return minute >= from && minute < to && (dayMask & (1 << weekday)) != 0;
    // wraps midnight: the evening part belongs to today's window, the morning part to yesterday's
    if (minute >= from) return (dayMask & (1 << weekday)) != 0;
    return minute < to && (dayMask & (1 << ((weekday + 6) % 7))) != 0;
  }

  private long offsetMillis(long epochMillis) {
    Offset o = offset;
    if (o.covers(epochMillis)) return o.millis;
    Instant now = Instant.ofEpochMilli(epochMillis);
    ZoneOffset current = rules.getOffset(now);
    ZoneOffsetTransition next = rules.nextTransition(now);
    ZoneOffsetTransition previous = rules.previousTransition(now.plusMillis(1));
    long start = previous == null ? Long.MIN_VALUE : previous.toEpochSecond() * 1000L;
    long end = next == null ? Long.MAX_VALUE : next.toEpochSecond() * 1000L;
    offset = new Offset(start, end, current.getTotalSeconds() * 1000L);
    return current.getTotalSeconds() * 1000L;
  }

  /** The zone the window is read in (the system's when the config names none). */
  public ZoneId zone() { return zone == null ? ZoneId.systemDefault() : zone; }

  /** The window as configured. */
  public JsonObject toJson() { return json.copy(); }

  @Override public boolean equals(Object o) { return o instanceof TimeWindow w && json.equals(w.json); }

  @Override public int hashCode() { return json.hashCode(); }

  @Override public String toString() { return "TimeWindow" + json.encode(); }
}
