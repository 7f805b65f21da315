package dev.taskboard.devops.board;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * The write protocol shared by every file the agents edit together: the sidecar lock, a temp file
 * beside the target, the check that no writer that ignores the lock replaced it, the atomic rename.
 */
public final class AtomicReplace {
  /** Symlink hops followed before giving up, as the kernel's ELOOP does. */
  private static final int MAX_LINKS = 40;

  private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS =
      new ConcurrentHashMap<>();

  private AtomicReplace() {}

  /** The lock on one file: this process's threads and other processes (fcntl) both wait on it. */
  public static final class Lock implements AutoCloseable {
    private final ReentrantLock local;
    private final FileChannel channel;
    private boolean closed;

    private Lock(ReentrantLock local, FileChannel channel) {
      this.local = local;
      this.channel = channel;
    }

    /** Releases both locks; a second call does nothing. */
    @Override
    public void close() throws IOException {
      if (closed) {
        return;
      }
      closed = true;
      try {
        channel.close(); // releases the fcntl lock
      } finally {
        local.unlock();
      }
    }
  }

  /** One version of a file read whole: its bytes and what identifies the version. */
  public static final class Version {
    private final byte[] bytes;
    final FileState state;

    private Version(byte[] bytes, FileState state) {
      this.bytes = bytes;
      this.state = state;
    }

    /** The bytes read; a copy. */
    public byte[] bytes() {
      return bytes.clone();
    }
  }

