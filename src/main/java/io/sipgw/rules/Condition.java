package io.sipgw.rules;

/** The condition of a route block ({@code "when"}), compiled once; tested on the request's event loop. */
@FunctionalInterface
public interface Condition {
  Condition ALWAYS = x -> true;

  boolean test(Exchange x);
}
