package dev.taskboard.devops.board;

import java.util.OptionalLong;
import java.util.zip.CRC32C;

/**
 * The CRC32C of bytes seen in order, kept in two runs split at a point that may only become known
 * while reading (a two-thread scan's split point): the bytes before it and those from it on. The
 * whole is {@link #checksum()}; the run before the point, {@link #upTo}, is exact only if the point
 * was known before the bytes around it were seen.
 */
final class RunChecksum {
  private final CRC32C head = new CRC32C();
  private final CRC32C tail = new CRC32C();
  private long length;
  private long headLength;
  private boolean stopped;

  /**
   * Adds {@code n} bytes of {@code b} from {@code off}; {@code splitAt} is the split point, counted
   * from the first byte this checksum saw, or -1 while it is unknown.
   */
  void update(byte[] b, int off, int n, long splitAt) {
    int toHead = 0;
    if (!stopped) {
      if (splitAt >= length && splitAt < length + n) {
        toHead = (int) (splitAt - length);
        stopped = true;
      } else {
        toHead = n;
      }
      head.update(b, off, toHead);
      headLength += toHead;
    }
    tail.update(b, off + toHead, n - toHead);
    length += n;
  }

  /** The checksum of every byte seen. */
  long checksum() {
    return stopped
        ? Crc32c.combine(head.getValue(), tail.getValue(), length - headLength)
        : head.getValue();
  }

  /** The checksum of the bytes before {@code at}, when the head run stopped there exactly. */
  OptionalLong upTo(long at) {
    return stopped && headLength == at ? OptionalLong.of(head.getValue()) : OptionalLong.empty();
  }

  /** How many bytes it has seen. */
  long length() {
    return length;
  }
}
