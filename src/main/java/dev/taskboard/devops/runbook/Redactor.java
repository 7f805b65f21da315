package dev.taskboard.devops.runbook;

import java.util.Comparator;
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

  private Redactor(Pattern secrets) {
    this.secrets = secrets;
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
      return new Redactor(null);
    }
    StringBuilder alternatives = new StringBuilder();
    for (String v : values) {
      alternatives.append(alternatives.length() == 0 ? "" : "|").append(Pattern.quote(v));
    }
    return new Redactor(Pattern.compile(alternatives.toString()));
  }

  /** Logs are redacted line by line, so each line of a multi-line secret is a secret too. */
  private static void addSecret(Set<String> values, String value) {
    if (value.length() >= MIN_SECRET_LENGTH) {
      values.add(value);
    }
    if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
      for (String line : value.split("\r?\n|\r")) {
        if (line.strip().length() >= MIN_SECRET_LENGTH) {
          values.add(line);
        }
      }
    }
  }

  /** A redactor that changes nothing. */
  public static Redactor none() {
    return new Redactor(null);
  }

  public String redact(String text) {
    if (secrets == null || text == null || text.isEmpty()) {
      return text;
    }
    return secrets.matcher(text).replaceAll(Matcher.quoteReplacement(MASK));
  }
}
