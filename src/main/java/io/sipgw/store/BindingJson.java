package io.sipgw.store;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * An AOR's bindings as the JSON text a shared store keeps: an array of objects with short keys, every
 * field of {@link Binding}. Read back exactly as written.
 */
final class BindingJson {
  private BindingJson() { }

  static String write(List<Binding> bindings) {
    JsonArray a = new JsonArray();
    for (Binding b : bindings) {
      Binding.Source s = b.source();
      JsonObject o = new JsonObject()
          .put("c", b.contact()).put("e", b.expiresAtMillis()).put("q", (double) b.q())
          .put("i", b.callId()).put("s", b.cseq()).put("p", new JsonArray(new ArrayList<>(b.path())));
      if (s != null) {
        o.put("src", new JsonObject().put("t", s.transport()).put("l", s.listener()).put("h", s.host())
            .put("o", s.port()).put("n", s.connectionId()).put("v", s.viaBehindNat()).put("nd", s.node())
            .put("rt", s.route()));
      }
      if (b.instanceId() != null) o.put("in", b.instanceId()).put("r", b.regId());
      if (b.userAgent() != null) o.put("ua", b.userAgent());
      a.add(o);
    }
    return a.encode();
  }

  static List<Binding> read(String aor, String json) {
    JsonArray a = new JsonArray(json);
    List<Binding> out = new ArrayList<>(a.size());
    for (int i = 0; i < a.size(); i++) {
      JsonObject o = a.getJsonObject(i);
      JsonObject s = o.getJsonObject("src");
      Binding.Source source = s == null ? null : new Binding.Source(s.getString("t"), s.getString("l"), s.getString("h"),
          s.getInteger("o"), s.getLong("n"), s.getBoolean("v", false), s.getString("nd"), s.getString("rt"));
      List<String> path = new ArrayList<>();
      for (Object p : o.getJsonArray("p", new JsonArray())) path.add((String) p);
      out.add(new Binding(aor, o.getString("c"), o.getLong("e"), o.getDouble("q").floatValue(), o.getString("i"),
          o.getLong("s"), source, List.copyOf(path), o.getString("in"), o.getInteger("r", 0), o.getString("ua")));
    }
    return out;
  }
}
