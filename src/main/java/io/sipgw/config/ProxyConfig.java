package io.sipgw.config;
public record ProxyConfig(boolean recordRoute) {}
