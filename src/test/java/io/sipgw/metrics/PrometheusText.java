package io.sipgw.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A strict reader of the Prometheus text exposition format (0.0.4) for the tests: every line is a
 * comment ({@code # HELP}, {@code # TYPE}) or a sample {@code name{label="value",…} number}; anything
 * else fails with the line. Every sample belongs to a family declared by a {@code # TYPE} line before it.
 */
public final class PrometheusText {
  /** One sample: its metric name, its labels (sorted), its value. */
  public record Sample(String name, Map<String, String> labels, double value) {
    /** The sample's labels as {@code k="v",…} in label order, for messages. */
    public String key() { return name + labels; }
  }

  private final List<Sample> samples;
  private final Map<String, String> types;

  private PrometheusText(List<Sample> samples, Map<String, String> types) {
    this.samples = samples;
    this.types = types;
  }

  public static PrometheusText parse(String text) {
    List<Sample> samples = new ArrayList<>();
    Map<String, String> types = new LinkedHashMap<>();
    int lineNo = 0;
    for (String line : text.split("\n", -1)) {
      lineNo++;
      if (line.isEmpty()) continue;
      if (line.startsWith("#")) {
        String[] parts = line.split(" ", 4);
        if (parts.length >= 4 && parts[1].equals("TYPE")) {
          if (!List.of("counter", "gauge", "histogram", "summary", "untyped").contains(parts[3])) fail(lineNo, line, "unknown type");
          if (types.put(parts[2], parts[3]) != null) fail(lineNo, line, "family declared twice");
        } else if (parts.length < 3 || !(parts[1].equals("HELP") || parts[1].equals("TYPE"))) {
          fail(lineNo, line, "comment that is neither HELP nor TYPE");
        }
        continue;
      }
      samples.add(sample(lineNo, line, types));
    }
    return new PrometheusText(samples, types);
  }

  private static Sample sample(int lineNo, String line, Map<String, String> types) {
    int i = 0;
    while (i < line.length() && nameChar(line.charAt(i), i == 0)) i++;
    if (i == 0) fail(lineNo, line, "no metric name");
    String name = line.substring(0, i);
    Map<String, String> labels = new TreeMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i++;
      while (line.charAt(i) != '}') {
        int s = i;
        while (nameChar(line.charAt(i), i == s)) i++;
        String label = line.substring(s, i);
        if (label.isEmpty() || line.charAt(i) != '=' || line.charAt(i + 1) != '"') fail(lineNo, line, "bad label at " + s);
        i += 2;
        StringBuilder v = new StringBuilder();
        while (line.charAt(i) != '"') {
          char c = line.charAt(i++);
          if (c == '\\') {
            char e = line.charAt(i++);
            v.append(e == 'n' ? '\n' : e);
          } else {
            v.append(c);
          }
        }
        i++;
        if (labels.put(label, v.toString()) != null) fail(lineNo, line, "label twice");
        if (line.charAt(i) == ',') i++;
        else if (line.charAt(i) != '}') fail(lineNo, line, "',' or '}' expected at " + i);
      }
      i++;
    }
    if (i >= line.length() || line.charAt(i) != ' ') fail(lineNo, line, "space before the value expected");
    String[] rest = line.substring(i + 1).split(" ");
    if (rest.length > 2) fail(lineNo, line, "text after the value and timestamp");
    double value;
    try {
      value = switch (rest[0]) {
        case "+Inf" -> Double.POSITIVE_INFINITY;
        case "-Inf" -> Double.NEGATIVE_INFINITY;
        case "NaN" -> Double.NaN;
        default -> Double.parseDouble(rest[0]);
      };
    } catch (NumberFormatException e) {
      throw new AssertionError("line " + lineNo + ": not a number: " + line);
    }
    if (family(name, types) == null) fail(lineNo, line, "no # TYPE for its family");
    return new Sample(name, labels, value);
  }

  /** The family a sample name belongs to: itself, or without a histogram's or summary's suffix. */
  private static String family(String name, Map<String, String> types) {
    if (types.containsKey(name)) return name;
    for (String suffix : List.of("_bucket", "_count", "_sum", "_created", "_total")) {
      if (name.endsWith(suffix)) {
        String f = name.substring(0, name.length() - suffix.length());
        if (types.containsKey(f)) return f;
      }
    }
    return null;
  }

  private static boolean nameChar(char c, boolean first) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':' || !first && c >= '0' && c <= '9';
  }

  private static void fail(int lineNo, String line, String why) {
    throw new AssertionError("line " + lineNo + ": " + why + ": " + line);
  }

  public List<Sample> samples() { return samples; }

  /** The type of a family ({@code # TYPE}), or null. */
  public String type(String family) { return types.get(family); }

  /**
   * The value of the one sample named {@code name} whose labels include {@code labels} (pairs: name,
   * value …); null when there is none; fails when several match.
   */
  public Double value(String name, String... labels) {
    Double found = null;
    for (Sample s : samples) {
      if (!s.name().equals(name) || !matches(s, labels)) continue;
      if (found != null) throw new AssertionError("several samples " + name + " " + List.of(labels));
      found = s.value();
    }
    return found;
  }

  /** The sum over the samples named {@code name} whose labels include {@code labels}. */
  public double sum(String name, String... labels) {
    double n = 0;
    for (Sample s : samples) if (s.name().equals(name) && matches(s, labels)) n += s.value();
    return n;
  }

  private static boolean matches(Sample s, String[] labels) {
    for (int k = 0; k < labels.length; k += 2) if (!labels[k + 1].equals(s.labels().get(labels[k]))) return false;
    return true;
  }
}
