package io.sipgw.rules;

import io.sipgw.config.ConfigException;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** What the parts of the rule language share. */
final class Rules {
  private Rules() { }

  /** A regular expression of the config, compiled once; a bad one is an error naming the key. */
  static Pattern pattern(String key, String re, boolean ignoreCase) {
    try {
      return Pattern.compile(re, ignoreCase ? Pattern.CASE_INSENSITIVE : 0);
    } catch (PatternSyntaxException e) {
      throw new ConfigException(key, "bad regular expression \"" + re + "\": " + e.getDescription());
    }
  }
}
