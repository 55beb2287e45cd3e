package io.sipgw.presence;

import io.sipgw.config.PresenceConfig;
import io.sipgw.store.AorRecord;
import io.sipgw.store.Binding;
import io.sipgw.store.LocationStore;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.logging.Logger;
import org.w3c.dom.Document;

/**
 * What a presentity shows and to whom: its document, composed of its live publications and, as
 * pua_usrloc publishes it, a tuple of its registration; and its authorization rules (RFC 5025
 * pres-rules, kept by the XCAP server), which decide each watcher's sub-handling.
 */
final class Presentities {
  private static final Logger LOG = Logger.getLogger("sipgw.presence");
  /** The id of the tuple presence from registrations adds. */
  static final String USRLOC_TUPLE = "usrloc";

  private final PresenceStore store;
  private final LocationStore location;
  private final UserDocuments documents;
  private final Supplier<PresenceConfig> settings;
  private final ExpiryTimers expiries;

  /** {@code expiries}: told the bindings of each document made with them, to look again when they end. */
  Presentities(PresenceStore store, LocationStore location, UserDocuments documents, Supplier<PresenceConfig> settings,
      ExpiryTimers expiries) {
    this.store = store;
    this.location = location;
    this.documents = documents;
    this.settings = settings;
    this.expiries = expiries;
  }

  /** Looks again at a presentity's document when its last binding ends. */
  interface ExpiryTimers {
    void lookAgainWhenExpired(String entity, List<Binding> bindings);
  }

  /**
   * The presentity's document: its live publications, and, for a user the location service knows, a
   * tuple of its own (as pua_usrloc publishes it): open while it has a binding, closed when none.
   */
  Future<String> document(String entity, long now) {
    Future<AorRecord> registration = location.lookup(entity).recover(e -> Future.succeededFuture(null));
    return store.publications(entity, now).compose(pubs -> registration.map(reg -> {
      List<Document> parts = new ArrayList<>();
      for (Publication p : pubs) {
        try {
          parts.add(Pidf.parse(p.body()));
        } catch (Pidf.NotPidf e) {
          // checked when it was published: not reached
        }
      }
      if (reg != null && reg.known()) {
        if (!reg.bindings().isEmpty()) expiries.lookAgainWhenExpired(entity, reg.bindings());
        try {
          parts.add(Pidf.parse(Pidf.basic("sip:" + entity, USRLOC_TUPLE, !reg.bindings().isEmpty(), null)
              .getBytes(StandardCharsets.UTF_8)));
        } catch (Pidf.NotPidf e) {
          throw new IllegalStateException("the registration tuple is not PIDF", e);
        }
      }
      return Pidf.compose("sip:" + entity, parts);
    }));
  }

  /** The presentity's pres-rules; none when it has none or they cannot be read. */
  Future<PresRules> rules(String entity) {
    return documents.presRules(entity).map(PresRules::parse).recover(e -> {
      LOG.warning("the pres-rules of " + entity + " cannot be read: " + e.getMessage() + " (presence.defaultPolicy applies)");
      return Future.succeededFuture(PresRules.NONE);
    });
  }

  /**
   * What {@code watcher} (a URI or name-addr) gets from {@code entity}: itself always everything;
   * others what the rules say, else {@code presence.defaultPolicy}.
   */
  String handling(PresRules rules, String entity, String watcher, long now) {
    String uri = watcher.substring(Math.max(0, watcher.lastIndexOf('<')));
    if (PresRules.canonical(uri).equals(entity)) return "allow";
    String h = rules.handling(uri, now);
    return h != null ? h : settings.get().defaultPolicy();
  }
}
