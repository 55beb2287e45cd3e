package io.sipgw.xcap;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * PUT and DELETE of a document, an element or an attribute (RFC 4825 §7.4–7.8, §8.2): each applied
 * to the document as read, checked so that the same request again would change nothing (the
 * selector picks what was put, and nothing once deleted), else 409 cannot-insert or cannot-delete.
 */
final class Edits {
  private Edits() { }

  static Edit put(ApplicationUsage usage, XcapUri x, XcapDocument doc, byte[] body, String contentType) throws XcapException {
    if (!x.selectsNode()) {
      requireType(contentType, usage.mime);
      return new Edit(XcapXml.parse(body), doc == null ? 201 : 200, "PUT document");
    }
    if (doc == null) throw XcapException.conflictPhrase("no-parent", "no document " + x.key() + " to put into");
    Document d = XcapXml.parse(doc.body());
    List<Step> steps = x.steps();
    return x.attribute() == null ? putElement(d, steps, body, contentType) : putAttribute(d, steps, x.attribute(), body, contentType);
  }

  private static Edit putElement(Document d, List<Step> steps, byte[] body, String contentType) throws XcapException {
    requireType(contentType, "application/xcap-el+xml");
    Element target = XcapXml.select(d, steps);
    Element added;
    int status;
    if (target != null) {
      Node parent = target.getParentNode();
      added = XcapXml.fragment(body, parent instanceof Element p ? p : target);
      parent.replaceChild(added, target);
      status = 200;
    } else {
      Element parent = steps.size() == 1 ? null : XcapXml.select(d, steps.subList(0, steps.size() - 1));
      if (parent == null) throw XcapException.conflictPhrase("no-parent", "the parent of the element does not exist");
      added = XcapXml.fragment(body, parent);
      insert(parent, added, steps.get(steps.size() - 1));
      status = 201;
    }
    if (XcapXml.select(d, steps) != added) {
      throw XcapException.conflictPhrase("cannot-insert", "the selector would not pick the element put");
    }
    return new Edit(d, status, status == 201 ? "PUT new element" : "PUT element");
  }

  /** Places {@code added} under {@code parent}: where its position says, else after the last child. */
  private static void insert(Element parent, Element added, Step last) throws XcapException {
    if (last.position() == 0) {
      parent.appendChild(added);
      return;
    }
    List<Element> named = XcapXml.pick(XcapXml.children(parent), new Step(last.namespace(), last.name(), 0, null, null));
    if (last.position() > named.size() + 1) {
      throw XcapException.conflictPhrase("cannot-insert", "position " + last.position() + " with " + named.size() + " such elements");
    }
    if (last.position() == 1) {
      parent.insertBefore(added, named.isEmpty() ? null : named.get(0));
    } else {
      parent.insertBefore(added, named.get(last.position() - 2).getNextSibling());
    }
  }

  private static Edit putAttribute(Document d, List<Step> steps, String name, byte[] body, String contentType) throws XcapException {
    requireType(contentType, "application/xcap-att+xml");
    Element e = XcapXml.select(d, steps);
    if (e == null) throw XcapException.conflictPhrase("no-parent", "the element of the attribute does not exist");
    boolean had = e.hasAttributeNS(null, name);
    e.setAttributeNS(null, name, attributeValue(body));
    if (XcapXml.select(d, steps) != e) throw XcapException.conflictPhrase("cannot-insert", "the selector would not pick the element any more");
    return new Edit(d, had ? 200 : 201, had ? "PUT attribute" : "PUT new attribute");
  }

  /** An attribute value as XML writes it (RFC 4825 §7.3: escaped, no quotes), read back to its text. */
  private static String attributeValue(byte[] body) throws XcapException {
    String v = XcapXml.utf8(body);
    if (v.indexOf('"') >= 0 || v.indexOf('<') >= 0) throw XcapException.conflict("<not-xml-att-value/>", "not an attribute value");
    try {
      Document d = XcapXml.builder().parse(new ByteArrayInputStream(("<v a=\"" + v + "\"/>").getBytes(StandardCharsets.UTF_8)));
      return d.getDocumentElement().getAttribute("a");
    } catch (SAXException | IOException e) {
      throw XcapException.conflict("<not-xml-att-value/>", "not an attribute value: " + e.getMessage());
    }
  }

  static Edit delete(XcapUri x, XcapDocument doc) throws XcapException {
    if (doc == null) throw XcapException.status(404, "no document " + x.key());
    if (!x.selectsNode()) return new Edit(null, 200, "DELETE document");
    Document d = XcapXml.parse(doc.body());
    Element e = XcapXml.select(d, x.steps());
    if (e == null) throw XcapException.status(404, "the selector picks no single element");
    if (x.attribute() != null) {
      if (!e.hasAttributeNS(null, x.attribute())) throw XcapException.status(404, "no attribute " + x.attribute());
      e.removeAttributeNS(null, x.attribute());
      if (XcapXml.select(d, x.steps()) != e) throw XcapException.conflictPhrase("cannot-delete", "the selector would pick another element");
      return new Edit(d, 200, "DELETE attribute");
    }
    if (e == d.getDocumentElement()) throw XcapException.conflictPhrase("cannot-delete", "the root element goes with the document only");
    e.getParentNode().removeChild(e);
    if (XcapXml.select(d, x.steps()) != null) throw XcapException.conflictPhrase("cannot-delete", "the selector would pick another element");
    return new Edit(d, 200, "DELETE element");
  }

  private static void requireType(String contentType, String wanted) throws XcapException {
    String t = contentType == null ? "" : contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
    if (!t.equals(wanted)) throw XcapException.status(415, "the body must be " + wanted + ", not " + (t.isEmpty() ? "untyped" : t));
  }
}
