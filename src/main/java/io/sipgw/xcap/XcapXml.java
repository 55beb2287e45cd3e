package io.sipgw.xcap;

import io.sipgw.sip.XmlBody;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * The XML side of XCAP: documents read (UTF-8 only, no DTD, no external entities), written, and
 * walked by an element selector (RFC 4825 §6.3: each step picks among the children of what the one
 * before picked; a selector that picks more than one element picks none).
 */
final class XcapXml {
  private XcapXml() { }

  static DocumentBuilder builder() { return XmlBody.builder(); }

  /** {@code body} as a document: 409 not-utf-8 or not-well-formed when it is not one (RFC 4825 §8.2.1). */
  static Document parse(byte[] body) throws XcapException {
    utf8(body);
    try {
      return builder().parse(new ByteArrayInputStream(body));
    } catch (SAXException | IOException e) {
      throw XcapException.conflict("<not-well-formed/>", "not well-formed XML: " + e.getMessage());
    }
  }

  static String utf8(byte[] body) throws XcapException {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
    } catch (CharacterCodingException e) {
      throw XcapException.conflict("<not-utf-8/>", "the body is not UTF-8");
    }
  }

  /**
   * {@code body} (application/xcap-el+xml) as one element, read with the namespaces in scope at
   * {@code parent} (RFC 4825 §8.2.3), imported into {@code parent}'s document; 409 not-xml-frag otherwise.
   */
  static Element fragment(byte[] body, Element parent) throws XcapException {
    String text = utf8(body);
    StringBuilder wrap = new StringBuilder("<sipgw-fragment");
    List<String> seen = new ArrayList<>();
    for (Node n = parent; n instanceof Element e; n = n.getParentNode()) {
      NamedNodeMap attrs = e.getAttributes();
      for (int i = 0; i < attrs.getLength(); i++) {
        Node a = attrs.item(i);
        String name = a.getNodeName();
        if ((name.equals("xmlns") || name.startsWith("xmlns:")) && !seen.contains(name)) {
          seen.add(name);
          wrap.append(' ').append(name).append("=\"").append(XcapException.escape(a.getNodeValue())).append('"');
        }
      }
    }
    wrap.append('>').append(text.replaceFirst("^\\s*<\\?xml[^>]*\\?>", "")).append("</sipgw-fragment>");
    Document d;
    try {
      d = builder().parse(new ByteArrayInputStream(wrap.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (SAXException | IOException e) {
      throw XcapException.conflict("<not-xml-frag/>", "not one well-formed element: " + e.getMessage());
    }
    List<Element> elements = children(d.getDocumentElement());
    boolean onlySpace = true;
    for (Node n = d.getDocumentElement().getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n.getNodeType() == Node.TEXT_NODE && !n.getNodeValue().isBlank()) onlySpace = false;
    }
    if (elements.size() != 1 || !onlySpace) throw XcapException.conflict("<not-xml-frag/>", "the body is not exactly one element");
    return (Element) parent.getOwnerDocument().importNode(elements.get(0), true);
  }

  static List<Element> children(Element e) {
    List<Element> out = new ArrayList<>();
    for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) if (n instanceof Element c) out.add(c);
    return out;
  }

  /** The one element {@code steps} pick in {@code d}, or null (none, or more than one). */
  static Element select(Document d, List<Step> steps) {
    List<Element> level = pick(List.of(d.getDocumentElement()), steps.get(0));
    for (int i = 1; i < steps.size() && !level.isEmpty(); i++) {
      List<Element> next = new ArrayList<>();
      for (Element parent : level) next.addAll(pick(children(parent), steps.get(i)));
      level = next;
    }
    return level.size() == 1 ? level.get(0) : null;
  }

  /** Those of {@code siblings} one step picks: by name, then position among those of the name, then the attribute test. */
  static List<Element> pick(List<Element> siblings, Step s) {
    List<Element> named = new ArrayList<>();
    for (Element e : siblings) if (s.names(e)) named.add(e);
    if (s.position() > 0) named = named.size() >= s.position() ? List.of(named.get(s.position() - 1)) : List.of();
    List<Element> out = new ArrayList<>();
    for (Element e : named) if (s.attributeHolds(e)) out.add(e);
    return out;
  }

  static byte[] write(Node node, boolean declaration) {
    try {
      Transformer t = TransformerFactory.newInstance().newTransformer();
      t.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
      t.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, declaration ? "no" : "yes");
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      t.transform(new DOMSource(node), new StreamResult(out));
      return out.toByteArray();
    } catch (TransformerException e) {
      throw new IllegalStateException("cannot write an XCAP document", e);
    }
  }
}
