package io.sipgw.admin;

import io.sipgw.Sipgw;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * What {@code stats.get_statistics} answers, assembled in this one place: what the gateway counts
 * cheaply (registered AORs, connections per transport, transactions, bans, stored messages) and the SIP
 * counters of the node's metrics ({@code io.sipgw.metrics.Metrics#statistics()}: requests per method,
 * responses per method and class, dialogs, connections, drops), whose groups do not replace these.
 */
final class Statistics {
  private Statistics() { }

  /** Groups of counters: registrar, transport, tm, bans, msilo, then the metrics' (requests, responses, dialogs …). */
  static Future<JsonObject> of(Sipgw g) {
    Future<Integer> aors = g.locationStore().countRegistered();
    Future<JsonObject> tm = g.transactionCounts();
    Future<Long> stored = g.storedMessageCount();
    return Future.join(aors, tm, stored).transform(x -> {
      JsonObject connections = new JsonObject();
      g.connectionCounts().forEach(connections::put);
      JsonObject out = new JsonObject()
          .put("registrar", new JsonObject().put("registered_aors", aors.succeeded() ? aors.result() : null))
          .put("transport", new JsonObject().put("connections", connections))
          .put("tm", tm.succeeded() ? tm.result().copy() : new JsonObject())
          .put("bans", new JsonObject().put("active", g.sourceGuard().bans().size()))
          .put("msilo", new JsonObject().put("stored", stored.succeeded() ? stored.result() : null));
      out.getJsonObject("tm").remove("loops");
      // the SIP counters of the node's metrics: requests per method, responses per class, dialogs, drops …
      g.metrics().statistics().forEach(e -> {
        if (!out.containsKey(e.getKey())) out.put(e.getKey(), e.getValue());
      });
      return Future.succeededFuture(out);
    });
  }
}
