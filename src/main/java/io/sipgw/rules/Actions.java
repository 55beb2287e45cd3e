package io.sipgw.rules;

import io.sipgw.config.ConfigException;
import io.sipgw.config.Failover;
import io.sipgw.config.MediaMode;
import io.sipgw.sip.HeaderName;
import io.sipgw.sip.SipParseException;
import io.sipgw.sip.SipUri;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.logging.Logger;

/** Compiles one action object ({@code {"reply": {"code": 404}}}) into its step. */
final class Actions {
  private static final Logger LOG = Logger.getLogger("sipgw.rules");
  static final Set<String> BUILT_IN = Set.of("authenticate", "looseRoute", "save", "presence", "lookup", "options", "recordRoute",
      "rewrite", "setHeader", "addHeader", "removeHeader", "forward", "dispatch", "lcr", "enum", "redirect", "reply", "route",
      "failureRoute", "rtpengine", "drop", "log");
  /** Headers the rules may not touch: the transaction and the dialog are named by them, or the proxy writes them. */
  private static final Set<HeaderName> PROTECTED = Set.of(HeaderName.VIA, HeaderName.CALL_ID, HeaderName.CSEQ, HeaderName.FROM,
      HeaderName.TO, HeaderName.CONTENT_LENGTH, HeaderName.MAX_FORWARDS, HeaderName.ROUTE, HeaderName.RECORD_ROUTE);

  private Actions() { }

  /** The name and argument of action {@code value} at {@code key}, which must be an object of one key. */
  static String nameOf(String key, Object value) {
    if (!(value instanceof JsonObject o) || o.size() != 1) {
      throw new ConfigException(key, "must be an object of one action, e.g. {\"forward\": {}}; actions: " + String.join(", ", new java.util.TreeSet<>(BUILT_IN)));
    }
    return o.fieldNames().iterator().next();
  }

