package io.sipgw.presence;

import java.util.List;

/** Watcher information documents (RFC 3858): who watches a resource, as a {@code presence.winfo} NOTIFY carries it. */
final class WatcherInfo {
  static final String CONTENT_TYPE = "application/watcherinfo+xml";
  static final String NS = "urn:ietf:params:xml:ns:watcherinfo";

  private WatcherInfo() { }

  /** The full state: every watcher of {@code resource}'s {@code pkg}, each with its {@code status}, at {@code version}. */
  static String full(String resource, String pkg, List<Subscription> watchers, List<String> status, long version) {
    StringBuilder sb = new StringBuilder(256 + 128 * watchers.size())
        .append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<watcherinfo xmlns=\"").append(NS).append("\" version=\"").append(version)
        .append("\" state=\"full\"><watcher-list resource=\"").append(Pidf.escape(resource)).append("\" package=\"").append(pkg).append("\">");
    for (int i = 0; i < watchers.size(); i++) {
      Subscription w = watchers.get(i);
      String uri = w.watcher().substring(w.watcher().lastIndexOf('<') + 1, w.watcher().lastIndexOf('>'));
      sb.append("<watcher id=\"").append(Integer.toHexString(w.id().hashCode())).append("\" event=\"subscribe\" status=\"").append(status.get(i)).append("\">")
          .append(Pidf.escape(uri)).append("</watcher>");
    }
    return sb.append("</watcher-list></watcherinfo>").toString();
  }
}
