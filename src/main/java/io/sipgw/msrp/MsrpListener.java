package io.sipgw.msrp;

/**
 * Where the relay listens: the bound address, and the relay URI clients are given ({@code advertise}
 * host and port, else the bound ones): {@code msrp://host:port;tcp}, {@code msrps://…;tcp} for TLS,
 * {@code msrp(s)://…;ws} for the WebSocket listeners.
 */
public record MsrpListener(String host, int port, MsrpUri uri) { }
