package io.sipgw.im;

import io.sipgw.config.ImConfig;
import io.sipgw.proxy.OfflineStorage;
import io.sipgw.sip.HeaderName;
import io.sipgw.sip.NameAddr;
import io.sipgw.sip.ResponseBuilder;
import io.sipgw.sip.SipParseException;
import io.sipgw.sip.SipRequest;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Keeps MESSAGEs for offline users (RFC 3428 §7 lets a proxy store and forward; Kamailio's msilo
 * does): a MESSAGE for a user the location service knows, or who has credentials, is stored and
 * answered 202 Accepted; past {@code im.maxPerUser} it gets 486, past {@code im.maxTotal} or with the
 * store unreachable 503 with Retry-After. A user who is neither known nor has credentials is left to
 * routing (404).
 */
public final class OfflineMessages implements OfflineStorage {
  private static final Logger LOG = Logger.getLogger("sipgw.im");
  /** RFC 3261 §20.17: SIP-date, the RFC 1123 form, always GMT. */
  static final DateTimeFormatter SIP_DATE = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", java.util.Locale.ROOT)
      .withZone(ZoneOffset.UTC);

  private final Supplier<ImConfig> settings;
  private final MessageStore store;
  private final Function<String, Future<Boolean>> isUser;
  private final LongSupplier clock;
  private final IntSupplier retryAfter;
  private final String node = Long.toHexString(new SecureRandom().nextLong() >>> 24);
  private final AtomicLong sequence = new AtomicLong();

  /**
   * @param isUser whether an AOR the location service does not know is a user all the same (has
   *     credentials); a MESSAGE for one who is not is not kept
   * @param retryAfter seconds, for the Retry-After of a 503
   */
  public OfflineMessages(Supplier<ImConfig> settings, MessageStore store, Function<String, Future<Boolean>> isUser, LongSupplier clock,
      IntSupplier retryAfter) {
    this.settings = settings;
    this.store = store;
    this.isUser = isUser;
    this.clock = clock;
    this.retryAfter = retryAfter;
  }

  @Override
  public Future<Buffer> keep(SipRequest req, String aor, boolean known) {
    ImConfig cfg = settings.get();
    if (!cfg.offline()) return Future.succeededFuture();
    Future<Boolean> user = known ? Future.succeededFuture(true) : isUser.apply(aor);
    return user.compose(yes -> yes ? store(req, aor, cfg) : Future.<Buffer>succeededFuture())
        .recover(e -> {
          LOG.fine(() -> "MESSAGE for " + aor + " not stored: " + e.getMessage() + " (Call-ID " + req.callId() + ")");
          return Future.succeededFuture(unavailable(req, "message store unavailable"));
        });
  }

  private Future<Buffer> store(SipRequest req, String aor, ImConfig cfg) {
    StoredMessage m;
    try {
      m = message(req, aor, cfg);
    } catch (SipParseException e) {
      return Future.succeededFuture(); // validated before routing: not reached
    }
    return store.add(m, cfg.maxPerUser(), cfg.maxTotal()).map(outcome -> switch (outcome) {
      case STORED -> {
        LOG.fine(() -> "MESSAGE for " + aor + " stored until the user registers (Call-ID " + req.callId() + ")");
        yield ResponseBuilder.of(req, 202).toBuffer();
      }
      case USER_FULL -> {
        LOG.info("MESSAGE for " + aor + " refused with 486: " + cfg.maxPerUser() + " messages wait for that user (im.maxPerUser)"
            + " (Call-ID " + req.callId() + ")");
        yield ResponseBuilder.of(req, 486, "Busy Here (too many messages waiting)").toBuffer();
      }
      case STORE_FULL -> {
        LOG.info("MESSAGE for " + aor + " refused with 503: " + cfg.maxTotal() + " messages wait in all (im.maxTotal)"
            + " (Call-ID " + req.callId() + ")");
        // SIP has no 507 (Insufficient Storage is HTTP's): 503 with Retry-After, RFC 3261 §21.5.4
        yield unavailable(req, "message store full");
      }
    });
  }

  private Buffer unavailable(SipRequest req, String why) {
    return ResponseBuilder.of(req, 503, "Service Unavailable (" + why + ")").header(HeaderName.RETRY_AFTER, Integer.toString(retryAfter.getAsInt()))
        .toBuffer();
  }

  private StoredMessage message(SipRequest req, String aor, ImConfig cfg) throws SipParseException {
    long now = clock.getAsLong();
    NameAddr from = req.from();
    String display = from.displayName();
    String sender = (display == null || display.isEmpty() ? "" : "\"" + display.replace("\\", "\\\\").replace("\"", "\\\"") + "\" ")
        + "<" + from.uri() + ">";
    String date = req.header(HeaderName.DATE);
    String id = String.format("%013d-%s-%08d", now, node, sequence.incrementAndGet());
    return new StoredMessage(id, aor, sender, date != null ? date : SIP_DATE.format(Instant.ofEpochMilli(now)),
        req.header(HeaderName.CONTENT_TYPE), req.body(), now, now + cfg.expiry() * 1000L);
  }
}
