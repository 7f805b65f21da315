package dev.taskboard.devops.runbook;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces secret values with {@code ***} in text bound for logs and results: the values of
 * variables whose names contain TOKEN, SECRET, PASSWORD or KEY, and of the variables a runbook
 * names in {@code redact}.
 */
public final class Redactor {
  static final String MASK = "***";

  /** Shorter values would mask ordinary words and numbers everywhere. */
  static final int MIN_SECRET_LENGTH = 4;

  private static final Pattern SECRET_NAME = Pattern.compile("TOKEN|SECRET|PASSWORD|KEY");

  private final Pattern secrets;
  private final List<String> values;

  private Redactor(Pattern secrets, List<String> values) {
    this.secrets = secrets;
    this.values = List.copyOf(values);
  }

  public static Redactor of(Map<String, String> env, Set<String> extraNames) {
    // Longest first, so a secret that contains another is masked whole.
    Set<String> values =
        new TreeSet<>(Comparator.comparingInt(String::length).reversed().thenComparing(s -> s));
    env.forEach(
        (name, value) -> {
          boolean secret =
              extraNames.contains(name)
                  || SECRET_NAME.matcher(name.toUpperCase(Locale.ROOT)).find();
          if (secret && value != null) {
            addSecret(values, value);
          }
        });
    if (values.isEmpty()) {
      return none();
    }
    StringBuilder alternatives = new StringBuilder();
    for (String v : values) {
      alternatives.append(alternatives.length() == 0 ? "" : "|").append(Pattern.quote(v));
    }
    return new Redactor(Pattern.compile(alternatives.toString()), new ArrayList<>(values));
  }

  /**
   * A secret's lines are secrets too: a step may print one line of a multi-line secret alone. So is
   * the secret with other line ends, as a tool may print with CRLF a secret that holds LF. Variants
   * shorter than {@link #MIN_SECRET_LENGTH} are left out like any short value.
   */
  private static void addSecret(Set<String> values, String value) {
    if (value.length() < MIN_SECRET_LENGTH) {
      return;
    }
    values.add(value);
    if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
      String[] lines = value.split("\r\n|\r|\n", -1);
      for (String line : lines) {
        if (line.strip().length() >= MIN_SECRET_LENGTH) {
          values.add(line);
        }
      }
      for (String end : List.of("\n", "\r\n", "\r")) {
        values.add(String.join(end, lines));
      }
    }
  }

  /** A redactor that changes nothing. */
  public static Redactor none() {
    return new Redactor(null, List.of());
  }

  public String redact(String text) {
    if (secrets == null || text == null || text.isEmpty()) {
      return text;
    }
    return secrets.matcher(text).replaceAll(Matcher.quoteReplacement(MASK));
  }

  /** The values masked, longest first. */
  List<String> values() {
    return values;
  }

  /**
   * For text that arrives in pieces (a step's output): masks secrets split across pieces, lines or
   * carriage returns exactly as {@link #redact} masks the whole text.
   */
  RedactingStream stream() {
    return new RedactingStream(secrets, values);
  }
}
