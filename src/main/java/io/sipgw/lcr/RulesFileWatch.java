package io.sipgw.lcr;

import io.sipgw.config.LcrConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Watches the LCR rules file ({@code lcr.rulesFile}) as the config file is watched: every period it
 * compares the file's modification time and size (read asynchronously) with those of the version in
 * force; when they differ, and still the same at the next check (a file being written is not read
 * half-way), it reads the file and builds a new table off the event loop
 * and hands it to a consumer, then logs one INFO line. A changed file that does not
 * load (a bad line, gone) is refused with one WARN line and the running table stays, until the file
 * changes again.
 */
public final class RulesFileWatch {
  private static final Logger LOG = Logger.getLogger(RulesFileWatch.class.getName());

  private final Vertx vertx;
  private final Consumer<LcrTable> onChange;
  private final long timer;
  private LcrConfig current; // the config the table in force was read from; used on the timer's context only
  private String seen;       // the file's stamp last acted on
  private String changing;   // a new stamp seen once: acted on when the next check sees it again
  private boolean checking;

  private RulesFileWatch(Vertx vertx, LcrConfig config, long periodMillis, Consumer<LcrTable> onChange) {
    this.vertx = vertx;
    this.onChange = onChange;
    this.current = config;
    this.seen = config.rulesFileStamp();
    this.timer = vertx.setPeriodic(periodMillis, id -> check());
  }

  /**
   * Watches {@code config}'s rules file, whose table is in force (its file read), every {@code periodMillis}
   * ms; {@code onChange} gets each new table, on a Vert.x event loop.
   */
  public static RulesFileWatch start(Vertx vertx, LcrConfig config, long periodMillis, Consumer<LcrTable> onChange) {
    if (config.rulesFile() == null) throw new IllegalArgumentException("no lcr.rulesFile to watch");
    return new RulesFileWatch(vertx, config, periodMillis, onChange);
  }

  private void check() {
    if (checking) return; // a large file still loading
    checking = true;
    String file = current.rulesFile();
    String absolute = Path.of(file).toAbsolutePath().toString(); // Vert.x looks a relative name up on the class path too
    vertx.fileSystem().props(absolute).transform(props -> {
      String stamp = props.succeeded() ? props.result().lastModifiedTime() + "/" + props.result().size() : "unreadable";
      if (stamp.equals(seen)) return Future.<Void>succeededFuture();
      if (!stamp.equals(changing)) { // changed: read it once it has stayed the same for a period (not half written)
        changing = stamp;
        return Future.<Void>succeededFuture();
      }
      seen = stamp;
      if (props.failed()) {
        LOG.warning("lcr.rulesFile " + file + " cannot be read, keeping the running table: " + props.cause().getMessage());
        return Future.<Void>succeededFuture();
      }
      LcrConfig next = current.rereadRulesFile();
      long start = System.nanoTime();
      return vertx.executeBlocking(() -> {
        next.loadRulesFile();
        return LcrTable.of(next);
      }, false).transform(ar -> {
        if (ar.failed()) {
          LOG.warning("lcr.rulesFile " + file + " changed and is refused, keeping the running table: " + ar.cause().getMessage());
        } else {
          current = next;
          seen = next.rulesFileStamp();
          onChange.accept(ar.result());
          LOG.info("lcr.rulesFile " + file + " changed: " + ar.result() + " in force, built in " + (System.nanoTime() - start) / 1_000_000 + " ms");
        }
        return Future.<Void>succeededFuture();
      });
    }).onComplete(x -> checking = false);
  }

  /** Stops watching. */
  public void close() { vertx.cancelTimer(timer); }
}
