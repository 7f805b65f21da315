package dev.taskboard.devops.runbook;

import java.nio.file.Path;

/** A runbook file's text split into lines the way commonmark counts them, for positions. */
final class SourceText {
  private final Path file;
  private final String[] lines;

  SourceText(Path file, String text) {
    this.file = file;
    this.lines = text.split("\r\n|\r|\n", -1);
  }

  Path file() {
    return file;
  }

  /** Line {@code index} (0-based), or "" past the end. */
  String line(int index) {
    return index >= 0 && index < lines.length ? lines[index] : "";
  }

  /** The 1-based column of the first non-blank character of line {@code index}. */
  int firstColumn(int index) {
    String line = line(index);
    int i = 0;
    while (i < line.length() && Character.isWhitespace(line.charAt(i))) {
      i++;
    }
    return i < line.length() ? i + 1 : 1;
  }

  RunbookException error(int lineIndex, int column, String reason) {
    return new RunbookException(file, lineIndex + 1, column, reason);
  }
}
