package io.sipgw.presence;

import java.util.List;

/**
 * A watcher's subscription to a presentity (RFC 6665): the dialog the NOTIFYs go in and its expiry.
 *
 * @param id the dialog, {@code Call-ID;remote tag}
 * @param event the package: {@code presence}, or {@code presence.winfo} (who watches the presentity)
 * @param entity the presentity, {@code user@domain}
 * @param watcher the watcher's From, a name-addr without its tag (the NOTIFYs' To)
 * @param remoteTag the watcher's From tag
 * @param localTag the To tag this server gave
 * @param target where the NOTIFYs go: the watcher's Contact
 * @param routes the NOTIFYs' Route values, in order
 * @param cseq the CSeq of the last NOTIFY sent
 * @param expires epoch milliseconds
 */
public record Subscription(String id, String event, String entity, String callId, String watcher, String remoteTag, String localTag, String target,
    List<String> routes, long cseq, long expires) {
  public Subscription {
    routes = List.copyOf(routes);
  }

  public Subscription withExpires(long newExpires) {
    return new Subscription(id, event, entity, callId, watcher, remoteTag, localTag, target, routes, cseq, newExpires);
  }

  public Subscription withCseq(long newCseq) {
    return new Subscription(id, event, entity, callId, watcher, remoteTag, localTag, target, routes, newCseq, expires);
  }
}
