package io.sipgw.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/** How {@link Pidf#compose} makes one presentity document of its publications. */
class PidfTest {
  private static final String ENTITY = "sip:bob@localhost";
  private static final Pattern TUPLE = Pattern.compile("<tuple id=\"([^\"]+)\"><status><basic>(\\w+)</basic>");
  private static final Pattern PERSON = Pattern.compile("<dm:person\\b");

  private static Document pidf(String tupleId, String basic, String personId) throws Pidf.NotPidf {
    String person = personId == null ? ""
        : "<dm:person xmlns:dm=\"urn:ietf:params:xml:ns:pidf:data-model\" id=\"" + personId + "\"/>";
    return Pidf.parse(("<presence xmlns=\"" + Pidf.NS + "\" entity=\"" + ENTITY + "\">" + person
        + "<tuple id=\"" + tupleId + "\"><status><basic>" + basic + "</basic></status></tuple></presence>").getBytes(StandardCharsets.UTF_8));
  }

  /** "id=basic" for each tuple of {@code document}, in order. */
  private static List<String> tuples(String document) {
    List<String> found = new ArrayList<>();
    Matcher m = TUPLE.matcher(document);
    while (m.find()) found.add(m.group(1) + "=" + m.group(2));
    return found;
  }

  @Test
  void everyPublicationIsShownInPublicationOrder() throws Pidf.NotPidf {
    String doc = Pidf.compose(ENTITY, List.of(pidf("pc", "open", null), pidf("phone", "closed", null)));
    assertEquals(List.of("pc=open", "phone=closed"), tuples(doc));
    assertTrue(doc.contains("entity=\"" + ENTITY + "\""), doc);
  }

  /**
   * baresip's first PUBLISH (still "unknown") and the one it sends as it registers, before the first
   * is answered, are two publications of tuple t4109; the later one's state is shown, alone, with its
   * person element, and the earlier publication's person element goes with it.
   */
  @Test
  void aPublicationWhoseTupleALaterOneHasTooIsLeftOut() throws Pidf.NotPidf {
    String doc = Pidf.compose(ENTITY, List.of(pidf("t4109", "unknown", "p4159"), pidf("pc", "open", null),
        pidf("t4109", "closed", "p4159"), pidf("usrloc", "open", null)));
    assertEquals(List.of("pc=open", "t4109=closed", "usrloc=open"), tuples(doc));
    Matcher person = PERSON.matcher(doc);
    int persons = 0;
    while (person.find()) persons++;
    assertEquals(1, persons, doc);
  }

  /**
   * The order of the responses decides which publication baresip modifies: when the answer to its
   * second PUBLISH came first, it goes on with the first publication. Its modification is the state
   * it published last, so that one is shown, whichever publication was made first.
   */
  @Test
  void theStatePublishedLastIsShownWhicheverPublicationWasMadeFirst() throws Pidf.NotPidf {
    MemoryPresenceStore store = new MemoryPresenceStore();
    Publication first = new Publication("bob@localhost", "e.1", 600_000, 1, bytes(pidf("t4109", "unknown", "p4159")));
    Publication second = new Publication("bob@localhost", "e.2", 600_000, 2, bytes(pidf("t4109", "open", "p4159")));
    store.put(first, null);
    store.put(second, null);
    store.put(first.with("e.3", 600_000, bytes(pidf("t4109", "closed", "p4159")), 3), "e.1");
    store.put(second.with("e.4", 600_000, null, 4), "e.2"); // a refresh: no new state, the same place
    List<Document> parts = new ArrayList<>();
    for (Publication p : store.publications("bob@localhost", 5).result()) parts.add(Pidf.parse(p.body()));
    assertEquals(List.of("t4109=closed"), tuples(Pidf.compose(ENTITY, parts)));
  }

  private static byte[] bytes(Document d) { return Pidf.compose(ENTITY, List.of(d)).getBytes(StandardCharsets.UTF_8); }
}
