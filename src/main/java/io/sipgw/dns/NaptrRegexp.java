package io.sipgw.dns;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The substitution expression of a NAPTR REGEXP field (RFC 3402 §3.2): {@code delim ERE delim repl
 * delim flags}. The delimiter is any character but a digit, a flag or a backslash; inside the ERE and
 * the replacement a backslash escapes it. The replacement may hold back-references {@code \1} to
 * {@code \9} and {@code \\} for a backslash; the only flag is {@code i} (case-insensitive). Applied
 * as sed applies {@code s/ERE/repl/}: the first match within the string is replaced.
 */
public final class NaptrRegexp {
  private final Pattern pattern;
  private final String replacement;
  private final char delimiter;

  private NaptrRegexp(Pattern pattern, String replacement, char delimiter) {
    this.pattern = pattern;
    this.replacement = replacement;
    this.delimiter = delimiter;
  }

  /** Parses a REGEXP field; throws IllegalArgumentException saying what is wrong. */
  public static NaptrRegexp parse(String field) {
    if (field == null || field.length() < 3) throw new IllegalArgumentException("regexp too short: \"" + field + "\"");
    char delim = field.charAt(0);
    if (Character.isDigit(delim) || delim == '\\' || delim == 'i') {
      throw new IllegalArgumentException("'" + delim + "' cannot delimit a regexp: \"" + field + "\"");
    }
    int ereEnd = unescaped(field, 1, delim);
    int replEnd = ereEnd < 0 ? -1 : unescaped(field, ereEnd + 1, delim);
    if (replEnd < 0) throw new IllegalArgumentException("regexp needs three '" + delim + "' delimiters: \"" + field + "\"");
    String flags = field.substring(replEnd + 1);
    if (!flags.isEmpty() && !flags.equals("i")) throw new IllegalArgumentException("unknown regexp flags \"" + flags + "\" in \"" + field + "\"");
    String ere = field.substring(1, ereEnd);
    StringBuilder java = new StringBuilder(ere.length());
    for (int i = 0; i < ere.length(); i++) {
      char c = ere.charAt(i);
      if (c == '\\' && i + 1 < ere.length() && ere.charAt(i + 1) == delim) {
        java.append(Pattern.quote(String.valueOf(delim)));
        i++;
      } else {
        java.append(c);
      }
    }
    try {
      Pattern p = Pattern.compile(java.toString(), flags.isEmpty() ? 0 : Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
      return new NaptrRegexp(p, field.substring(ereEnd + 1, replEnd), delim);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("bad regular expression in \"" + field + "\": " + e.getDescription(), e);
    }
  }

  /** The index of the first {@code delim} at or after {@code from} that no backslash escapes, or -1. */
  private static int unescaped(String s, int from, char delim) {
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\') i++;
      else if (c == delim) return i;
    }
    return -1;
  }

  /** The rewritten string, or null when the expression does not match {@code input}. */
  public String apply(String input) {
    Matcher m = pattern.matcher(input);
    if (!m.find()) return null;
    StringBuilder out = new StringBuilder(input.length() + replacement.length());
    out.append(input, 0, m.start());
    for (int i = 0; i < replacement.length(); i++) {
      char c = replacement.charAt(i);
      if (c != '\\' || i + 1 == replacement.length()) {
        out.append(c);
        continue;
      }
      char next = replacement.charAt(++i);
      if (next >= '1' && next <= '9') {
        int group = next - '0';
        if (group > m.groupCount()) throw new IllegalArgumentException("back-reference \\" + group + " to a group the regexp does not have");
        if (m.group(group) != null) out.append(m.group(group));
      } else {
        out.append(next); // \\ is a backslash, \<delim> the delimiter
      }
    }
    out.append(input, m.end(), input.length());
    return out.toString();
  }

  @Override
  public String toString() { return delimiter + pattern.pattern() + delimiter + replacement + delimiter; }
}
