package io.sipgw.presence;

import java.util.List;

/**
 * A resource list's NOTIFY body (RFC 4662 §5): multipart/related (RFC 2387) whose root part is the
 * RLMI document naming each resource with its instance and state, followed by one part per active
 * instance with that resource's presence document, referenced by Content-ID.
 */
final class Rlmi {
  static final String NS = "urn:ietf:params:xml:ns:rlmi";
  static final String BOUNDARY = "sipgw-rlmi-9f2c";

  private Rlmi() { }

  /**
   * A resource: {@code state} {@code active}, {@code pending} or {@code terminated} ({@code reason}
   * then), with its document when active; no instance at all when {@code state} is null (a resource
   * this server does not serve).
   */
  record Resource(String uri, String name, String instance, String state, String reason, String document) { }

  /** The Content-Type of a body of {@link #body}, whose root part has Content-ID {@code start}. */
  static String contentType(String start) {
    return "multipart/related;type=\"application/rlmi+xml\";start=\"<" + start + ">\";boundary=\"" + BOUNDARY + "\"";
  }

  /** The body: the RLMI document (Content-ID {@code start}) of list {@code uri} at {@code version}, then the documents. */
  static String body(String uri, String start, long version, boolean full, List<Resource> resources) {
    StringBuilder rlmi = new StringBuilder(256 + 160 * resources.size())
        .append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<list xmlns=\"").append(NS).append("\" uri=\"").append(Pidf.escape(uri))
        .append("\" version=\"").append(version).append("\" fullState=\"").append(full).append("\">");
    StringBuilder parts = new StringBuilder();
    for (int i = 0; i < resources.size(); i++) {
      Resource r = resources.get(i);
      rlmi.append("<resource uri=\"").append(Pidf.escape(r.uri())).append("\">");
      if (r.name() != null) rlmi.append("<name>").append(Pidf.escape(r.name())).append("</name>");
      if (r.state() != null) {
        rlmi.append("<instance id=\"").append(Pidf.escape(r.instance())).append("\" state=\"").append(r.state()).append('"');
        if (r.reason() != null) rlmi.append(" reason=\"").append(r.reason()).append('"');
        if (r.document() != null) {
          String cid = version + "." + i + "." + start;
          rlmi.append(" cid=\"").append(Pidf.escape(cid)).append('"');
          parts.append("--").append(BOUNDARY).append("\r\nContent-Transfer-Encoding: binary\r\nContent-ID: <").append(cid)
              .append(">\r\nContent-Type: ").append(Pidf.CONTENT_TYPE).append(";charset=\"UTF-8\"\r\n\r\n").append(r.document()).append("\r\n");
        }
        rlmi.append("/>");
      }
      rlmi.append("</resource>");
    }
    rlmi.append("</list>");
    return "--" + BOUNDARY + "\r\nContent-Transfer-Encoding: binary\r\nContent-ID: <" + start
        + ">\r\nContent-Type: application/rlmi+xml;charset=\"UTF-8\"\r\n\r\n" + rlmi + "\r\n" + parts + "--" + BOUNDARY + "--\r\n";
  }

}
