package dev.taskboard.devops.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** Whole-buffer writes and range copies on file channels, which may move fewer bytes per call. */
public final class Channels {
  private Channels() {}

  /** Writes all of {@code bytes} at the channel's position. */
  public static void writeFully(FileChannel out, byte[] bytes) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    while (buffer.hasRemaining()) {
      out.write(buffer);
    }
  }

  /** Copies bytes {@code [position, position + count)} of {@code in} to {@code out}. */
  public static void copy(FileChannel in, long position, long count, FileChannel out)
      throws IOException {
    long done = 0;
    while (done < count) {
      long n = in.transferTo(position + done, count - done, out);
      if (n <= 0) {
        throw new FileChangedException(
            "the file shrank while it was being copied (rewritten in place by a writer that"
                + " ignores the lock)");
      }
      done += n;
    }
  }
}
