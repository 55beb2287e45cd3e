package io.sipgw.metrics;

import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.concurrent.atomic.LongAdder;

/**
 * A Prometheus histogram of durations with fixed buckets and one label whose values are known in
 * advance (the methods): recording is a bucket search over a dozen bounds and two {@link LongAdder}
 * increments, with no tag lookup, no clock read and no lock — what a Micrometer Timer costs several
 * times over (its max window and its own clock). Collected at each scrape; a label value with no
 * observation yet has no series.
 */
final class LatencyHistogram implements Collector {
  private final String name;
  private final String help;
  private final String label;
  private final String[] values;
  /** The upper bounds in nanoseconds (the last bucket, +Inf, has none). */
  private final long[] boundNanos;
  private final double[] boundSeconds;
  /** Per label value, per bucket (not cumulative), the observations. */
  private final LongAdder[][] counts;
  private final LongAdder[] sumNanos;

  /** {@code name} without unit suffix handling: it ends with {@code _seconds}; bounds in nanoseconds, ascending. */
  LatencyHistogram(String name, String help, String label, String[] values, long[] boundNanos) {
    this.name = name;
    this.help = help;
    this.label = label;
    this.values = values.clone();
    this.boundNanos = boundNanos.clone();
    this.boundSeconds = new double[boundNanos.length + 1];
    for (int i = 0; i < boundNanos.length; i++) boundSeconds[i] = boundNanos[i] / 1e9;
    boundSeconds[boundNanos.length] = Double.POSITIVE_INFINITY;
    counts = new LongAdder[values.length][boundNanos.length + 1];
    sumNanos = new LongAdder[values.length];
    for (int v = 0; v < values.length; v++) {
      sumNanos[v] = new LongAdder();
      for (int b = 0; b <= boundNanos.length; b++) counts[v][b] = new LongAdder();
    }
  }

  /** One observation of {@code nanos} for the label value at {@code index}. */
  void record(int index, long nanos) {
    long[] bounds = boundNanos;
    int b = 0;
    while (b < bounds.length && nanos > bounds[b]) b++;
    counts[index][b].increment();
    sumNanos[index].add(nanos);
  }

  /** The observations so far for the label value at {@code index}. */
  long count(int index) {
    long n = 0;
    for (LongAdder a : counts[index]) n += a.sum();
    return n;
  }

  @Override
  public MetricSnapshot collect() {
    HistogramSnapshot.Builder h = HistogramSnapshot.builder().name(name).help(help);
    for (int v = 0; v < values.length; v++) {
      long[] perBucket = new long[boundSeconds.length]; // the model takes them per bucket; the text makes them cumulative
      long total = 0;
      for (int b = 0; b < perBucket.length; b++) {
        perBucket[b] = counts[v][b].sum();
        total += perBucket[b];
      }
      if (total == 0) continue;
      h.dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
          .labels(Labels.of(label, values[v]))
          .classicHistogramBuckets(ClassicHistogramBuckets.of(boundSeconds, perBucket))
          .sum(sumNanos[v].sum() / 1e9)
          .build());
    }
    return h.build();
  }

  @Override
  public String getPrometheusName() { return name; }
}
