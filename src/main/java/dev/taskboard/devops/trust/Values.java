package dev.taskboard.devops.trust;

/**
 * Preconditions for the values of a signed statement. Each value becomes one line of the bytes a
 * human signs, so a value that could end or hide a line is rejected rather than escaped: escaping
 * would make two different texts look alike to the human reading the block.
 */
final class Values {
  /** Longest identifier, digest, environment or release. */
  static final int MAX_VALUE = 256;

  /** Longest comment. */
  static final int MAX_COMMENT = 1000;

  private Values() {}

  /** A non-empty value without whitespace: an id the command line and the block show as is. */
  static String id(String name, String value) {
    text(name, value, MAX_VALUE);
    if (value.isEmpty()) {
      throw new IllegalArgumentException(name + " is empty");
    }
    for (int i = 0; i < value.length(); i++) {
      if (Character.isWhitespace(value.charAt(i)) || Character.isSpaceChar(value.charAt(i))) {
        throw new IllegalArgumentException(name + " has a space at index " + i);
      }
    }
    return value;
  }

  /** A non-empty single-line value. */
  static String line(String name, String value) {
    text(name, value, MAX_VALUE);
    if (value.isEmpty()) {
      throw new IllegalArgumentException(name + " is empty");
    }
    return value;
  }

  /** A single-line value that may be empty. */
  static String comment(String value) {
    return text("comment", value, MAX_COMMENT);
  }

  private static String text(String name, String value, int max) {
    if (value == null) {
      throw new NullPointerException(name + " == null");
    }
    if (value.length() > max) {
      throw new IllegalArgumentException(name + " is longer than " + max + " characters");
    }
    for (int i = 0; i < value.length(); i += Character.charCount(value.codePointAt(i))) {
      if (hidden(value, i)) {
        throw new IllegalArgumentException(
            name + " has a control or invisible character at index " + i);
      }
    }
    if (!value.isEmpty()
        && (isBlank(value.codePointAt(0)) || isBlank(value.codePointBefore(value.length())))) {
      throw new IllegalArgumentException(name + " has leading or trailing whitespace");
    }
    return value;
  }

  /**
   * Control characters, line and paragraph separators, format characters (bidirectional overrides,
   * zero-width joiners, tag characters: they make a text read differently from its bytes),
   * unassigned and private-use code points, and lone surrogates.
   */
  private static boolean hidden(String value, int i) {
    int c = value.codePointAt(i);
    return switch (Character.getType(c)) {
      case Character.CONTROL,
          Character.LINE_SEPARATOR,
          Character.PARAGRAPH_SEPARATOR,
          Character.FORMAT,
          Character.UNASSIGNED,
          Character.PRIVATE_USE,
          Character.SURROGATE ->
          true;
      default -> false;
    };
  }

  private static boolean isBlank(int codePoint) {
    return Character.isWhitespace(codePoint) || Character.isSpaceChar(codePoint);
  }
}
