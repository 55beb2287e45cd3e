package io.sipgw.proxy;

import io.sipgw.config.MediaConfig;
import io.sipgw.config.ProxyConfig;
import io.sipgw.lcr.LcrTable;
import io.sipgw.rules.DefaultRules;
import io.sipgw.rules.RuleSet;

/** The routing settings that change at run time, swapped as one on reload. */
public record RoutingSettings(LocalDomains domains, ProxyConfig proxy, MediaConfig media, RuleSet rules, LcrTable lcr) {
  public RoutingSettings(LocalDomains domains, ProxyConfig proxy, MediaConfig media) { this(domains, proxy, media, DefaultRules.rules(), LcrTable.EMPTY); }

  /** These settings with another LCR table (one built off the event loop after a reload). */
  public RoutingSettings withLcr(LcrTable table) { return new RoutingSettings(domains, proxy, media, rules, table); }
}
