package dev.taskboard.devops.board;

/** Where one task sits in the board file: its id, index and byte span {@code [start, end)}. */
record Slot(
    int index,
    String id,
    boolean numericId,
    String idKey,
    long start,
    long end,
    long line,
    long column) {

  long length() {
    return end - start;
  }

  String where() {
    return line + ":" + column;
  }
}
