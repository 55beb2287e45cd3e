package io.sipgw.proxy;

import io.sipgw.config.MediaConfig;
import io.sipgw.config.ProxyConfig;

/** The routing settings that change at run time, swapped as one on reload. */
public record RoutingSettings(LocalDomains domains, ProxyConfig proxy, MediaConfig media) { }
