package io.sipgw.rules;

import io.sipgw.config.ConfigException;
import io.sipgw.sip.SipParseException;
import io.sipgw.sip.SipUri;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code rewrite}: the Request-URI replaced whole ({@code "ruri"}), or its user, host or port.
 * A user or host is given as text, or as {@code {"match": "^0(.*)", "replace": "+49$1"}} (a regular
 * expression and its replacement, {@code $1} for a group; no match leaves it as it is), or as
 * {@code {"strip": 2, "prefix": "+49"}} (characters cut from the front, then text put before).
 */
final class Rewrite {
  private Rewrite() { }

  static Action compile(String key, Object arg) {
    JsonObject o = Actions.object(key, arg);
    if (o.isEmpty()) throw new ConfigException(key, "names what to rewrite: ruri, ruri.user, ruri.host or ruri.port");
    Actions.only(key, o, "ruri", "ruri.user", "ruri.host", "ruri.port");
    if (o.containsKey("ruri")) {
      if (o.size() > 1) throw new ConfigException(key, "ruri replaces the whole URI: no other part with it");
      SipUri to = Actions.uri(key + ".ruri", o.getValue("ruri"));
      return x -> {
        x.requestUri(to);
        return Action.NEXT;
      };
    }
    List<UnaryOperator<SipUri>> edits = new ArrayList<>();
    if (o.containsKey("ruri.user")) {
      UnaryOperator<String> f = text(key + ".ruri.user", o.getValue("ruri.user"));
      edits.add(u -> with(u, f.apply(u.user() == null ? "" : u.user()), u.host(), u.port()));
    }
    if (o.containsKey("ruri.host")) {
      UnaryOperator<String> f = text(key + ".ruri.host", o.getValue("ruri.host"));
      edits.add(u -> with(u, u.user(), f.apply(u.host()), u.port()));
    }
    if (o.containsKey("ruri.port")) {
      Object p = o.getValue("ruri.port");
      if (!(p instanceof Number n) || n.intValue() < 0 || n.intValue() > 65535 || n.doubleValue() != n.intValue()) {
        throw new ConfigException(key + ".ruri.port", "must be a port 0..65535 (0: none)");
      }
      int port = n.intValue();
      edits.add(u -> with(u, u.user(), u.host(), port));
    }
    @SuppressWarnings("unchecked")
    UnaryOperator<SipUri>[] all = edits.toArray(new UnaryOperator[0]);
    return x -> {
      SipUri u = x.requestUri();
      for (UnaryOperator<SipUri> e : all) u = e.apply(u);
      x.requestUri(u);
      return Action.NEXT;
    };
  }

  private static SipUri with(SipUri u, String user, String host, int port) {
    SipUri out = SipUri.build(u.scheme(), user == null || user.isEmpty() ? null : user, u.password(), host, port, u.params(), u.headers());
    try {
      return SipUri.parse(out.toString()); // what the rewrite made must still be a URI
    } catch (SipParseException e) {
      throw new IllegalArgumentException("rewrite made a bad Request-URI \"" + out + "\": " + e.reason());
    }
  }

  private static UnaryOperator<String> text(String key, Object v) {
    if (v instanceof String s) return old -> s;
    JsonObject o = Actions.object(key, v);
    if (o.containsKey("match")) {
      Actions.only(key, o, "match", "replace");
      if (!(o.getValue("match") instanceof String re)) throw new ConfigException(key + ".match", "must be a regular expression");
      if (!(o.getValue("replace") instanceof String rep)) throw new ConfigException(key + ".replace", "is required: the replacement, $1 for a group");
      Pattern p = Rules.pattern(key + ".match", re, false);
      try {
        p.matcher("").replaceFirst(rep); // a bad group reference shows now, not per request
      } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
        throw new ConfigException(key + ".replace", "bad replacement \"" + rep + "\": " + e.getMessage());
      }
      return old -> {
        Matcher m = p.matcher(old);
        return m.matches() ? m.replaceFirst(rep) : old;
      };
    }
    Actions.only(key, o, "strip", "prefix");
    Object strip = o.getValue("strip");
    Object prefix = o.getValue("prefix");
    if (strip != null && (!(strip instanceof Number n) || n.intValue() < 0)) throw new ConfigException(key + ".strip", "must be a count of characters");
    if (prefix != null && !(prefix instanceof String)) throw new ConfigException(key + ".prefix", "must be text");
    int cut = strip == null ? 0 : ((Number) strip).intValue();
    String pre = prefix == null ? "" : (String) prefix;
    return old -> pre + old.substring(Math.min(cut, old.length()));
  }
}
