package io.sipgw.presence;

import io.sipgw.sip.XmlBody;
import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * PIDF documents (RFC 3863): a published one checked, and the presentity's document composed from
 * all its live publications, as presence_xml does: one {@code <presence entity="…">} holding every
 * element of every publication (tuples, RPID person and device elements, notes) in the order their
 * states were published, one tuple to an id. XML read with no DTD and no external entities.
 */
public final class Pidf {
  public static final String NS = "urn:ietf:params:xml:ns:pidf";
  public static final String CONTENT_TYPE = "application/pidf+xml";

  private Pidf() { }

  /** Thrown for a body that is not a PIDF document, with what is wrong. */
  public static final class NotPidf extends Exception {
    NotPidf(String why) { super(why, null, false, false); }
  }

  static DocumentBuilder builder() { return XmlBody.builder(); }

  /** {@code body} read as PIDF: a {@code presence} root in the PIDF namespace. */
  public static Document parse(byte[] body) throws NotPidf {
    Document d;
    try {
      d = builder().parse(new ByteArrayInputStream(body));
    } catch (SAXException | java.io.IOException e) {
      throw new NotPidf("not well-formed XML: " + e.getMessage());
    }
    Element root = d.getDocumentElement();
    if (!NS.equals(root.getNamespaceURI()) || !"presence".equals(root.getLocalName())) {
      throw new NotPidf("the root is not a PIDF <presence> element");
    }
    return d;
  }

  /**
   * The document of {@code entity} made of the children of the documents in {@code parts} (in the
   * order their states were published), in that order; a part with a tuple whose id a later part's tuple
   * has too is left out, as presence_xml leaves it out: a tuple's id is unique in its document
   * (RFC 3863 §4.1.2, an xs:ID), and a client that made a second publication of the same tuple
   * (baresip does, when its first PUBLISH is still unanswered as it registers) is shown by the state
   * it published last, not by the one it left behind in the other publication.
   */
  public static String compose(String entity, List<Document> parts) {
    Document out = builder().newDocument();
    Element presence = out.createElementNS(NS, "presence");
    presence.setAttribute("entity", entity);
    out.appendChild(presence);
    Set<String> laterTuples = new HashSet<>();
    List<Document> shown = new ArrayList<>();
    for (int i = parts.size() - 1; i >= 0; i--) {
      List<String> ids = tupleIds(parts.get(i));
      if (ids.stream().noneMatch(laterTuples::contains)) shown.add(0, parts.get(i));
      laterTuples.addAll(ids);
    }
    for (Document part : shown) {
      for (Node n = part.getDocumentElement().getFirstChild(); n != null; n = n.getNextSibling()) {
        if (n.getNodeType() == Node.ELEMENT_NODE) presence.appendChild(out.importNode(n, true));
      }
    }
    return write(out);
  }

  /** The ids of the PIDF tuples of {@code part}. */
  private static List<String> tupleIds(Document part) {
    List<String> ids = new ArrayList<>();
    for (Node n = part.getDocumentElement().getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && NS.equals(e.getNamespaceURI()) && "tuple".equals(e.getLocalName()) && e.hasAttribute("id")) {
        ids.add(e.getAttribute("id"));
      }
    }
    return ids;
  }

  /** A document of one tuple with a basic status, as presence from registrations publishes it. */
  public static String basic(String entity, String tupleId, boolean open, String contact) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<presence xmlns=\"" + NS + "\" entity=\"" + escape(entity) + "\">"
        + "<tuple id=\"" + escape(tupleId) + "\"><status><basic>" + (open ? "open" : "closed") + "</basic></status>"
        + (contact == null ? "" : "<contact>" + escape(contact) + "</contact>") + "</tuple></presence>";
  }

  static String escape(String s) { return XmlBody.escape(s); }

  private static String write(Document d) {
    try {
      Transformer t = TransformerFactory.newInstance().newTransformer();
      t.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
      StringWriter w = new StringWriter();
      t.transform(new DOMSource(d), new StreamResult(w));
      return w.toString();
    } catch (TransformerException e) {
      throw new IllegalStateException("cannot write a PIDF document", e);
    }
  }
}
