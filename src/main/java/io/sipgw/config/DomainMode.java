package io.sipgw.config;

/** What sipgw does with a request for a local domain's user: forward it, or answer 302 with the contacts. */
public enum DomainMode { PROXY, REDIRECT }
