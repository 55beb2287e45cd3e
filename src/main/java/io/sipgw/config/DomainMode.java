package io.sipgw.config;
public enum DomainMode { PROXY, REDIRECT }
