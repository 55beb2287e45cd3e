package io.sipgw.config;
public record RegistrarConfig(int minExpires, int maxExpires, int defaultExpires, int maxContacts) {}
