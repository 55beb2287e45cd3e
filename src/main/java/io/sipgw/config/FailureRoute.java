package io.sipgw.config;

import io.sipgw.sip.SipUri;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * A next target for calls to a local user that fail (Kamailio's failure_route): when the best final
 * response is one of {@code codes}, the request goes once more, to {@code target}.
 *
 * @param codes the final statuses that apply (300..699), a BitSet indexed by status
 * @param codeText the codes as configured, e.g. {@code [408, 486, "5xx"]}
 * @param target where the request then goes; its Request-URI becomes this URI
 * @param aor the one user (user@domain) this rule is for, or null for every user
 */
public record FailureRoute(BitSet codes, JsonArray codeText, SipUri target, String aor) {

  public boolean matches(int status, String requestAor) {
    return status >= 300 && status < 700 && codes.get(status) && (aor == null || aor.equalsIgnoreCase(requestAor));
  }

  static List<FailureRoute> readList(ConfigObject parent, String name) {
    List<FailureRoute> out = new ArrayList<>();
    for (ConfigObject o : parent.objects(name, "{\"codes\": [486, \"5xx\"], \"target\": \"sip:voicemail@10.0.0.5\"}")) out.add(read(o));
    return out;
  }

  private static FailureRoute read(ConfigObject o) {
    JsonArray codeText = o.array("codes");
    if (codeText == null || codeText.isEmpty()) throw new ConfigException(o.key("codes"), "is required: the final statuses to act on, e.g. [408, 480, 486, \"5xx\"]");
    BitSet codes = StatusCodes.read(o.key("codes"), codeText);
    SipUri target = o.sipUri("target");
    if (target == null) throw new ConfigException(o.key("target"), "is required: the SIP URI to send the request to");
    String aor = o.string("aor", null);
    o.rejectUnknownKeys();
    return new FailureRoute(codes, codeText.copy(), target, aor);
  }

  JsonObject toJson() {
    JsonObject j = new JsonObject().put("codes", codeText.copy()).put("target", target.toString());
    if (aor != null) j.put("aor", aor);
    return j;
  }
}
