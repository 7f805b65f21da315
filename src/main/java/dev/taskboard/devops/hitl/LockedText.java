package dev.taskboard.devops.hitl;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.taskboard.devops.board.AtomicReplace;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A shared text file changed the way the board is: under the sidecar lock, from a fresh read, into
 * a temp file that replaces it atomically, and only if no writer that ignores the lock replaced it
 * since the read (else read again and recompute).
 */
final class LockedText {
  static final int MAX_BYTES = 16 * 1024 * 1024;

  /** Computes the new text from the current one; {@link Result#unchanged} writes nothing. */
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
  private final int attempts;
  private volatile Runnable beforeCommit = () -> {};
  private int collisions;

  LockedText(Path file, int attempts) {
    this.file = file;
    this.attempts = attempts;
  }

  /** Runs between the read and the final check; tests use it to stage a racing writer. */
  void beforeCommit(Runnable hook) {
    this.beforeCommit = hook;
  }

  /** How many times a writer that ignores the lock replaced the file under this one. */
  int collisions() {
    return collisions;
  }

  /** The current text, read without the lock (every version a reader can see is whole). */
  Optional<String> read() throws IOException {
    try {
      return Optional.of(decode(AtomicReplace.read(file, MAX_BYTES).bytes()));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /** Creates the file with {@code content} unless it exists; returns whether it did. */
  boolean create(byte[] content) throws IOException {
    if (Files.exists(file)) {
      return false;
    }
    try {
      Path real = AtomicReplace.realPath(file);
      try (AtomicReplace.Lock held = AtomicReplace.lock(real)) {
        return AtomicReplace.create(real, content);
      }
    } catch (NoSuchFileException e) {
      throw new HumanRequestsException(
          file, "cannot be created: its directory does not exist; create the directory first");
    }
  }

  <T> T update(Change<T> change) throws IOException {
    Path real;
    try {
      real = AtomicReplace.realPath(file);
    } catch (NoSuchFileException e) {
      throw missing();
    }
    try (AtomicReplace.Lock held = AtomicReplace.lock(real)) {
      AtomicReplace.removeLeftovers(real);
      int collided = 0;
      HumanRequestsException unreadable = null;
      for (int attempt = 1; attempt <= attempts; attempt++) {
        AtomicReplace.Version read = readUnderLock(real);
        String text;
        try {
          text = decode(read.bytes());
        } catch (HumanRequestsException e) {
          if (collided == 0) {
            throw e;
          }
          // A writer that ignores the lock just replaced the file; it may still be writing.
          unreadable = e;
          continue;
        }
        Result<T> result = change.apply(text);
        if (result.replacement().isEmpty()) {
          return result.value();
        }
        Path temp = AtomicReplace.writeTemp(real, result.replacement().get().getBytes(UTF_8));
        try {
          beforeCommit.run();
          if (!AtomicReplace.unchanged(real, read)) {
            collisions++;
            collided++;
            unreadable = null;
            continue;
          }
          AtomicReplace.commit(temp, real);
          return result.value();
        } finally {
          Files.deleteIfExists(temp);
        }
      }
      throw new HumanRequestsException(
          file,
          (unreadable == null
                  ? "kept changing under a writer that ignores "
                  : "was left unreadable by a writer that ignores ")
              + AtomicReplace.lockPath(real).getFileName()
              + " ("
              + attempts
              + " tries"
              + (unreadable == null ? "" : "; last read: " + unreadable.getMessage())
              + "); nothing was written, retry");
    }
  }

  private AtomicReplace.Version readUnderLock(Path real) throws IOException {
    try {
      return AtomicReplace.read(real, MAX_BYTES);
    } catch (NoSuchFileException e) {
      throw missing();
    }
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
