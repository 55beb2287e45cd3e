package io.sipgw.config;
<<<<<<< HEAD
=======

/** What sipgw does with a request for a local domain's user: forward it, or answer 302 with the contacts. */
>>>>>>> config
public enum DomainMode { PROXY, REDIRECT }
