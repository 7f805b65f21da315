package dev.taskboard.devops.trust;

/** Hostile text quoted into a one-line reason: short, single-line, nothing invisible. */
final class Shown {
  static final int MAX = 60;

  private Shown() {}

  /** {@code text} in single quotes, cut at {@link #MAX} characters, odd characters as '?'. */
  static String quote(String text) {
    return quote(text, MAX);
  }

  /** {@code text} in single quotes, cut at {@code max} characters, odd characters as '?'. */
  static String quote(String text, int max) {
    StringBuilder out = new StringBuilder("'");
    int shown = 0;
    for (int i = 0; i < text.length(); i += Character.charCount(text.codePointAt(i))) {
      if (shown++ == max) {
        out.append('…');
        break;
      }
      int c = text.codePointAt(i);
      out.appendCodePoint(visible(c) ? c : '?');
    }
    return out.append('\'').toString();
  }

  private static boolean visible(int c) {
    return switch (Character.getType(c)) {
      case Character.CONTROL,
          Character.LINE_SEPARATOR,
          Character.PARAGRAPH_SEPARATOR,
          Character.FORMAT,
          Character.UNASSIGNED,
          Character.PRIVATE_USE,
          Character.SURROGATE ->
          false;
      default -> true;
    };
  }
}
