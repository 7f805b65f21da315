package dev.taskboard.devops.board;

/**
 * Where one task sits in the board file: its id, index, byte span {@code [start, end)} and status
 * (null when it has none).
 */
record Slot(
    int index,
    String id,
    boolean numericId,
    String idKey,
    long start,
    long end,
    long line,
    long column,
    String status) {

  long length() {
    return end - start;
  }

  String where() {
    return line + ":" + column;
  }
}
