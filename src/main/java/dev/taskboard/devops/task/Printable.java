package dev.taskboard.devops.task;

/**
 * Agent-written text (ids, statuses, titles) made safe for one log line or one terminal line:
 * control characters and bidirectional overrides are escaped, so a task id with a newline and
 * terminal escapes can neither forge a log line nor reach the terminal raw; long text is cut.
 */
public final class Printable {
  /** Longest text shown, in characters; the rest is cut with an ellipsis. */
  static final int MAX = 200;

  private Printable() {}

  /** {@code text} with control and bidi characters as {@code \\uXXXX} (\n as {@code \\n}). */
  public static String of(String text) {
    return escaped(text, MAX);
  }

  /**
   * {@code text} escaped like {@link #of} but never cut: distinct texts stay distinct (e.g. a key
   * built from a task id).
   */
  public static String escaped(String text) {
    return escaped(text, Integer.MAX_VALUE - 16);
  }

  private static String escaped(String text, int max) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(Math.min(text.length(), MAX) + 8);
    for (int i = 0; i < text.length() && out.length() < max; i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (Character.isISOControl(c) || isBidiControl(c)) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    if (out.length() >= max && text.length() > max) {
      out.setLength(max);
      out.append('…');
    }
    return out.toString();
  }

  /**
   * The characters that reorder text on display (Trojan Source): embeddings, overrides, isolates.
   */
  private static boolean isBidiControl(char c) {
    return (c >= '\u202A' && c <= '\u202E')
        || (c >= '\u2066' && c <= '\u2069')
        || c == '\u200E'
        || c == '\u200F'
        || c == '\u061C';
  }
}
