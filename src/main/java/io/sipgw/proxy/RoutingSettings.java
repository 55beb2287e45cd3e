package io.sipgw.proxy;

import io.sipgw.config.MediaConfig;
import io.sipgw.config.ProxyConfig;
import io.sipgw.rules.DefaultRules;
import io.sipgw.rules.RuleSet;

/** The routing settings that change at run time, swapped as one on reload. */
public record RoutingSettings(LocalDomains domains, ProxyConfig proxy, MediaConfig media, RuleSet rules) {
  public RoutingSettings(LocalDomains domains, ProxyConfig proxy, MediaConfig media) { this(domains, proxy, media, DefaultRules.rules()); }
}
