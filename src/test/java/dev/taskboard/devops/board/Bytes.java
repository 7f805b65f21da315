package dev.taskboard.devops.board;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

/** Byte-level assertions for "nothing outside the edit changed". */
final class Bytes {
  private Bytes() {}

  /** Bytes outside {@code [start, end)} of {@code before} stand unchanged around the new entry. */
  static void assertOnlySpanChanged(byte[] before, byte[] after, long start, long end) {
    int s = (int) start;
    int e = (int) end;
    int tail = before.length - e;
    assertTrue(after.length >= s + tail, "file shrank into the unchanged part");
    assertArrayEquals(
        Arrays.copyOfRange(before, 0, s),
        Arrays.copyOfRange(after, 0, s),
        "bytes before the entry changed");
    assertArrayEquals(
        Arrays.copyOfRange(before, e, before.length),
        Arrays.copyOfRange(after, after.length - tail, after.length),
        "bytes after the entry changed");
  }

  /** How many bytes of {@code before} lie between the common prefix and the common suffix. */
  static int changedBytes(byte[] before, byte[] after) {
    int p = 0;
    int max = Math.min(before.length, after.length);
    while (p < max && before[p] == after[p]) {
      p++;
    }
    int s = 0;
    while (s < max - p && before[before.length - 1 - s] == after[after.length - 1 - s]) {
      s++;
    }
    return before.length - p - s;
  }
}
