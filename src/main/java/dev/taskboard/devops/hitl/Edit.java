package dev.taskboard.devops.hitl;

import java.util.Comparator;
import java.util.List;

/** Replace characters {@code [start, end)} of one version of the text with {@code replacement}. */
record Edit(int start, int end, String replacement) {

  static Edit insert(int at, String text) {
    return new Edit(at, at, text);
  }

  /** The text with every edit applied; edits do not overlap and all refer to the same version. */
  static String apply(String text, List<Edit> edits) {
    List<Edit> ordered =
        edits.stream()
            .sorted(Comparator.comparingInt(Edit::start).thenComparingInt(Edit::end))
            .toList();
    StringBuilder out = new StringBuilder(text.length() + 1024);
    int position = 0;
    for (Edit e : ordered) {
      if (e.start() < position) {
        throw new IllegalArgumentException("overlapping edits: " + ordered);
      }
      out.append(text, position, e.start()).append(e.replacement());
      position = e.end();
    }
    return out.append(text, position, text.length()).toString();
  }

  /**
   * Where {@code offset} of the edited text was in the text before the edits, for an offset that
   * lies in no replacement.
   */
  static int before(List<Edit> edits, int offset) {
    int shift = 0;
    for (Edit e : edits.stream().sorted(Comparator.comparingInt(Edit::start)).toList()) {
      if (e.start() + shift + e.replacement().length() > offset) {
        break;
      }
      shift += e.replacement().length() - (e.end() - e.start());
    }
    return offset - shift;
  }
}
