package io.sipgw.rules;

import io.sipgw.config.Cidr;
import io.sipgw.config.ConfigException;
import io.sipgw.config.StatusCodes;
import io.sipgw.config.TimeWindow;
import io.sipgw.sip.HeaderField;
import io.sipgw.sip.HeaderName;
import io.sipgw.sip.NameAddr;
import io.sipgw.sip.SipParseException;
import io.sipgw.sip.SipUri;
import io.sipgw.sip.Transport;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Compiles a {@code "when"} object: every key must hold. Text tests take a regular expression
 * (matching the whole value), a list of them (any), or null (the part is absent).
 */
final class Conditions {
  private Conditions() { }

  /** The condition {@code when} at {@code key}; absent means always. */
  static Condition compile(String key, Object when, Extensions ext) {
    if (when == null) return Condition.ALWAYS;
    if (!(when instanceof JsonObject o)) throw new ConfigException(key, "must be an object of tests, e.g. {\"method\": \"INVITE\"}");
    List<Condition> all = new ArrayList<>();
    for (String name : o.fieldNames()) all.add(one(key + "." + name, name, o.getValue(name), ext));
    return and(all);
  }

  private static Condition and(List<Condition> all) {
    if (all.isEmpty()) return Condition.ALWAYS;
    if (all.size() == 1) return all.get(0);
    Condition[] c = all.toArray(new Condition[0]);
    return x -> {
      for (Condition k : c) if (!k.test(x)) return false;
      return true;
    };
  }

