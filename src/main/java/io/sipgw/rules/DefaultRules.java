package io.sipgw.rules;

import io.vertx.core.json.JsonArray;

/**
 * The rules of a config without {@code routes}: sipgw's built-in behaviour, written in the rule
 * language (conf/sipgw.json shows the same, for an operator to start from). Also the rules of the
 * requests this node makes itself (NOTIFYs, stored messages, probes), which never go through an
 * operator's rules, as Kamailio's local requests skip its request_route.
 */
public final class DefaultRules {
  private DefaultRules() { }

  public static final String JSON = """
      [
        {"name": "authenticate", "actions": [{"authenticate": {}}]},
        {"name": "within-dialog", "actions": [{"looseRoute": {}}]},
        {"name": "other-domains", "when": {"localDomain": false}, "actions": [{"forward": {}}]},
        {"name": "registrar", "when": {"method": "REGISTER"}, "actions": [{"save": {}}]},
        {"name": "server", "when": {"ruri.user": null}, "actions": [{"options": {}}]},
        {"name": "presence", "when": {"method": ["PUBLISH", "SUBSCRIBE"]}, "actions": [{"presence": {}}]},
        {"name": "users", "actions": [{"lookup": {}}]}
      ]""";

  private static final RuleSet RULES = RuleSet.compile("routes", new JsonArray(JSON));

  /** The default rules, compiled. */
  public static RuleSet rules() { return RULES; }
}
