package io.sipgw.config;
/** Placeholder replaced by the config package. */
public final class SipgwConfig { }
