package dev.taskboard.devops.hitl;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/** What a plain answer under Human Response decides, read by a strict one-word grammar. */
public enum Decision {
  APPROVE("approve"),
  REJECT("reject"),
  RETRY("retry"),
  /** Anything else: more words, other words, more lines, nothing. */
  UNCLEAR("unclear");

  private static final Pattern LIST_MARKER = Pattern.compile("^-[ \\t]+");
  private static final Pattern ASCII_WORD = Pattern.compile("[A-Za-z]+");

  private final String wireName;

  Decision(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /**
   * The decision of a response that is exactly one line holding exactly one of {@code approve},
   * {@code reject}, {@code retry}: any case, an optional final period, blanks around it and one
   * {@code - } list marker before it allowed. Everything else is {@link #UNCLEAR}: {@code yes},
   * {@code approve please}, {@code approve? no}, two lines.
   */
  public static Decision parse(String humanResponse) {
    Objects.requireNonNull(humanResponse, "humanResponse == null");
    List<String> lines = humanResponse.lines().filter(l -> !l.isBlank()).toList();
    if (lines.size() != 1) {
      return UNCLEAR;
    }
    String word = LIST_MARKER.matcher(lines.get(0).strip()).replaceFirst("");
    if (word.endsWith(".")) {
      word = word.substring(0, word.length() - 1);
    }
    if (!ASCII_WORD.matcher(word).matches()) {
      return UNCLEAR; // also keeps look-alike letters from other scripts out
    }
    String lower = word.toLowerCase(Locale.ROOT);
    for (Decision d : List.of(APPROVE, REJECT, RETRY)) {
      if (d.wireName.equals(lower)) {
        return d;
      }
    }
    return UNCLEAR;
  }
}
