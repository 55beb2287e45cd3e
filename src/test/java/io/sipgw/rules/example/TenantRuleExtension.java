package io.sipgw.rules.example;

import io.sipgw.rules.Action;
import io.sipgw.rules.Condition;
import io.sipgw.rules.Exchange;
import io.sipgw.rules.RuleExtension;
import io.sipgw.sip.SipParseException;
import io.sipgw.sip.SipUri;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * An example of the route rules' Java SPI ({@link RuleExtension}), as an operator's jar would ship it:
 * this class, and its name in {@code META-INF/services/io.sipgw.rules.RuleExtension}. It adds
 * <ul>
 *   <li>the action {@code tenantHeader}: sets a header (default {@code X-Tenant}) on the forwarded
 *       request to the From domain, lower case: {@code {"tenantHeader": {}}} or
 *       {@code {"tenantHeader": {"header": "X-Customer"}}}; and leaves the tenant in the exchange's
 *       attributes ({@value #TENANT}) for later steps;</li>
 *   <li>the condition {@code tenant}: the From domain is one of a list (regular expressions, whole
 *       match): {@code "when": {"tenant": ["acme\\.com", "globex\\..*"]}};</li>
 *   <li>the condition {@code weekendFree}: {@code true} holds on Saturday and Sunday in a zone
 *       ({@code {"weekendFree": {"zone": "Europe/Berlin"}}} or {@code {"weekendFree": true}} for UTC),
 *       {@code false} on the other days.</li>
 * </ul>
 * Each compile function checks its argument once, when the rules are compiled, and throws
 * {@link IllegalArgumentException} for a bad one: the config check reports it with the key's path.
 * The steps run on the request's event loop and block nothing.
 */
public final class TenantRuleExtension implements RuleExtension {
  /** The attribute {@code tenantHeader} leaves: the tenant's domain. */
  public static final String TENANT = "tenant";
  /** The clock {@code weekendFree} reads: tests set a fixed one. */
  public static volatile Clock clock = Clock.systemUTC();

  @Override
  public Map<String, Function<Object, Action>> actions() { return Map.of("tenantHeader", TenantRuleExtension::tenantHeader); }

  @Override
  public Map<String, Function<Object, Condition>> conditions() {
    return Map.of("tenant", TenantRuleExtension::tenant, "weekendFree", TenantRuleExtension::weekendFree);
  }

  private static Action tenantHeader(Object arg) {
    if (!(arg instanceof JsonObject o)) throw new IllegalArgumentException("must be an object, e.g. {} or {\"header\": \"X-Tenant\"}");
    for (String k : o.fieldNames()) if (!k.equals("header")) throw new IllegalArgumentException("unknown key \"" + k + "\" (known: header)");
    Object h = o.getValue("header", "X-Tenant");
    if (!(h instanceof String header) || !header.matches("[A-Za-z0-9-]+")) throw new IllegalArgumentException("header must be a header name");
    return x -> {
      String tenant = fromDomain(x);
      if (tenant != null) {
        x.setHeader(header, tenant);
        x.attributes().put(TENANT, tenant);
      }
      return Action.NEXT;
    };
  }

  private static Condition tenant(Object arg) {
    List<Pattern> domains = new ArrayList<>();
    List<?> list = arg instanceof String s ? List.of(s) : arg instanceof JsonArray a ? a.getList() : null;
    if (list == null || list.isEmpty()) throw new IllegalArgumentException("must be a domain expression or a list of them");
    for (Object d : list) {
      if (!(d instanceof String re)) throw new IllegalArgumentException("must be a list of strings");
      try {
        domains.add(Pattern.compile(re, Pattern.CASE_INSENSITIVE));
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException("bad regular expression \"" + re + "\"");
      }
    }
    return x -> {
      String tenant = fromDomain(x);
      if (tenant == null) return false;
      for (Pattern p : domains) if (p.matcher(tenant).matches()) return true;
      return false;
    };
  }

  private static Condition weekendFree(Object arg) {
    boolean wanted;
    ZoneId zone;
    if (arg instanceof Boolean b) {
      wanted = b;
      zone = ZoneId.of("UTC");
    } else if (arg instanceof JsonObject o && o.getValue("zone") instanceof String z && o.size() == 1) {
      wanted = true;
      try {
        zone = ZoneId.of(z);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("unknown zone \"" + z + "\"");
      }
    } else {
      throw new IllegalArgumentException("must be true, false or {\"zone\": \"Europe/Berlin\"}");
    }
    return x -> {
      DayOfWeek d = ZonedDateTime.now(clock.withZone(zone)).getDayOfWeek();
      return (d == DayOfWeek.SATURDAY || d == DayOfWeek.SUNDAY) == wanted;
    };
  }

  /** The From URI's host, lower case; null when From has no SIP URI (validated before: not expected). */
  private static String fromDomain(Exchange x) {
    try {
      SipUri from = x.request().from().uri();
      return from.isSip() ? from.host().toLowerCase(java.util.Locale.ROOT) : null;
    } catch (SipParseException e) {
      return null;
    }
  }
}
