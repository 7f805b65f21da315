package dev.taskboard.devops.validate;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.taskboard.devops.files.RegularFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Whether a file can be read at all: it exists, is a file, may be read, and is UTF-8 text. */
final class TextFiles {
  private static final int CHUNK = 64 * 1024;

  private TextFiles() {}

  /**
   * Streams through {@code file} once, without holding it in memory.
   *
   * @param option the command-line option that names the file, for the message
   * @throws UnreadableFileException when it cannot be read as UTF-8 text
   */
  static void requireUtf8(Path file, String option) throws IOException {
    if (Files.isDirectory(file)) {
      throw new UnreadableFileException(file, "is a directory; point " + option + " at the file");
    }
    FileChannel opened;
    try {
      // Agents can put a FIFO or a device where a file was: refused instead of read or waited on.
      opened = RegularFile.open(file, true);
    } catch (NoSuchFileException e) {
      throw new UnreadableFileException(
          file,
          "does not exist; point " + option + " at it, or run 'devops-worker init' to create it");
    } catch (AccessDeniedException e) {
      throw new UnreadableFileException(
          file, "cannot be read (permission denied); check its owner and mode");
    } catch (FileSystemException e) {
      if (e.getReason() == null) {
        throw e;
      }
      throw new UnreadableFileException(file, e.getReason());
    }
    try (FileChannel channel = opened) {
      new Utf8Scan(file).scan(channel);
    }
  }

  /** Counts lines while decoding, so a bad byte can be reported with its line and column. */
  private static final class Utf8Scan {
    private final Path file;
    private final CharsetDecoder decoder =
        UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private long offset; // bytes decoded so far
    private long line = 1;
    private long lineStart; // offset of the current line's first byte

    Utf8Scan(Path file) {
      this.file = file;
    }

    void scan(FileChannel channel) throws IOException {
      ByteBuffer in = ByteBuffer.allocate(CHUNK);
      CharBuffer out = CharBuffer.allocate(CHUNK);
      boolean end = false;
      while (!end) {
        end = channel.read(in) < 0;
        in.flip();
        decode(in, out, end);
        in.compact();
      }
      if (decoder.flush(out).isError()) {
        throw bad(-1);
      }
    }

    private void decode(ByteBuffer in, CharBuffer out, boolean end) throws IOException {
      while (true) {
        int from = in.position();
        CoderResult result = decoder.decode(in, out, end);
        count(in, from, in.position());
        out.clear();
        if (result.isError()) {
          throw bad(in.get(in.position()) & 0xFF);
        }
        if (!result.isOverflow()) {
          return;
        }
      }
    }

    private void count(ByteBuffer in, int from, int to) {
      for (int i = from; i < to; i++) {
        if (in.get(i) == '\n') {
          line++;
          lineStart = offset + (i - from) + 1;
        }
      }
      offset += to - from;
    }

    private UnreadableFileException bad(int value) {
      String what = value < 0 ? "ends inside a character" : String.format("byte 0x%02X", value);
      return new UnreadableFileException(
          file, line, offset - lineStart + 1, "is not UTF-8 text (" + what + "); save it as UTF-8");
    }
  }
}
