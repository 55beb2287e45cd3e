package io.sipgw.bench;

import io.sipgw.config.SipgwConfig;
import io.sipgw.lcr.LcrTable;
import io.sipgw.sip.SipUri;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Least-cost routing lookups in a table of 100,000 prefixes (E.164 with '+', 4 to 9 digits after the
 * country code, two gateways each at priorities 0 and 1, loaded from a rules file as an operator would),
 * plus a default rule. Each call matches the next of 4,096 numbers: most hit a prefix of the table and
 * walk past it, some fall back to a shorter prefix whose rule has a time window, some reach only the
 * default. {@code weighted} matches numbers whose prefix has two gateways of one priority (the weighted
 * random order). {@code load} is the whole load of a reload: config, rules file, table. Run with
 * {@code bench/jmh.sh LcrMatch -f 1 -wi 3 -i 5}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LcrMatchBenchmark {
  static final int PREFIXES = 100_000;
  private static final long NOON = 1_796_385_600_000L; // 2026-12-04T12:00Z, a Friday

  /** The rules file (100,000 prefixes, two lines each), its config and the table built from it. */
  @State(Scope.Benchmark)
  public static class Table {
    Path dir;
    JsonObject lcr;
    String[] prefixes = new String[PREFIXES];
    LcrTable table;

    @Setup
    public void setUp() throws IOException {
      dir = Files.createTempDirectory("lcr-bench");
      Path csv = dir.resolve("rules.csv");
      Random random = new Random(14);
      try (Writer w = Files.newBufferedWriter(csv)) {
        for (int i = 0; i < PREFIXES; i++) {
          String prefix = "+" + (1 + random.nextInt(98)) + digits(random, 4 + random.nextInt(6));
          prefixes[i] = prefix;
          boolean tie = i % 10 == 0;
          w.write(prefix + ",gw" + (1 + i % 4) + ",0," + (1 + i % 3) + "\n");
          w.write(prefix + ",gw" + (1 + (i + 1) % 4) + "," + (tie ? 0 : 1) + ",2\n");
        }
      }
      JsonArray gateways = new JsonArray();
      for (int i = 1; i <= 4; i++) gateways.add(new JsonObject().put("name", "gw" + i).put("uri", "sip:10.0.0." + i + ":5060"));
      lcr = new JsonObject().put("gateways", gateways).put("rulesFile", csv.toString()).put("rules", new JsonArray()
          .add(new JsonObject().put("prefix", "").put("targets", new JsonArray().add(new JsonObject().put("gateway", "gw1"))))
          .add(new JsonObject().put("prefix", "+4").put("time", new JsonObject().put("from", "08:00").put("to", "18:00").put("zone", "Europe/Berlin"))
              .put("targets", new JsonArray().add(new JsonObject().put("gateway", "gw2")))));
      long start = System.nanoTime();
      table = load();
      System.out.printf("%n%s: read and built in %d ms (the first time, cold)%n", table, (System.nanoTime() - start) / 1_000_000);
    }

    /** Parses the config, reads the rules file and builds the table, as at start or on a reload. */
    LcrTable load() {
      SipgwConfig config = SipgwConfig.fromJson(new JsonObject().put("lcr", lcr));
      config.checkFiles();
      return LcrTable.of(config.lcr());
    }

    @TearDown
    public void tearDown() throws IOException {
      Files.delete(dir.resolve("rules.csv"));
      Files.delete(dir);
    }
  }

  private LcrTable table;
  private String[] numbers;
  private String[] weightedNumbers;
  private int next;

  @Setup
  public void setUp(Table t) {
    table = t.table;
    Random random = new Random(15);
    numbers = new String[4096];
    weightedNumbers = new String[4096];
    for (int i = 0; i < numbers.length; i++) {
      int kind = i % 8;
      numbers[i] = kind < 6 ? t.prefixes[random.nextInt(PREFIXES)] + digits(random, 3) // a prefix of the table, longer number
          : kind == 6 ? "+4" + digits(random, 10)                                      // maybe only the time-window rule
          : "+99" + digits(random, 9);                                                 // only the default rule
      weightedNumbers[i] = t.prefixes[10 * random.nextInt(PREFIXES / 10)] + digits(random, 3);
    }
  }

  private static String digits(Random random, int n) {
    StringBuilder b = new StringBuilder(n);
    for (int i = 0; i < n; i++) b.append((char) ('0' + random.nextInt(10)));
    return b.toString();
  }

  @Benchmark
  public List<SipUri> match() {
    String n = numbers[next++ & (numbers.length - 1)];
    return table.match(n, "+4930123456", "gw.example.com", NOON);
  }

  @Benchmark
  public List<SipUri> weighted() {
    String n = weightedNumbers[next++ & (weightedNumbers.length - 1)];
    return table.match(n, "+4930123456", "gw.example.com", NOON);
  }

  /** The whole load of a reload: config, 200,000 lines of rules file, table (milliseconds, one load a shot). */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public LcrTable load(Table t) { return t.load(); }
}
