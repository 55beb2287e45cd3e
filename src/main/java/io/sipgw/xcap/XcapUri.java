package io.sipgw.xcap;

import io.sipgw.sip.SipParseException;
import io.sipgw.sip.SipUri;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An XCAP URI below the XCAP root (RFC 4825 §6): {@code <auid>/users/<xui>/<document>} or
 * {@code <auid>/global/<document>}, then optionally {@code /~~/} and a node selector: element steps,
 * and a last {@code @attribute} for an attribute. Prefixes in the selector come from the query's
 * {@code xmlns(prefix=namespace)} parts (§6.4); an unprefixed name is in the application usage's
 * default namespace.
 *
 * @param user the XUI as {@code user@domain} (null in the global tree)
 * @param steps the element selector (empty: the whole document)
 * @param attribute the attribute selected, or null
 */
record XcapUri(String auid, String user, String document, List<Step> steps, String attribute) {
  private static final Pattern XMLNS = Pattern.compile("xmlns\\(\\s*([A-Za-z_][\\w.-]*)\\s*=\\s*([^)]+)\\)");
  private static final Pattern NAME = Pattern.compile("(?:([A-Za-z_][\\w.-]*):)?([A-Za-z_][\\w.-]*|\\*)");
  private static final Pattern PREDICATE = Pattern.compile("\\[(?:(\\d{1,9})|@([A-Za-z_][\\w.-]*)\\s*=\\s*(?:\"([^\"]*)\"|'([^']*)'))\\]");

  boolean global() { return user == null; }

  boolean selectsNode() { return !steps.isEmpty(); }

  DocumentKey key() { return new DocumentKey(auid, user, document); }

  /**
   * {@code path}: what follows the XCAP root, as received (percent-encoded); {@code query}: the raw
   * query or null; {@code defaultNamespace}: of the application usage, for unprefixed names.
   */
  static XcapUri parse(String path, String query, java.util.function.Function<String, String> defaultNamespace) throws XcapException {
    int sep = path.indexOf("/~~/");
    String docPart = sep < 0 ? path : path.substring(0, sep);
    String[] seg = docPart.split("/", -1);
    if (seg.length < 3) throw XcapException.status(404, "no document in " + path);
    String auid = decode(seg[0]);
    String user;
    int docStart;
    if (seg[1].equals("global")) {
      user = null;
      docStart = 2;
    } else if (seg[1].equals("users") && seg.length >= 4) {
      user = xui(decode(seg[2]));
      docStart = 3;
    } else {
      throw XcapException.status(404, "not a document of the users or global tree: " + path);
    }
    List<String> names = new ArrayList<>();
    for (int i = docStart; i < seg.length; i++) {
      String s = decode(seg[i]);
      if (s.isEmpty() || s.equals(".") || s.equals("..")) throw XcapException.status(404, "no document named " + docPart);
      names.add(s);
    }
    List<Step> steps = new ArrayList<>();
    String attribute = null;
    if (sep >= 0) {
      Map<String, String> ns = namespaces(query == null ? "" : decode(query));
      List<String> parts = split(decode(path.substring(sep + 4)));
      for (int i = 0; i < parts.size(); i++) {
        String p = parts.get(i);
        if (i == parts.size() - 1 && i > 0 && p.startsWith("@")) {
          attribute = p.substring(1);
          if (!NAME.matcher(attribute).matches() || attribute.contains(":")) throw XcapException.status(400, "bad attribute selector " + p);
        } else if (p.equals("namespace::*")) {
          throw XcapException.status(400, "namespace selectors are not served");
        } else {
          steps.add(step(p, ns, defaultNamespace.apply(auid)));
        }
      }
      if (steps.isEmpty()) throw XcapException.status(400, "an empty node selector");
    }
    return new XcapUri(auid, user, String.join("/", names), steps, attribute);
  }

  /** {@code sip:alice@example.com} (or without scheme) as {@code alice@example.com}, the domain in lower case. */
  static String xui(String xui) throws XcapException {
    try {
      SipUri u = SipUri.parse(xui.startsWith("sip:") || xui.startsWith("sips:") ? xui : "sip:" + xui);
      if (u.user() != null && u.port() <= 0 && u.params().size() == 0) return u.aor();
    } catch (SipParseException e) {
      // answered below
    }
    throw XcapException.status(404, "the XUI " + xui + " is not the SIP address of a user");
  }

  private static Map<String, String> namespaces(String query) {
    Map<String, String> out = new HashMap<>();
    Matcher m = XMLNS.matcher(query);
    while (m.find()) out.put(m.group(1), m.group(2).trim());
    return out;
  }

  private static Step step(String text, Map<String, String> ns, String defaultNs) throws XcapException {
    int bracket = text.indexOf('[');
    Matcher name = NAME.matcher(bracket < 0 ? text : text.substring(0, bracket));
    if (!name.matches()) throw XcapException.status(400, "bad step " + text);
    String namespace = defaultNs;
    if (name.group(1) != null) {
      namespace = ns.get(name.group(1));
      if (namespace == null) throw XcapException.status(400, "the prefix " + name.group(1) + " has no xmlns() in the query");
    }
    int position = 0;
    String attr = null;
    String value = null;
    Matcher pred = PREDICATE.matcher(text);
    int at = bracket < 0 ? text.length() : bracket;
    while (at < text.length()) {
      if (!pred.find(at) || pred.start() != at) throw XcapException.status(400, "bad predicate in step " + text);
      if (pred.group(1) != null) {
        if (position > 0 || attr != null) throw XcapException.status(400, "a position must come first, once: " + text);
        position = Integer.parseInt(pred.group(1));
        if (position < 1) throw XcapException.status(400, "positions start at 1: " + text);
      } else {
        if (attr != null) throw XcapException.status(400, "one attribute test per step: " + text);
        attr = pred.group(2);
        value = pred.group(3) != null ? pred.group(3) : pred.group(4);
      }
      at = pred.end();
    }
    return new Step(namespace, name.group(2), position, attr, value);
  }

  /** The selector's steps: split at {@code /} outside brackets and quotes. */
  private static List<String> split(String selector) throws XcapException {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    char quote = 0;
    int depth = 0;
    for (int i = 0; i < selector.length(); i++) {
      char c = selector.charAt(i);
      if (quote != 0) {
        if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '[') {
        depth++;
      } else if (c == ']') {
        depth--;
      } else if (c == '/' && depth == 0) {
        out.add(cur.toString());
        cur.setLength(0);
        continue;
      }
      cur.append(c);
    }
    if (quote != 0 || depth != 0) throw XcapException.status(400, "unbalanced quotes or brackets in " + selector);
    out.add(cur.toString());
    for (String s : out) if (s.isEmpty()) throw XcapException.status(400, "an empty step in " + selector);
    return out;
  }

  /** Percent-decoding (RFC 3986 §2.1) into UTF-8; a {@code +} stays a {@code +}. */
  static String decode(String s) throws XcapException {
    if (s.indexOf('%') < 0) return s;
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length()) throw XcapException.status(400, "a bad percent-encoding in " + s);
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) throw XcapException.status(400, "a bad percent-encoding in " + s);
        out.write(hi * 16 + lo);
        i += 2;
      } else {
        byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