  /** The step for action {@code name} with argument {@code arg}; {@code blocks} finds a named block ({@code route}). */
  static Action compile(String key, String name, Object arg, Function<String, Action> blocks, Extensions ext) {
    switch (name) {
      case "authenticate": noArgs(key, arg); return Exchange::authenticate;
      case "looseRoute": noArgs(key, arg); return x -> Action.endedIf(x.looseRoute());
      case "save": noArgs(key, arg); return x -> Action.endedIf(x.save());
      case "presence": noArgs(key, arg); return x -> x.presence().map(done -> !done);
      case "lookup": noArgs(key, arg); return x -> Action.endedIf(x.lookup());
      case "options": noArgs(key, arg); return x -> Action.endedIf(x.options());
      case "drop": noArgs(key, arg); return x -> {
        x.drop();
        return Action.END;
      };
      case "lcr": noArgs(key, arg); return x -> Action.endedIf(x.lcr());
      case "recordRoute": {
        if (!(arg instanceof Boolean on)) throw new ConfigException(key, "must be true or false");
        return x -> {
          x.recordRoute(on);
          return Action.NEXT;
        };
      }
      case "rtpengine": {
        MediaMode m = arg instanceof String s ? MediaMode.parse(s) : null;
        if (m == null) throw new ConfigException(key, "must be \"webrtc\", \"always\" or \"never\"");
        return x -> {
          x.mediaMode(m);
          return Action.NEXT;
        };
      }
      case "rewrite": return Rewrite.compile(key, arg);
      case "setHeader": case "addHeader": {
        JsonObject o = object(key, arg);
        String h = headerName(key + ".name", o.getValue("name"));
        if (!(o.getValue("value") instanceof String v) || v.indexOf('\r') >= 0 || v.indexOf('\n') >= 0) {
          throw new ConfigException(key + ".value", "must be a header value on one line");
        }
        only(key, o, "name", "value");
        boolean set = name.equals("setHeader");
        return x -> {
          if (set) x.setHeader(h, v);
          else x.addHeader(h, v);
          return Action.NEXT;
        };
      }
      case "removeHeader": {
        String h = headerName(key, arg);
        return x -> {
          x.removeHeader(h);
          return Action.NEXT;
        };
      }
      case "forward": {
        JsonObject o = object(key, arg);
        SipUri to = o.getValue("to") == null ? null : uri(key + ".to", o.getValue("to"));
        Failover f = Failover.parse(key + ".failover", o.getValue("failover"));
        only(key, o, "to", "failover");
        return x -> {
          x.forward(to, f);
          return Action.END;
        };
      }
      case "dispatch": {
        JsonObject o = object(key, arg);
        if (!(o.getValue("set") instanceof String set) || set.isEmpty()) throw new ConfigException(key + ".set", "is required: the name of a dispatcher set");
        only(key, o, "set");
        return new Dispatch(set);
      }
      case "enum": {
        JsonObject o = object(key, arg);
        Object s = o.getValue("suffix");
        if (s != null && !(s instanceof String)) throw new ConfigException(key + ".suffix", "must be a domain such as \"e164.arpa\"");
        only(key, o, "suffix");
        String suffix = (String) s;
        return x -> x.enumRoute(suffix).map(done -> !done);
      }
      case "redirect": {
        JsonObject o = object(key, arg);
        int code = o.getValue("code") == null ? 302 : code(key + ".code", o.getValue("code"), 300, 399);
        if (!(o.getValue("contacts") instanceof JsonArray a) || a.isEmpty()) throw new ConfigException(key + ".contacts", "is required: a list of SIP URIs");
        List<SipUri> contacts = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) contacts.add(uri(key + ".contacts[" + i + "]", a.getValue(i)));
        only(key, o, "code", "contacts");
        return x -> {
          x.redirect(code, contacts);
          return Action.END;
        };
      }
      case "reply": {
        int code;
        String reason = null;
        if (arg instanceof Number) {
          code = code(key, arg, 200, 699);
        } else {
          JsonObject o = object(key, arg);
          code = code(key + ".code", o.getValue("code"), 200, 699);
          Object r = o.getValue("reason");
          if (r != null && (!(r instanceof String s) || s.isBlank() || s.indexOf('\r') >= 0 || s.indexOf('\n') >= 0)) {
            throw new ConfigException(key + ".reason", "must be a reason phrase on one line");
          }
          reason = (String) r;
          only(key, o, "code", "reason");
        }
        String why = reason;
        return x -> {
          x.reply(code, why);
          return Action.END;
        };
      }
      case "route": case "failureRoute": {
        if (!(arg instanceof String target)) throw new ConfigException(key, "must be the name of a route block");
        Action block = blocks.apply(target);
        if (block == null) throw new ConfigException(key, "no route block is named \"" + target + "\"");
        if (name.equals("route")) return block;
        return x -> {
          x.failureRoute(block);
          return Action.NEXT;
        };
      }
      case "log": {
        if (!(arg instanceof String text)) throw new ConfigException(key, "must be the text to log");
        return x -> {
          LOG.info(text + ": " + x.request().method() + " " + x.requestUri() + " from " + x.flow() + " (Call-ID " + x.callId() + ")");
          return Action.NEXT;
        };
      }
      default:
        break;
    }
    Function<Object, Action> custom = ext.action(name);
    if (custom == null) {
      throw new ConfigException(key, "unknown action \"" + name + "\"; actions: " + String.join(", ", new java.util.TreeSet<>(BUILT_IN)) + ext.actionNames());
    }
    return Extensions.compiled(key, custom, arg);
  }

  /** {@code dispatch}: its set name, for the config's check that the set exists. */
  record Dispatch(String set) implements Action {
    @Override
    public io.vertx.core.Future<Boolean> run(Exchange x) { return Action.endedIf(x.dispatch(set)); }
  }

  private static void noArgs(String key, Object arg) {
    if (arg instanceof JsonObject o && o.isEmpty() || Boolean.TRUE.equals(arg)) return;
    throw new ConfigException(key, "takes no argument: write {}");
  }

  static JsonObject object(String key, Object arg) {
    if (arg instanceof JsonObject o) return o;
    throw new ConfigException(key, "must be an object");
  }

  static void only(String key, JsonObject o, String... names) {
    Set<String> allowed = Set.of(names);
    for (String n : o.fieldNames()) if (!allowed.contains(n)) throw new ConfigException(key + "." + n, "unknown key (known: " + String.join(", ", names) + ")");
  }

  private static int code(String key, Object v, int min, int max) {
    if (v instanceof Number n && n.doubleValue() == n.intValue() && n.intValue() >= min && n.intValue() <= max) return n.intValue();
    throw new ConfigException(key, "must be a status code " + min + ".." + max);
  }

  static SipUri uri(String key, Object v) {
    if (!(v instanceof String s)) throw new ConfigException(key, "must be a SIP URI");
    try {
      SipUri u = SipUri.parse(s);
      if (!u.isSip()) throw new ConfigException(key, "must be a sip: or sips: URI, got \"" + s + "\"");
      return u;
    } catch (SipParseException e) {
      throw new ConfigException(key, "not a SIP URI: \"" + s + "\" (" + e.reason() + ")");
    }
  }

  private static String headerName(String key, Object v) {
    if (!(v instanceof String h) || h.isEmpty() || !h.chars().allMatch(c -> c > 32 && c < 127 && c != ':')) {
      throw new ConfigException(key, "must be a header name");
    }
    HeaderName known = HeaderName.lookup(h);
    if (known != null && PROTECTED.contains(known)) throw new ConfigException(key, h + " cannot be changed by the rules");
    return known != null ? known.canonical() : h;
  }
}
