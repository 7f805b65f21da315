package dev.taskboard.devops.files;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Replacing a shared file safely: a temp file beside it with its mode, forced to disk, renamed over
 * it atomically, the directory forced too. Readers never see a partial version.
 */
public final class AtomicFiles {
  /** Symlink hops followed before giving up, as the kernel's ELOOP does. */
  private static final int MAX_LINKS = 40;

  private AtomicFiles() {}

  /**
   * Where writes to {@code file} land: symlinks followed to their target, even a target that does
   * not exist yet (a rename over a link would replace the link).
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

  /** A new temp file beside {@code real}, under a name {@link #removeLeftovers} recognises. */
  static Path createTemp(Path real) throws IOException {
    return Files.createTempFile(real.getParent(), "." + real.getFileName() + ".", ".tmp");
  }

  /**
   * Forces the temp file to disk and gives it {@code real}'s mode (and owner, as root):
   * createTempFile makes rw-------, and the rename would otherwise take the humans' access away.
   */
  static void seal(FileChannel out, Path real, Path temp) throws IOException {
    out.force(true);
    PosixFileAttributeView target = Files.getFileAttributeView(temp, PosixFileAttributeView.class);
    if (target == null || !Files.exists(real)) {
      return;
    }
    PosixFileAttributes source = Files.readAttributes(real, PosixFileAttributes.class);
    target.setPermissions(source.permissions());
    if (!source.owner().equals(target.readAttributes().owner())) {
      try {
        target.setOwner(source.owner());
      } catch (FileSystemException notPermitted) {
        // Only root may give a file away; the file then belongs to the worker's user.
      }
    }
  }

  /** Renames {@code temp} over {@code real} atomically and makes the rename durable. */
  public static void commit(Path temp, Path real) throws IOException {
    Files.move(temp, real, StandardCopyOption.ATOMIC_MOVE);
    fsyncDirectory(real.getParent());
  }

  /** Writes {@code content} to a sealed temp file beside {@code real}. */
  public static Path writeTemp(Path real, byte[] content) throws IOException {
    Path temp = createTemp(real);
    try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
      Channels.writeFully(out, content);
      seal(out, real, temp);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
    return temp;
  }

  /**
   * Creates {@code real} with {@code content} unless it exists: written in full beside it first, so
   * readers never see it partial, and never over a file another writer created meanwhile. Returns
   * whether it created the file.
   */
  static boolean create(Path real, byte[] content) throws IOException {
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
   * Removes the temp files a writer killed mid-write left beside {@code real} ({@code .NAME.<number
   * or UUID>.tmp}, and the {@code .bak} names earlier versions staged backups under). Only call it
   * holding the file's lock: every writer that makes such files holds it while they exist, so any
   * found then belong to a writer that is gone. Returns how many were removed.
   */
  static int removeLeftovers(Path real) throws IOException {
    // Exactly the names made here, not .tasks.json.v2.123.tmp: another file's, under another lock.
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

  static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
  }
}
