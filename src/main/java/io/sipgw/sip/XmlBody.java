package io.sipgw.sip;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

/**
 * XML bodies and documents (PIDF, watcher info, XCAP documents) read safely: namespace-aware, no
 * DTD, no external entities, no XInclude, errors thrown rather than printed.
 */
public final class XmlBody {
  private XmlBody() { }

  /** A new parser (a DocumentBuilder is not thread-safe: one per use). */
  public static DocumentBuilder builder() {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setNamespaceAware(true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setXIncludeAware(false);
      f.setExpandEntityReferences(false);
      DocumentBuilder b = f.newDocumentBuilder();
      b.setErrorHandler(null);
      return b;
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("no XML parser", e);
    }
  }

  /** {@code s} as XML text or an attribute value. */
  public static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
