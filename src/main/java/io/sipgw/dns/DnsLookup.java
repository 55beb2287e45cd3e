package io.sipgw.dns;

import io.netty.buffer.ByteBuf;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DnsRawRecord;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsServerAddressStream;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import io.netty.resolver.dns.NoopAuthoritativeDnsServerCache;
import io.netty.resolver.dns.NoopDnsCache;
import io.netty.resolver.dns.NoopDnsCnameCache;
import io.sipgw.config.DnsConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.PromiseInternal;
import io.vertx.core.internal.VertxInternal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Asynchronous DNS queries for NAPTR, SRV, A and AAAA records with a TTL-respecting cache, on
 * Netty's DNS codec and resolver (Vert.x's own DNS client has no NAPTR query). A query runs on the
 * Netty event loop of the Vert.x context that asks (one Netty resolver per event loop, made on first
 * use) and its future completes there: nothing blocks, nothing hops threads. The servers of {@link
 * DnsConfig#servers()} are asked in turn, the next when one times out or answers with an error
 * other than NXDOMAIN; with none configured, the system's (/etc/resolv.conf).
 *
 * <p>Answers are cached for the smallest TTL of their records; "no such name" and "no such
 * record" (NXDOMAIN, NODATA) for the SOA's negative TTL (RFC 2308 §5: the smaller of the SOA record's
 * TTL and its MINIMUM) capped by {@link DnsConfig#negativeTtl()}, or for {@code negativeTtl} when the
 * answer carries no SOA. A query that failed (timeout, SERVFAIL, REFUSED) is not cached.
 */
public final class DnsLookup implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger("sipgw.dns");
  private static final int MAX_PAYLOAD = 4096;

  private final VertxInternal vertx;
  private final DnsConfig config;
  private final List<InetSocketAddress> servers;
  private final DnsCache cache;
  private final Map<EventLoop, DnsNameResolver> resolvers = new ConcurrentHashMap<>();
  private volatile boolean closed;

  public DnsLookup(Vertx vertx, DnsConfig config) {
    this.vertx = (VertxInternal) vertx;
    this.config = config;
    this.servers = config.servers().isEmpty() ? systemServers() : config.servers().stream().map(DnsConfig.Server::socketAddress).toList();
    this.cache = new DnsCache(config.maxCacheEntries());
  }

  public DnsConfig config() { return config; }

  /** NAPTR records of {@code name} as received (unsorted); empty when there are none. */
  public Future<List<NaptrRecord>> naptr(String name) { return query(name, DnsRecordType.NAPTR, NaptrRecord::decode); }

  /** SRV records of {@code name} as received (unsorted); empty when there are none. */
  public Future<List<SrvRecord>> srv(String name) { return query(name, DnsRecordType.SRV, SrvRecord::decode); }

  /** IPv4 addresses (A records) of {@code name} as text. */
  public Future<List<String>> a(String name) { return query(name, DnsRecordType.A, r -> address(r, 4)); }

  /** IPv6 addresses (AAAA records) of {@code name} as text. */
  public Future<List<String>> aaaa(String name) { return query(name, DnsRecordType.AAAA, r -> address(r, 16)); }

  /** Forgets every cached answer. */
  public void clearCache() { cache.clear(); }

  /** Cached answers (positive and negative) right now. */
  public int cacheSize() { return cache.size(); }

  @Override
  public void close() {
    closed = true;
    resolvers.values().forEach(DnsNameResolver::close);
    resolvers.clear();
  }

  private <T> Future<List<T>> query(String name, DnsRecordType type, Function<ByteBuf, T> decoder) {
    String n = DnsNames.normalize(name);
    String key = type.name() + " " + n;
    List<T> cached = cache.get(key);
    if (cached != null) return Future.succeededFuture(cached);
    if (closed) return Future.failedFuture("DNS lookup closed");
    ContextInternal ctx = vertx.getOrCreateContext();
    PromiseInternal<List<T>> promise = ctx.promise();
    DnsNameResolver resolver = resolvers.computeIfAbsent(ctx.nettyEventLoop(), this::newResolver);
    ask(resolver, 0, n, type, key, decoder, promise, null);
    return promise.future();
  }

  private <T> void ask(DnsNameResolver resolver, int server, String name, DnsRecordType type, String key,
                       Function<ByteBuf, T> decoder, PromiseInternal<List<T>> promise, String lastProblem) {
    if (server >= servers.size()) {
      String why = type.name() + " " + name + ": " + (servers.isEmpty() ? "no DNS server configured" : lastProblem);
      LOG.log(Level.INFO, "DNS query failed, {0}", why);
      promise.tryFail(new DnsLookupException(why));
      return;
    }
    InetSocketAddress to = servers.get(server);
    resolver.query(to, new DefaultDnsQuestion(name + ".", type)).addListener(f -> {
      if (!f.isSuccess()) {
        String problem = "no answer from " + to + " (" + f.cause().getMessage() + ")";
        ask(resolver, server + 1, name, type, key, decoder, promise, problem);
        return;
      }
      @SuppressWarnings("unchecked")
      AddressedEnvelope<DnsResponse, InetSocketAddress> envelope = (AddressedEnvelope<DnsResponse, InetSocketAddress>) f.getNow();
      String problem;
      try {
        problem = answer(envelope.content(), type, key, decoder, promise);
      } catch (RuntimeException e) {
        problem = "a malformed answer from " + to + " (" + e.getMessage() + ")";
      } finally {
        envelope.release();
      }
      if (problem != null) ask(resolver, server + 1, name, type, key, decoder, promise, problem);
    });
  }

  /** Completes {@code promise} and caches the answer, or returns what was wrong with it. */
  private <T> String answer(DnsResponse response, DnsRecordType type, String key, Function<ByteBuf, T> decoder,
                            PromiseInternal<List<T>> promise) {
    DnsResponseCode code = response.code();
    if (!code.equals(DnsResponseCode.NOERROR) && !code.equals(DnsResponseCode.NXDOMAIN)) return "answer " + code;
    List<T> records = new ArrayList<>();
    long ttl = Long.MAX_VALUE;
    for (int i = 0, count = response.count(DnsSection.ANSWER); i < count; i++) {
      DnsRecord r = response.recordAt(DnsSection.ANSWER, i);
      if (!r.type().equals(type) || !(r instanceof DnsRawRecord raw)) continue; // CNAMEs on the way: their target's records follow
      records.add(decoder.apply(raw.content()));
      ttl = Math.min(ttl, r.timeToLive());
    }
    if (records.isEmpty()) ttl = negativeTtl(response, config.negativeTtl());
    cache.put(key, records, ttl);
    promise.tryComplete(List.copyOf(records));
    return null;
  }

  /** RFC 2308 §5: the smaller of the SOA's TTL and MINIMUM, capped by {@code negativeTtl}. */
  static long negativeTtl(DnsResponse response, long cap) {
    long ttl = cap;
    for (int i = 0, count = response.count(DnsSection.AUTHORITY); i < count; i++) {
      DnsRecord r = response.recordAt(DnsSection.AUTHORITY, i);
      if (r.type().equals(DnsRecordType.SOA) && r instanceof DnsRawRecord raw) {
        ttl = Math.min(ttl, Math.min(r.timeToLive(), soaMinimum(raw.content())));
      }
    }
    return ttl;
  }

  /** The MINIMUM field of SOA RDATA: after MNAME, RNAME and four 32-bit fields (RFC 1035 §3.3.13). */
  static long soaMinimum(ByteBuf rdata) {
    ByteBuf in = rdata.duplicate();
    DnsNames.decode(in);
    DnsNames.decode(in);
    in.skipBytes(16);
    return in.readUnsignedInt();
  }

  private static String address(ByteBuf rdata, int length) {
    if (rdata.readableBytes() != length) throw new IllegalArgumentException("address record of " + rdata.readableBytes() + " octets");
    byte[] b = new byte[length];
    rdata.getBytes(rdata.readerIndex(), b);
    try {
      return InetAddress.getByAddress(b).getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private DnsNameResolver newResolver(EventLoop loop) {
    return new DnsNameResolverBuilder(loop)
        .datagramChannelFactory(vertx.transport().datagramChannelFactory())
        // a truncated UDP answer is asked again over TCP
        .socketChannelFactory((ChannelFactory<? extends SocketChannel>) vertx.transport().channelFactory(false), false)
        .queryTimeoutMillis(config.timeout())
        .recursionDesired(true)
        .maxPayloadSize(MAX_PAYLOAD)
        .resolveCache(NoopDnsCache.INSTANCE)
        .cnameCache(NoopDnsCnameCache.INSTANCE)
        .authoritativeDnsServerCache(NoopAuthoritativeDnsServerCache.INSTANCE)
        .build();
  }

  /** The name servers of /etc/resolv.conf (read once, as Netty reads it), in order. */
  private static List<InetSocketAddress> systemServers() {
    DnsServerAddressStream stream = DnsServerAddressStreamProviders.platformDefault().nameServerAddressStream("");
    List<InetSocketAddress> out = new ArrayList<>();
    for (int i = 0, n = stream.size(); i < n; i++) {
      InetSocketAddress a = stream.next();
      if (!out.contains(a)) out.add(a);
    }
    return List.copyOf(out);
  }

  /** A DNS query that got no usable answer from any server. */
  public static final class DnsLookupException extends RuntimeException {
    DnsLookupException(String message) { super(message, null, false, false); }
  }

}
