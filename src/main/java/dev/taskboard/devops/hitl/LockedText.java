package dev.taskboard.devops.hitl;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.taskboard.devops.files.LockedUpdate;
import dev.taskboard.devops.files.LockedUpdate.Plan;
import dev.taskboard.devops.files.WholeFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * human-requests.md as text, read strictly as UTF-8 and changed through the worker's one
 * locked-update protocol ({@link LockedUpdate}).
 */
final class LockedText {
  static final int MAX_BYTES = 16 * 1024 * 1024;

  /** Computes the new text from the current one; empty writes nothing. */
  interface Change<T> {
    Result<T> apply(String text) throws IOException;
  }

  record Result<T>(Optional<String> replacement, T value) {
    static <T> Result<T> unchanged(T value) {
      return new Result<>(Optional.empty(), value);
    }

    static <T> Result<T> replaced(String text, T value) {
      return new Result<>(Optional.of(text), value);
    }
  }

  private final Path file;
  private final LockedUpdate.Options options;
  private int collisions;

  LockedText(Path file, LockedUpdate.Options options) {
    this.file = file;
    this.options = options;
  }

  /** How many times a writer that ignores the lock replaced the file under this one. */
  int collisions() {
    return collisions;
  }

  /** The current text, read without the lock (every version a reader can see is whole). */
  Optional<String> read() throws IOException {
    try {
      return Optional.of(decode(WholeFile.read(file, MAX_BYTES).bytes()));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /** Creates the file with {@code content} unless it exists; returns whether it did. */
  boolean create(byte[] content) throws IOException {
    try {
      return LockedUpdate.createIfMissing(file, content);
    } catch (NoSuchFileException e) {
      throw new HumanRequestsException(
          file, "cannot be created: its directory does not exist; create the directory first");
    }
  }

  <T> T update(Change<T> change) throws IOException {
    LockedUpdate.Result<T> result =
        LockedUpdate.run(
            file,
            options,
            real -> {
              try {
                return WholeFile.read(real, MAX_BYTES);
              } catch (NoSuchFileException e) {
                throw missing();
              }
            },
            (WholeFile read) -> {
              String text;
              try {
                text = decode(read.bytes());
              } catch (HumanRequestsException e) {
                throw new LockedUpdate.Unreadable(e);
              }
              Result<T> r = change.apply(text);
              return r.replacement().isEmpty()
                  ? Plan.keep(r.value())
                  : Plan.replace(r.replacement().get().getBytes(UTF_8), r.value());
            });
    collisions += result.collisions();
    return result.value();
  }

  private HumanRequestsException missing() {
    return new HumanRequestsException(
        file, "does not exist; it is created from human-requests.md.template by an escalation");
  }

  /** Strict UTF-8: a file that is not is refused with the position of the first bad byte. */
  String decode(byte[] bytes) throws HumanRequestsException {
    CharsetDecoder decoder =
        UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    if (result.isError()) {
      throw notUtf8(bytes, in.position());
    }
    return out.flip().toString();
  }

  private HumanRequestsException notUtf8(byte[] bytes, int at) {
    int line = 1;
    int lineStart = 0;
    for (int i = 0; i < at; i++) {
      if (bytes[i] == '\n') {
        line++;
        lineStart = i + 1;
      }
    }
    int column = new String(bytes, lineStart, at - lineStart, UTF_8).length() + 1;
    return new HumanRequestsException(
        file,
        line,
        column,
        String.format(
            "not valid UTF-8 (byte 0x%02X); save the file as UTF-8, the worker neither reads nor"
                + " writes it until then",
            bytes[at] & 0xFF));
  }
}