  private static Condition one(String key, String name, Object v, Extensions ext) {
    switch (name) {
      case "method": {
        Set<String> methods = new HashSet<>(texts(key, v));
        return x -> methods.contains(x.request().method());
      }
      case "ruri.user": return text(key, v, false, x -> x.requestUri().user());
      case "ruri.host": return text(key, v, true, x -> x.requestUri().host());
      case "ruri.port": return text(key, v instanceof Number n ? n.toString() : v, false, x -> portOf(x.requestUri()));
      case "from.user": return text(key, v, false, x -> uriOf(x, true).user());
      case "from.host": return text(key, v, true, x -> uriOf(x, true).host());
      case "to.user": return text(key, v, false, x -> uriOf(x, false).user());
      case "to.host": return text(key, v, true, x -> uriOf(x, false).host());
      case "source": return source(key, v);
      case "transport": {
        Set<Transport> ts = new HashSet<>();
        for (String t : texts(key, v)) {
          Transport tr = Transport.parse(t);
          if (tr == null) throw new ConfigException(key, "unknown transport \"" + t + "\" (udp, tcp, tls, ws, wss)");
          ts.add(tr);
        }
        return x -> ts.contains(x.flow().transport());
      }
      case "authenticated": return bool(key, v, Exchange::authenticated);
      case "localDomain": return bool(key, v, x -> x.requestUri().isSip() && x.isLocal(x.requestUri()));
      case "fromLocal": return bool(key, v, x -> {
        SipUri f = uriOf(x, true);
        return f.isSip() && x.isLocalDomain(f.host());
      });
      case "inDialog": return bool(key, v, x -> toTag(x) != null);
      case "time": {
        if (!(v instanceof JsonObject w)) {
          throw new ConfigException(key, "must be a time window like {\"days\": [\"mon\"], \"from\": \"08:00\", \"to\": \"18:00\", \"zone\": \"Europe/Berlin\"}");
        }
        TimeWindow window = TimeWindow.fromJson(key, w);
        return x -> window.contains(System.currentTimeMillis());
      }
      case "status": {
        if (!(v instanceof JsonArray a)) throw new ConfigException(key, "must be a list of final statuses, e.g. [486, \"5xx\"]");
        BitSet codes = StatusCodes.read(key, a);
        return x -> codes.get(x.failureStatus());
      }
      case "not": {
        Condition c = compile(key, v, ext);
        return x -> !c.test(x);
      }
      case "all": case "any": {
        if (!(v instanceof JsonArray a) || a.isEmpty()) throw new ConfigException(key, "must be a non-empty list of conditions");
        List<Condition> cs = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) cs.add(compile(key + "[" + i + "]", a.getValue(i), ext));
        if (name.equals("all")) return and(cs);
        Condition[] c = cs.toArray(new Condition[0]);
        return x -> {
          for (Condition k : c) if (k.test(x)) return true;
          return false;
        };
      }
      default:
        break;
    }
    if (name.startsWith("ruri.param.") && name.length() > 11) {
      String param = name.substring(11);
      return text(key, v, false, x -> x.requestUri().param(param));
    }
    if (name.startsWith("header.") && name.length() > 7) return header(key, name.substring(7), v);
    Function<Object, Condition> custom = ext.condition(name);
    if (custom == null) throw new ConfigException(key, "unknown condition; known: " + KNOWN + ext.conditionNames());
    return Extensions.compiled(key, custom, v);
  }

  static final String KNOWN = "method, ruri.user, ruri.host, ruri.port, ruri.param.<name>, from.user, from.host, to.user, to.host, "
      + "header.<Name>, source, transport, authenticated, localDomain, fromLocal, inDialog, time, status, not, any, all";

  private static String portOf(SipUri u) { return u.port() > 0 ? Integer.toString(u.port()) : null; }

  private static SipUri uriOf(Exchange x, boolean from) {
    try {
      NameAddr a = from ? x.request().from() : x.request().to();
      return a.uri();
    } catch (SipParseException e) {
      throw new IllegalStateException("validated before: " + e.reason(), e);
    }
  }

  private static String toTag(Exchange x) {
    try {
      return x.request().to().tag();
    } catch (SipParseException e) {
      throw new IllegalStateException("validated before: " + e.reason(), e);
    }
  }

  private static Condition bool(String key, Object v, java.util.function.Predicate<Exchange> p) {
    if (!(v instanceof Boolean b)) throw new ConfigException(key, "must be true or false");
    return b ? p::test : x -> !p.test(x);
  }

  private static Condition source(String key, Object v) {
    List<Cidr> blocks = new ArrayList<>();
    List<String> text = texts(key, v);
    for (String t : text) {
      try {
        blocks.add(Cidr.parse(t));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(key, "not an IP address or CIDR block: \"" + t + "\"");
      }
    }
    Cidr[] c = blocks.toArray(new Cidr[0]);
    return x -> {
      String ip = x.flow().remoteHost();
      for (Cidr k : c) if (k.contains(ip)) return true;
      return false;
    };
  }

  private static Condition header(String key, String name, Object v) {
    if (v == null) return x -> x.request().header(name) == null;
    Pattern[] ps = patterns(key, v, false);
    HeaderName known = HeaderName.lookup(name);
    if (known != null) { // compact forms too (f, m, v …)
      return x -> {
        for (HeaderField f : x.request().fields(known)) if (matches(ps, f.value())) return true;
        return false;
      };
    }
    return x -> {
      for (HeaderField f : x.request().headers()) {
        if (f.isNamed(name) && matches(ps, f.value())) return true;
      }
      return false;
    };
  }

  /** A test of one part of the request that may be absent (null). */
  private static Condition text(String key, Object v, boolean ignoreCase, Function<Exchange, String> part) {
    if (v == null) return x -> part.apply(x) == null;
    Pattern[] ps = patterns(key, v, ignoreCase);
    return x -> {
      String s = part.apply(x);
      return s != null && matches(ps, s);
    };
  }

  private static boolean matches(Pattern[] ps, String s) {
    for (Pattern p : ps) if (p.matcher(s).matches()) return true;
    return false;
  }

  private static Pattern[] patterns(String key, Object v, boolean ignoreCase) {
    List<String> res = texts(key, v);
    Pattern[] out = new Pattern[res.size()];
    for (int i = 0; i < out.length; i++) out[i] = Rules.pattern(key, res.get(i), ignoreCase);
    return out;
  }

  /** A string or a non-empty list of strings. */
  static List<String> texts(String key, Object v) {
    if (v instanceof String s) return List.of(s);
    if (v instanceof JsonArray a && !a.isEmpty()) {
      List<String> out = new ArrayList<>();
      for (int i = 0; i < a.size(); i++) {
        if (!(a.getValue(i) instanceof String s)) throw new ConfigException(key + "[" + i + "]", "must be a string");
        out.add(s);
      }
      return out;
    }
    throw new ConfigException(key, "must be a string or a non-empty list of strings");
  }
}
