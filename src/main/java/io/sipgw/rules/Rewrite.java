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
import java.util.regex.PatternSyntaxException;

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

  /**
   * What is wrong with {@code rep} as a replacement for {@code p} ({@link Matcher#appendReplacement}'s
   * syntax: {@code $n}, {@code ${name}}, {@code \\} escapes), or null when nothing is. Checked on its
   * own: a trial replacement on some text would not look at {@code rep} unless {@code p} matched it.
   */
  static String badReplacement(Pattern p, String rep) {
    int groups = p.matcher("").groupCount();
    Matcher named = matchedWithGroupsOf(p);
    for (int i = 0; i < rep.length(); i++) {
      char c = rep.charAt(i);
      if (c == '\\') {
        if (++i == rep.length()) return "a \\ at the end escapes nothing";
      } else if (c == '$') {
        if (++i == rep.length()) return "a $ at the end names no group";
        if (rep.charAt(i) == '{') {
          int end = rep.indexOf('}', i);
          if (end < 0) return "${ without }";
          String name = rep.substring(i + 1, end);
          try {
            if (named != null) named.start(name);
          } catch (IllegalArgumentException e) {
            return "the expression has no group named " + name;
          }
          i = end;
        } else {
          int ref = rep.charAt(i) - '0';
          if (ref < 0 || ref > 9) return "$ must be followed by a group number or {name}";
          if (ref > groups) return "the expression has no group " + ref + " (it has " + groups + ")";
          while (i + 1 < rep.length() && Character.isDigit(rep.charAt(i + 1)) && ref * 10 + rep.charAt(i + 1) - '0' <= groups) {
            ref = ref * 10 + rep.charAt(++i) - '0';
          }
        }
      }
    }
    return null;
  }

  /**
   * A matcher that has matched, with the groups of {@code p} (a group name is only looked up in a
   * matcher that has matched): {@code p} or nothing, run on the empty text. Null when that cannot be made.
   */
  private static Matcher matchedWithGroupsOf(Pattern p) {
    try {
      Matcher m = Pattern.compile("(?:" + p.pattern() + "\n)|", p.flags()).matcher("");
      return m.find() ? m : null;
    } catch (PatternSyntaxException e) {
      return null; // e.g. a \Q that is never closed
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
      String bad = badReplacement(p, rep); // a bad group reference shows now, not per request
      if (bad != null) throw new ConfigException(key + ".replace", "bad replacement \"" + rep + "\": " + bad);
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
