package io.sipgw.config;
import java.util.List;
public record DomainConfig(String name, List<String> aliases, DomainMode mode) {}
