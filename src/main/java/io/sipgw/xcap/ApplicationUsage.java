package io.sipgw.xcap;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.xml.XMLConstants;
import javax.xml.transform.Source;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.xml.sax.SAXException;

/**
 * An XCAP application usage (RFC 4825 §5) this server keeps documents of: its AUID, MIME type,
 * default namespace (for unprefixed names in node selectors), the schema a document must pass, and
 * the constraints the schema cannot say (uniqueness, RFC 4826 §3.4.5, RFC 4745 §7).
 */
enum ApplicationUsage {
  /** RFC 5025: the presence authorization rules of a user, in its document {@code index}. */
  PRES_RULES("pres-rules", "application/auth-policy+xml", "urn:ietf:params:xml:ns:common-policy", "common-policy.xsd", "pres-rules.xsd"),
  /** RFC 4826 §3: a user's lists of resources (buddy lists). */
  RESOURCE_LISTS("resource-lists", "application/resource-lists+xml", "urn:ietf:params:xml:ns:resource-lists", "resource-lists.xsd"),
  /** RFC 4826 §4: the resource-list services (list URIs a watcher subscribes to) of a user. */
  RLS_SERVICES("rls-services", "application/rls-services+xml", "urn:ietf:params:xml:ns:rls-services", "resource-lists.xsd", "rls-services.xsd");

  static final String RL_NS = "urn:ietf:params:xml:ns:resource-lists";

  final String auid;
  final String mime;
  final String namespace;
  private final Schema schema;

  ApplicationUsage(String auid, String mime, String namespace, String... schemas) {
    this.auid = auid;
    this.mime = mime;
    this.namespace = namespace;
    this.schema = load(schemas);
  }

  private static final Map<String, ApplicationUsage> BY_AUID = Map.of(PRES_RULES.auid, PRES_RULES, RESOURCE_LISTS.auid, RESOURCE_LISTS,
      RLS_SERVICES.auid, RLS_SERVICES);

  static ApplicationUsage of(String auid) { return BY_AUID.get(auid); }

  private static Schema load(String... names) {
    SchemaFactory f = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
    List<InputStream> opened = new ArrayList<>();
    try {
      f.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
      f.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
      Source[] sources = new Source[names.length];
      for (int i = 0; i < names.length; i++) {
        InputStream in = ApplicationUsage.class.getResourceAsStream("/xcap/" + names[i]);
        if (in == null) throw new IllegalStateException("the schema xcap/" + names[i] + " is not in the jar");
        opened.add(in);
        sources[i] = new StreamSource(in, "xcap/" + names[i]);
      }
      return f.newSchema(sources);
    } catch (SAXException e) {
      throw new IllegalStateException("a bad XCAP schema: " + e.getMessage(), e);
    } finally {
      for (InputStream in : opened) {
        try {
          in.close();
        } catch (IOException e) {
          // read already
        }
      }
    }
  }

  /** Checks a whole document: 409 schema-validation-error or uniqueness-failure (RFC 4825 §8.2.5). */
  void check(Document d) throws XcapException {
    Validator v = schema.newValidator();
    try {
      v.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
      v.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
      v.validate(new DOMSource(d));
    } catch (SAXException e) {
      throw XcapException.conflict("<schema-validation-error/>", "the document fails the " + auid + " schema: " + e.getMessage());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    Element root = d.getDocumentElement();
    switch (this) {
      case PRES_RULES -> unique(XcapXml.children(root), "rule", "id", "ruleset/rule/@id");
      case RESOURCE_LISTS -> lists(root, "resource-lists");
      case RLS_SERVICES -> {
        unique(XcapXml.children(root), "service", "uri", "rls-services/service/@uri");
        for (Element service : XcapXml.children(root)) {
          for (Element c : XcapXml.children(service)) if (c.getLocalName().equals("list")) lists(c, "rls-services/service/list");
        }
      }
      default -> { }
    }
  }

  /** RFC 4826 §3.4.5: among the children of one list, names, URIs, refs and anchors are each unique. */
  private static void lists(Element list, String path) throws XcapException {
    List<Element> kids = XcapXml.children(list);
    unique(kids, "list", "name", path + "/list/@name");
    unique(kids, "entry", "uri", path + "/entry/@uri");
    unique(kids, "entry-ref", "ref", path + "/entry-ref/@ref");
    unique(kids, "external", "anchor", path + "/external/@anchor");
    for (Element k : kids) if (k.getLocalName().equals("list") && RL_NS.equals(k.getNamespaceURI())) lists(k, path + "/list");
  }

  private static void unique(List<Element> siblings, String name, String attribute, String field) throws XcapException {
    Set<String> seen = new HashSet<>();
    for (Element e : siblings) {
      if (!name.equals(e.getLocalName()) || !e.hasAttribute(attribute)) continue;
      String v = e.getAttribute(attribute);
      if (!seen.add(v)) {
        throw XcapException.conflict("<uniqueness-failure><exists field=\"" + field + "\"/></uniqueness-failure>",
            "two " + name + " elements with " + attribute + "=\"" + v + "\"");
      }
    }
  }

  /** The service URIs an rls-services document defines. */
  static Set<String> services(Document d) {
    Set<String> out = new HashSet<>();
    for (Element s : XcapXml.children(d.getDocumentElement())) if (s.getLocalName().equals("service")) out.add(s.getAttribute("uri"));
    return out;
  }
}