  /**
   * Where writes to {@code file} land: symlinks followed to their target, even a target that does
   * not exist yet.
   */
  public static Path realPath(Path file) throws IOException {
    Path path = file.toAbsolutePath();
    for (int hop = 0; hop < MAX_LINKS; hop++) {
      if (!Files.isSymbolicLink(path)) {
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
          return path.toRealPath();
        }
        Path parent = path.getParent();
        return parent == null ? path : parent.toRealPath().resolve(path.getFileName());
      }
      path = path.resolveSibling(Files.readSymbolicLink(path)).normalize();
    }
    throw new FileSystemException(file.toString(), null, "too many levels of symbolic links");
  }

  /** The sidecar lock other agents take too (fcntl, e.g. Python's fcntl.lockf). */
  public static Path lockPath(Path real) {
    return real.resolveSibling(real.getFileName() + ".lock");
  }

  /**
   * Takes the in-process lock, then the exclusive fcntl lock on {@link #lockPath}, waiting for
   * both.
   */
  public static Lock lock(Path real) throws IOException {
    ReentrantLock local = IN_PROCESS.computeIfAbsent(real, p -> new ReentrantLock());
    local.lock();
    FileChannel channel = null;
    try {
      channel =
          FileChannel.open(lockPath(real), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      channel.lock();
      return new Lock(local, channel);
    } catch (IOException | RuntimeException e) {
      if (channel != null) {
        channel.close();
      }
      local.unlock();
      throw e;
    }
  }

  /**
   * Reads the whole file; files over {@code maxBytes} are refused.
   *
   * @throws NoSuchFileException when it does not exist
   */
  public static Version read(Path real, int maxBytes) throws IOException {
    try (FileChannel in = FileChannel.open(real, StandardOpenOption.READ)) {
      // Attributes of the path, bytes of the open file: should a rename slip in between, the
      // checksum no longer matches and unchanged() says so.
      FileState attributes = FileState.attributesOf(real);
      long size = in.size();
      if (size > maxBytes) {
        throw new FileSystemException(
            real.toString(),
            null,
            String.format(
                "is %.1f MB; files over %.1f MB are refused, shorten it",
                size / 1e6, maxBytes / 1e6));
      }
      ByteBuffer buffer = ByteBuffer.allocate((int) size);
      while (buffer.hasRemaining()) {
        if (in.read(buffer, buffer.position()) < 0) {
          break; // the file shrank meanwhile: unchanged() will say so
        }
      }
      byte[] bytes = Arrays.copyOf(buffer.array(), buffer.position());
      CRC32C crc = new CRC32C();
      crc.update(bytes);
      return new Version(bytes, attributes.withChecksum(crc.getValue()));
    }
  }

  /**
   * Writes {@code content} to a new temp file beside {@code real}, forced to disk, with {@code
   * real}'s mode (and owner, as root).
   */
  public static Path writeTemp(Path real, byte[] content) throws IOException {
    Path temp = createTemp(real);
    try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
      ByteBuffer buffer = ByteBuffer.wrap(content);
      while (buffer.hasRemaining()) {
        out.write(buffer);
      }
      seal(out, real, temp);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
    return temp;
  }

  /** Whether {@code real} is still the version {@code read}: identity, size, mtime, checksum. */
  public static boolean unchanged(Path real, Version read) throws IOException {
    return unchanged(real, read.state);
  }

  /** Only the file's identity, size and mtime: the cheap last look just before a rename. */
  static boolean sameIdentity(Path real, FileState read) throws IOException {
    try {
      FileState now = FileState.attributesOf(real);
      return now.withChecksum(read.crc32c()).sameVersionAs(read);
    } catch (NoSuchFileException removed) {
      return false;
    }
  }

  /** Renames {@code temp} over {@code real} atomically and makes the rename durable. */
  public static void commit(Path temp, Path real) throws IOException {
    Files.move(temp, real, StandardCopyOption.ATOMIC_MOVE);
    fsyncDirectory(real.getParent());
  }

  /**
   * Creates {@code real} with {@code content} unless it exists: written in full beside it first, so
   * readers never see it partial, and never over a file another writer created meanwhile. Returns
   * whether it created the file.
   */
  public static boolean create(Path real, byte[] content) throws IOException {
    if (Files.exists(real, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    // Not createTempFile: its rw------- would keep the humans out; this gets the umask's mode.
    Path temp = real.resolveSibling("." + real.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      try (OutputStream out = Files.newOutputStream(temp, StandardOpenOption.CREATE_NEW)) {
        out.write(content);
      }
      try (FileChannel sync = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        sync.force(true);
      }
      try {
        Files.createLink(real, temp);
      } catch (FileAlreadyExistsException createdMeanwhile) {
        return false;
      } catch (UnsupportedOperationException | FileSystemException noHardLinks) {
        if (Files.exists(real, LinkOption.NOFOLLOW_LINKS)) {
          return false;
        }
        Files.move(temp, real, StandardCopyOption.ATOMIC_MOVE);
      }
      fsyncDirectory(real.getParent());
      return true;
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * Removes the temp and staged-backup files a writer killed mid-write left beside {@code real}
   * ({@code .NAME.*.tmp}, {@code .NAME.*.bak}: the names this protocol gives them). Only call it
   * holding {@link #lock}: every writer that makes such files holds it while they exist, so any
   * found then belong to a writer that is gone. Returns how many were removed.
   */
  public static int removeLeftovers(Path real) throws IOException {
    // Exactly the names made here: a number (createTempFile) or a UUID between the board's name
    // and the suffix — not .tasks.json.v2.123.tmp, another board's, under another lock.
    Pattern ours =
        Pattern.compile(
            Pattern.quote("." + real.getFileName() + ".")
                + "(?:\\d+|\\p{XDigit}{8}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{12})"
                + "\\.(?:tmp|bak)");
    int removed = 0;
    try (DirectoryStream<Path> siblings =
        Files.newDirectoryStream(
            real.getParent(), p -> ours.matcher(p.getFileName().toString()).matches())) {
      for (Path leftover : siblings) {
        if (Files.deleteIfExists(leftover)) {
          removed++;
        }
      }
    }
    return removed;
  }

  static Path createTemp(Path real) throws IOException {
    return Files.createTempFile(real.getParent(), "." + real.getFileName() + ".", ".tmp");
  }

  /** Forces a written temp file to disk and gives it {@code real}'s mode and owner. */
  static void seal(FileChannel out, Path real, Path temp) throws IOException {
    out.force(true);
    copyOwnerAndMode(real, temp);
  }

  static boolean unchanged(Path real, FileState read) throws IOException {
    return unchanged(real, read, new long[0]).isPresent();
  }

  /**
   * Whether {@code real} is still the version {@code read} (cheap attributes first, then every
   * byte's checksum, in one read); when it is, the checksums of its pieces between {@code cuts}
   * (see {@link FileState#pieces}).
   */
  static Optional<FileState.Pieces> unchanged(Path real, FileState read, long[] cuts)
      throws IOException {
    try {
      if (!FileState.attributesOf(real).withChecksum(read.crc32c()).sameVersionAs(read)) {
        return Optional.empty();
      }
      FileState.Pieces now = FileState.pieces(real, cuts);
      return now.state().sameVersionAs(read) ? Optional.of(now) : Optional.empty();
    } catch (NoSuchFileException removed) {
      return Optional.empty();
    }
  }

  static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
  }

  /** Files.createTempFile makes rw-------: the file keeps its own mode (and owner, as root). */
  private static void copyOwnerAndMode(Path from, Path to) throws IOException {
    PosixFileAttributeView target = Files.getFileAttributeView(to, PosixFileAttributeView.class);
    if (target == null) {
      return;
    }
    PosixFileAttributes source = Files.readAttributes(from, PosixFileAttributes.class);
    target.setPermissions(source.permissions());
    if (!source.owner().equals(target.readAttributes().owner())) {
      try {
        target.setOwner(source.owner());
      } catch (FileSystemException notPermitted) {
        // Only root may give a file away; the file then belongs to the worker's user.
      }
    }
  }
}
