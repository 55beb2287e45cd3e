package io.sipgw.dns;

import io.sipgw.config.DnsConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * ENUM (RFC 6116): an E.164 number to a SIP URI through NAPTR records. {@code +4930123} becomes the
 * domain {@code 3.2.1.0.3.9.4.e164.arpa} (the digits reversed, dot-separated, under the suffix);
 * its NAPTR records with the Enumservice {@code E2U+sip} (RFC 3764; a subtype {@code E2U+sip:...} is
 * accepted too, RFC 6116 §3.4.3) and the "u" flag are taken by order then preference, and the first
 * whose regular expression (RFC 3402 §3.2) matches the number ({@code +4930123}) gives the URI.
 * Non-terminal records (no flags, a replacement domain) are followed to that domain's NAPTR records,
 * at most {@link #MAX_HOPS} deep.
 */
public final class EnumResolver {
  private static final Logger LOG = Logger.getLogger("sipgw.dns");
  /** How many non-terminal NAPTR records are followed at most (a loop of them ends here). */
  public static final int MAX_HOPS = 5;

  private final DnsLookup dns;

  public EnumResolver(DnsLookup dns) { this.dns = dns; }

  public EnumResolver(Vertx vertx, DnsConfig config) { this(new DnsLookup(vertx, config)); }

  /** The suffix configured ({@code dns.enumSuffix}). */
  public String defaultSuffix() { return dns.config().enumSuffix(); }

  /** {@link #lookup(String, String)} under the configured suffix. */
  public Future<String> lookup(String e164) { return lookup(e164, null); }

  /**
   * The URI the ENUM records of {@code e164} (a number such as {@code +4930123}; visual separators
   * such as '-' and ' ' are dropped) name under {@code suffix} (null or empty: the configured one).
   * A failed future "no ENUM record for ..." when there is none that applies.
   */
  public Future<String> lookup(String e164, String suffix) {
    String digits = e164 == null ? "" : e164.replaceAll("[^0-9]", "");
    if (e164 == null || digits.isEmpty() || digits.length() > 15 || !e164.trim().startsWith("+")) {
      return Future.failedFuture(new IllegalArgumentException("not an E.164 number: \"" + e164 + "\""));
    }
    String aus = "+" + digits;
    String domain = domain(digits, suffix == null || suffix.isBlank() ? defaultSuffix() : suffix);
    return follow(aus, domain, 0).compose(uri -> {
      if (uri == null) {
        LOG.log(Level.INFO, "ENUM {0}: no record at {1}", new Object[] {aus, domain});
        return Future.failedFuture(new EnumException("no ENUM record for " + aus + " (" + domain + ")"));
      }
      LOG.log(Level.FINE, "ENUM {0} -> {1}", new Object[] {aus, uri});
      return Future.succeededFuture(uri);
    });
  }

  /** RFC 6116 §2.4: the digits reversed, a dot between each, then the suffix. */
  static String domain(String digits, String suffix) {
    StringBuilder b = new StringBuilder(digits.length() * 2 + suffix.length());
    for (int i = digits.length() - 1; i >= 0; i--) b.append(digits.charAt(i)).append('.');
    String s = DnsNames.normalize(suffix);
    return b.append(s.startsWith(".") ? s.substring(1) : s).toString();
  }

  /** The URI from the NAPTR records of {@code domain}, or null when none applies. */
  private Future<String> follow(String aus, String domain, int hops) {
    return dns.naptr(domain).compose(records -> {
      List<NaptrRecord> sorted = new ArrayList<>(records);
      sorted.sort(Comparator.comparingInt(NaptrRecord::order).thenComparingInt(NaptrRecord::preference));
      return first(aus, sorted, 0, hops);
    });
  }

  private Future<String> first(String aus, List<NaptrRecord> records, int i, int hops) {
    if (i >= records.size()) return Future.succeededFuture(null);
    NaptrRecord r = records.get(i);
    if (r.flags().isEmpty() && !r.replacement().isEmpty()) {
      if (hops >= MAX_HOPS) return first(aus, records, i + 1, hops);
      return follow(aus, r.replacement(), hops + 1).compose(uri -> uri != null ? Future.succeededFuture(uri) : first(aus, records, i + 1, hops));
    }
    String uri = r.hasFlag('u') && sipService(r.services()) ? rewrite(r, aus) : null;
    return uri != null ? Future.succeededFuture(uri) : first(aus, records, i + 1, hops);
  }

  /** RFC 6116 §3.4.3, RFC 3764: "E2U+sip", optionally with subtypes ("E2U+sip:..."). */
  static boolean sipService(String services) {
    for (String s : services.split("\\+")) {
      // services = "E2U" 1*("+" enumservice); an enumservice is type [":" subtype]
      if (s.equals("sip") || s.startsWith("sip:")) return services.startsWith("e2u+");
    }
    return false;
  }

  private static String rewrite(NaptrRecord r, String aus) {
    try {
      String uri = NaptrRegexp.parse(r.regexp()).apply(aus);
      return uri == null || uri.isEmpty() ? null : uri;
    } catch (IllegalArgumentException e) {
      LOG.log(Level.INFO, "ENUM {0}: skipping NAPTR record with {1}", new Object[] {aus, e.getMessage()});
      return null;
    }
  }

  /** No ENUM record applies to a number. */
  public static final class EnumException extends RuntimeException {
    EnumException(String message) { super(message, null, false, false); }
  }
}
