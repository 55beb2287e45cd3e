package io.sipgw.presence;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilder;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * A user's presence authorization rules (RFC 5025 on RFC 4745's common policy), as the XCAP server
 * keeps them: which watchers get which {@code sub-handling}. A rule applies when each of its
 * conditions holds (an {@code identity} when one of its {@code one}/{@code many} names the watcher;
 * {@code validity} when now is in one of its periods; any other condition, {@code sphere} among them,
 * never, RFC 4745 §7); the watcher gets the most permissive sub-handling of the rules that apply
 * (§10.2: block &lt; confirm &lt; polite-block &lt; allow), or none when none does.
 */
final class PresRules {
  static final String CP = "urn:ietf:params:xml:ns:common-policy";
  static final String PR = "urn:ietf:params:xml:ns:pres-rules";
  static final List<String> ORDER = List.of("block", "confirm", "polite-block", "allow");
  /** A user without rules. */
  static final PresRules NONE = new PresRules(List.of());

  private record Rule(List<Element> conditions, String handling) { }

  private final List<Rule> rules;

  private PresRules(List<Rule> rules) { this.rules = rules; }

  /** The rules of a pres-rules document (checked against its schema when it was put); NONE for what does not read. */
  static PresRules parse(byte[] doc) {
    if (doc == null) return NONE;
    org.w3c.dom.Document d;
    try {
      DocumentBuilder b = Pidf.builder();
      d = b.parse(new ByteArrayInputStream(doc));
    } catch (SAXException | IOException e) {
      return NONE;
    }
    List<Rule> out = new ArrayList<>();
    for (Element rule : children(d.getDocumentElement(), CP, "rule")) {
      List<Element> conditions = new ArrayList<>();
      for (Element c : children(rule, CP, "conditions")) conditions.addAll(children(c, null, null));
      String handling = null;
      for (Element a : children(rule, CP, "actions")) {
        for (Element sh : children(a, PR, "sub-handling")) handling = sh.getTextContent().trim();
      }
      if (handling != null && ORDER.contains(handling)) out.add(new Rule(conditions, handling));
    }
    return new PresRules(List.copyOf(out));
  }

  boolean none() { return rules.isEmpty(); }

  /** The sub-handling {@code watcher} (a SIP URI) gets at {@code now}, or null when no rule says. */
  String handling(String watcher, long now) {
    String w = canonical(watcher);
    String best = null;
    for (Rule r : rules) {
      boolean holds = true;
      for (Element c : r.conditions()) {
        if (!holds(c, w, now)) {
          holds = false;
          break;
        }
      }
      if (holds && (best == null || ORDER.indexOf(r.handling()) > ORDER.indexOf(best))) best = r.handling();
    }
    return best;
  }

  private static boolean holds(Element condition, String watcher, long now) {
    if (!CP.equals(condition.getNamespaceURI())) return false;
    switch (condition.getLocalName()) {
      case "identity":
        String domain = watcher.substring(watcher.lastIndexOf('@') + 1);
        for (Element one : children(condition, CP, "one")) if (canonical(one.getAttribute("id")).equals(watcher)) return true;
        for (Element many : children(condition, CP, "many")) {
          if (many.hasAttribute("domain") && !many.getAttribute("domain").equalsIgnoreCase(domain)) continue;
          boolean excepted = false;
          for (Element ex : children(many, CP, "except")) {
            if (ex.hasAttribute("domain") && ex.getAttribute("domain").equalsIgnoreCase(domain)
                || ex.hasAttribute("id") && canonical(ex.getAttribute("id")).equals(watcher)) excepted = true;
          }
          if (!excepted) return true;
        }
        return false;
      case "validity":
        List<Element> times = children(condition, CP, null);
        for (int i = 0; i + 1 < times.size(); i += 2) {
          try {
            long from = OffsetDateTime.parse(times.get(i).getTextContent().trim()).toInstant().toEpochMilli();
            long until = OffsetDateTime.parse(times.get(i + 1).getTextContent().trim()).toInstant().toEpochMilli();
            if (from <= now && now < until) return true;
          } catch (DateTimeParseException e) {
            // RFC 4745 errata 1455: a time without its zone is no time
          }
        }
        return false;
      default:
        return false;
    }
  }

  /** A SIP URI (or a name-addr of one) as the key of its address of record; itself when it is none. */
  static String canonical(String uri) {
    String s = uri.trim();
    if (s.startsWith("<") && s.endsWith(">")) s = s.substring(1, s.length() - 1);
    try {
      return io.sipgw.sip.SipUri.parse(s).aor();
    } catch (io.sipgw.sip.SipParseException e) {
      return s;
    }
  }

  private static List<Element> children(Element e, String ns, String name) {
    List<Element> out = new ArrayList<>();
    for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element c && (ns == null || ns.equals(c.getNamespaceURI())) && (name == null || name.equals(c.getLocalName()))) out.add(c);
    }
    return out;
  }
}
