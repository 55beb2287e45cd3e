package io.sipgw.xcap;

import io.sipgw.presence.UserDocuments;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The documents the presence server reads, from the XCAP store: a user's pres-rules, and the members
 * of a resource-list service (RFC 4826 §4.3): the service's own {@code <list>} or the list its
 * {@code <resource-list>} URI points to in a user's resource-lists, flattened (nested lists,
 * {@code entry-ref} and {@code external} references into this server's documents followed, at most
 * {@value #DEPTH} deep), each URI once.
 */
public final class XcapUserDocuments implements UserDocuments {
  static final int DEPTH = 8;
  private final XcapStore store;

  public XcapUserDocuments(XcapStore store) { this.store = store; }

  @Override
  public Future<byte[]> presRules(String user) {
    return store.get(new DocumentKey(ApplicationUsage.PRES_RULES.auid, user, "index")).map(d -> d == null ? null : d.body());
  }

  @Override
  public Future<Set<String>> servicesOf(String owner) { return store.servicesOf(owner); }

  @Override
  public Future<List<Member>> listMembers(String serviceAor) {
    return store.serviceOwner(serviceAor).compose(owner -> {
      if (owner == null) return Future.succeededFuture();
      return store.get(new DocumentKey(ApplicationUsage.RLS_SERVICES.auid, owner, "index")).compose(doc -> {
        Element service = service(doc, serviceAor);
        if (service == null) return Future.succeededFuture();
        Map<String, Member> out = new LinkedHashMap<>();
        for (Element c : XcapXml.children(service)) {
          if (c.getLocalName().equals("list")) return flatten(c, out, 0).map(v -> List.copyOf(out.values()));
          if (c.getLocalName().equals("resource-list")) return reference(c.getTextContent().trim(), out, 0).map(v -> List.copyOf(out.values()));
        }
        return Future.succeededFuture(List.<Member>of());
      });
    });
  }

  private static Element service(XcapDocument doc, String serviceAor) {
    if (doc == null) return null;
    try {
      Document d = XcapXml.parse(doc.body());
      for (Element s : XcapXml.children(d.getDocumentElement())) {
        if (s.getLocalName().equals("service") && XcapServer.serviceKey(s.getAttribute("uri")).equals(serviceAor)) return s;
      }
    } catch (XcapException e) {
      // checked when it was put: not reached
    }
    return null;
  }

  /** The entries of {@code list} and of the lists it holds or refers to, in order. */
  private Future<Void> flatten(Element list, Map<String, Member> out, int depth) {
    Future<Void> done = Future.succeededFuture();
    for (Element c : XcapXml.children(list)) {
      if (!ApplicationUsage.RL_NS.equals(c.getNamespaceURI())) continue;
      switch (c.getLocalName()) {
        case "entry" -> {
          String uri = c.getAttribute("uri");
          done = done.map(v -> {
            out.putIfAbsent(uri, new Member(uri, displayName(c)));
            return null;
          });
        }
        case "list" -> done = done.compose(v -> depth < DEPTH ? flatten(c, out, depth + 1) : Future.succeededFuture());
        case "entry-ref" -> done = done.compose(v -> reference(c.getAttribute("ref"), out, depth + 1));
        case "external" -> done = done.compose(v -> reference(c.getAttribute("anchor"), out, depth + 1));
        default -> { }
      }
    }
    return done;
  }

  private static String displayName(Element entry) {
    for (Element n : XcapXml.children(entry)) if (n.getLocalName().equals("display-name")) return n.getTextContent().trim();
    return null;
  }

  /**
   * What an XCAP URI (absolute, or relative to the XCAP root as an entry-ref's is) selects in this
   * server's resource-lists documents: a list's entries, or one entry; nothing for what is elsewhere.
   */
  private Future<Void> reference(String uri, Map<String, Member> out, int depth) {
    int root = uri.indexOf(XcapServer.ROOT + "/");
    String path = root >= 0 ? uri.substring(root + XcapServer.ROOT.length() + 1) : uri.startsWith("/") || uri.contains("://") ? null : uri;
    if (path == null || depth > DEPTH) return Future.succeededFuture();
    int q = path.indexOf('?');
    XcapUri x;
    try {
      x = XcapUri.parse(q < 0 ? path : path.substring(0, q), q < 0 ? null : path.substring(q + 1), a -> ApplicationUsage.RL_NS);
    } catch (XcapException e) {
      return Future.succeededFuture();
    }
    if (x.global() || !x.auid().equals(ApplicationUsage.RESOURCE_LISTS.auid) || x.attribute() != null) return Future.succeededFuture();
    return store.get(x.key()).compose(doc -> {
      if (doc == null) return Future.succeededFuture();
      Element e;
      try {
        Document d = XcapXml.parse(doc.body());
        e = x.selectsNode() ? XcapXml.select(d, x.steps()) : d.getDocumentElement();
      } catch (XcapException ex) {
        return Future.succeededFuture();
      }
      if (e == null) return Future.succeededFuture();
      if (e.getLocalName().equals("entry")) {
        out.putIfAbsent(e.getAttribute("uri"), new Member(e.getAttribute("uri"), displayName(e)));
        return Future.succeededFuture();
      }
      return flatten(e, out, depth + 1);
    });
  }
}
