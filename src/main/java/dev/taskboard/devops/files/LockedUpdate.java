package dev.taskboard.devops.files;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way the worker changes a file other agents edit too: lock → read → compute → write a temp
 * file → check the file is still the version read → rename → fsync the directory. A writer that
 * ignores the lock and replaces the file meanwhile is noticed at the check (identity, size, mtime,
 * CRC32C of every byte); the change is then computed again from a fresh read, up to {@link
 * Options#attempts} times. Nothing is ever written from a read that did not parse.
 *
 * <p>Only a writer that ignores the lock and renames its version in the instant between the final
 * check and the rename can still be overwritten.
 */
public final class LockedUpdate {
  private static final Logger LOG = LoggerFactory.getLogger(LockedUpdate.class);

  /** How many fresh reads a change gets before it gives up against writers ignoring the lock. */
  public static final int ATTEMPTS = 10;

  private LockedUpdate() {}

  /** One version of the file, read under the lock; its stamp has every byte's checksum. */
  public interface Version extends Closeable {
    FileStamp stamp();
  }

  /** Reads the version on disk; throws {@link Unreadable} when its bytes do not parse. */
  @FunctionalInterface
  public interface Reader<V extends Version> {
    V read(Path real) throws IOException;
  }

  /** Decides, from one version, what to write; may also find it {@link Unreadable}. */
  @FunctionalInterface
  public interface Change<V, T> {
    Plan<T> apply(V version) throws IOException;
  }

  /** Writes the new version's bytes. */
  @FunctionalInterface
  public interface Content {
    void writeTo(FileChannel out) throws IOException;
  }

  /** What a change decided: keep the file as it is, or replace its content. */
  public sealed interface Plan<T> {
    T value();

    /** Nothing to write. */
    record Keep<T>(T value) implements Plan<T> {}

    /** Write {@code content} in place of the version read. */
    record Replace<T>(Content content, T value) implements Plan<T> {}

    static <T> Plan<T> keep(T value) {
      return new Keep<>(value);
    }

    static <T> Plan<T> replace(Content content, T value) {
      return new Replace<>(content, value);
    }

    static <T> Plan<T> replace(byte[] bytes, T value) {
      return new Replace<>(out -> Channels.writeFully(out, bytes), value);
    }
  }

  /**
   * How an update ended; {@code collisions} counts the versions writers ignoring the lock put in.
   */
  public sealed interface Result<T> {
    T value();

    int collisions();

    record Unchanged<T>(T value, int collisions) implements Result<T> {}

    /** {@code written}: the new version's attributes (a rename keeps inode and mtime). */
    record Written<T>(T value, FileStamp written, int collisions) implements Result<T> {}
  }

  /** A read whose bytes do not parse: maybe a writer ignoring the lock is mid-write. */
  public static final class Unreadable extends IOException {
    private static final long serialVersionUID = 1L;

    public Unreadable(IOException reason) {
      super(reason.getMessage(), reason);
    }

    IOException reason() {
      return (IOException) getCause();
    }
  }

  /** A seam for tests: runs after the temp file is written, just before the final check. */
  @FunctionalInterface
  public interface Hooks {
    Hooks NONE = real -> {};

    void beforeCheck(Path real) throws IOException;
  }

  /**
   * A lock some files need besides the sidecar — another tool's own protocol, such as Task Master's
   * on its boards — held from one read to its rename.
   */
  public interface Guard extends Closeable {
    Guard NONE =
        new Guard() {
          @Override
          public void confirm() {}

          @Override
          public void close() {}
        };

    /** Just before the rename: throws when the lock is no longer held. */
    void confirm() throws IOException;
  }

  /** Takes the {@link Guard} of one attempt. */
  @FunctionalInterface
  public interface Guards {
    Guards NONE = real -> Guard.NONE;

    Guard take(Path real) throws IOException;
  }

  /** How many attempts, the test seam, and the other tool's lock to honour, if any. */
  public record Options(int attempts, Hooks hooks, Guards guards) {
    public static final Options DEFAULT = new Options(ATTEMPTS, Hooks.NONE, Guards.NONE);

    public Options(int attempts, Hooks hooks) {
      this(attempts, hooks, Guards.NONE);
    }

    public Options {
      Objects.requireNonNull(hooks, "hooks == null");
      Objects.requireNonNull(guards, "guards == null");
      if (attempts < 1) {
        throw new IllegalArgumentException("attempts < 1");
      }
    }
  }

  /**
   * Runs {@code change} on the version of {@code file} that {@code reader} reads under the lock,
   * and writes what it plans. Symlinks are followed: the target is replaced, never the link.
   *
   * @throws BusyFileException when writers ignoring the lock kept replacing the file
   */
  public static <V extends Version, T> Result<T> run(
      Path file, Options options, Reader<V> reader, Change<V, T> change) throws IOException {
    Path real = AtomicFiles.realPath(file);
    try (SidecarLock held = SidecarLock.acquire(real)) {
      return attempts(file, real, options, reader, change);
    }
  }

  /**
   * Like {@link #run}, for a file whose guarding lock the caller already holds ({@link #lock}: a
   * per-task board's one lock for its directory). Java refuses a second fcntl lock on a file the
   * process has locked, so the lock is held once around every file it guards.
   */
  public static <V extends Version, T> Result<T> runHeld(
      Path file, Options options, Reader<V> reader, Change<V, T> change) throws IOException {
    return attempts(file, AtomicFiles.realPath(file), options, reader, change);
  }

  /**
   * Takes the sidecar lock of {@code file} ({@code NAME.devops-lock} beside its real path) until
   * closed: the lock a per-task board holds for its whole directory, on its index.
   */
  public static Closeable lock(Path file) throws IOException {
    return SidecarLock.acquire(AtomicFiles.realPath(file));
  }

  private static <V extends Version, T> Result<T> attempts(
      Path file, Path real, Options options, Reader<V> reader, Change<V, T> change)
      throws IOException {
    {
      int leftovers = AtomicFiles.removeLeftovers(real);
      if (leftovers > 0) {
        LOG.info("{}: removed {} temp file(s) a writer killed mid-write left", file, leftovers);
      }
      int collided = 0;
      Unreadable unreadable = null;
      for (int attempt = 1; attempt <= options.attempts(); attempt++) {
        try (Guard guard = options.guards().take(real);
            V read = reader.read(real)) {
          Plan<T> plan = change.apply(read);
          if (plan instanceof Plan.Replace<T> replace) {
            FileStamp written =
                replace(real, read.stamp(), replace.content(), options.hooks(), guard);
            if (written != null) {
              return new Result.Written<>(plan.value(), written, collided);
            }
            collided++;
            unreadable = null;
            LOG.info("{}: replaced by a writer that ignores the lock meanwhile; read again", file);
          } else {
            return new Result.Unchanged<>(plan.value(), collided);
          }
        } catch (FileChangedException inPlace) {
          collided++;
          unreadable = null;
          LOG.info("{}: rewritten in place by a writer that ignores the lock; read again", file);
        } catch (Unreadable e) {
          if (collided == 0) {
            throw e.reason(); // the file as it was when the lock was taken: a real problem
          }
          unreadable = e; // a writer ignoring the lock just replaced it; it may still be writing
        }
      }
      throw new BusyFileException(
          file,
          (unreadable == null
                  ? "kept changing under a writer that ignores "
                  : "was left unreadable by a writer that ignores ")
              + SidecarLock.pathFor(real).getFileName()
              + " ("
              + options.attempts()
              + " tries"
              + (unreadable == null ? "" : "; last read: " + unreadable.getMessage())
              + "); nothing was written, retry");
    }
  }

  /**
   * Creates {@code file} with {@code content} under its lock unless it exists; returns whether it
   * did.
   */
  public static boolean createIfMissing(Path file, byte[] content) throws IOException {
    Path real = AtomicFiles.realPath(file);
    if (Files.exists(real)) {
      return false;
    }
    try (SidecarLock held = SidecarLock.acquire(real)) {
      return AtomicFiles.create(real, content);
    }
  }

  /**
   * Creates {@code file} with {@code content} unless it exists, under a lock the caller holds
   * ({@link #lock}); returns whether it did.
   */
  public static boolean createHeld(Path file, byte[] content) throws IOException {
    return AtomicFiles.create(AtomicFiles.realPath(file), content);
  }

  /** The sidecar file writers lock, beside the real path of {@code file}. */
  public static Path lockFile(Path file) throws IOException {
    return SidecarLock.pathFor(AtomicFiles.realPath(file));
  }

  /** Writes the temp file and renames it over {@code real} if it is still {@code read}. */
  private static FileStamp replace(
      Path real, FileStamp read, Content content, Hooks hooks, Guard guard) throws IOException {
    Path temp = AtomicFiles.createTemp(real);
    try {
      try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        content.writeTo(out);
        AtomicFiles.seal(out, real, temp);
      }
      hooks.beforeCheck(real);
      // Everything slow happened before this check: only it stands between the check and the
      // rename. The temp's attributes are the new version's: a rename keeps inode and mtime.
      FileStamp written = FileStamp.attributesOf(temp);
      if (!unchanged(real, read)) {
        return null;
      }
      guard.confirm();
      AtomicFiles.commit(temp, real);
      return written;
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * Whether {@code real} is still the version {@code read}: attributes, every byte, then the
   * attributes once more, so that only a re-stat stands between the check and the rename.
   */
  private static boolean unchanged(Path real, FileStamp read) throws IOException {
    try {
      return FileStamp.attributesOf(real).sameAttributes(read)
          && FileStamp.read(real).sameVersionAs(read)
          && FileStamp.attributesOf(real).sameAttributes(read);
    } catch (NoSuchFileException removed) {
      return false;
    }
  }
}
