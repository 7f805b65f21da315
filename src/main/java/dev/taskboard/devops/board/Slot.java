package dev.taskboard.devops.board;

/**
 * Where one task sits in the board file: its id, index, byte span {@code [start, end)}, status
 * (null when it has none) and the task array it belongs to.
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
    String status,
    int array) {

  long length() {
    return end - start;
  }

  String where() {
    return line + ":" + column;
  }
}
