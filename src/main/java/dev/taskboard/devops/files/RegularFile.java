package dev.taskboard.devops.files;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import java.util.Set;

/**
 * Opens a file that others may write (agents, say) only when it is a regular file: never blocks on
 * a FIFO, never reads a device, and refuses a symbolic link when asked to.
 */
public final class RegularFile {
  private static final int CHUNK = 64 * 1024;

  /** The largest array the JVM allocates. */
  private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

  private RegularFile() {}

  /**
   * Opens {@code file} for reading. On Linux the check and the read concern one inode: the file is
   * opened without blocking, its type is read from that descriptor, and the channel re-opens that
   * descriptor. Elsewhere the type is checked just before an ordinary open, which a file swapped in
   * between can still defeat.
   *
   * @param followSymlinks when false, a symbolic link as the file itself is refused (links among
   *     its directories are still followed)
   * @throws java.nio.file.NoSuchFileException when it does not exist
   * @throws FileSystemException naming the file and what it is when it is not a regular file
   */
  public static FileChannel open(Path file, boolean followSymlinks) throws IOException {
    Optional<LinuxFiles> linux = LinuxFiles.instance();
    return linux.isPresent()
        ? linux.get().open(file, followSymlinks)
        : openChecked(file, followSymlinks);
  }

  /**
   * The bytes of {@code file}, opened as {@link #open} does. A file larger than {@code maxBytes} is
   * refused before anything is read (and when it grows past it while being read).
   */
  public static byte[] read(Path file, long maxBytes, boolean followSymlinks) throws IOException {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes < 0");
    }
    long limit = Math.min(maxBytes, MAX_ARRAY);
    try (FileChannel channel = open(file, followSymlinks)) {
      long size = channel.size();
      if (size > limit) {
        throw new FileSystemException(
            file.toString(),
            null,
            "is " + size + " bytes, over the limit of " + limit + " bytes; make it smaller");
      }
      return readAtMost(file, channel, limit, size);
    }
  }

  private static byte[] readAtMost(Path file, FileChannel channel, long limit, long size)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(size, limit));
    ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
    long total = 0;
    while (channel.read(buffer) >= 0) {
      buffer.flip();
      total += buffer.remaining();
      if (total > limit) {
        throw new FileSystemException(
            file.toString(),
            null,
            "grew over the limit of " + limit + " bytes while being read; make it smaller");
      }
      out.write(buffer.array(), 0, buffer.limit());
      buffer.clear();
    }
    return out.toByteArray();
  }

  /** Check, then open: for systems without the Linux calls. */
  static FileChannel openChecked(Path file, boolean followSymlinks) throws IOException {
    LinkOption[] links =
        followSymlinks ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, links);
    if (!attributes.isRegularFile()) {
      throw notRegular(file, kindOf(file, attributes, links));
    }
    Set<OpenOption> options =
        followSymlinks
            ? Set.of(StandardOpenOption.READ)
            : Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    return FileChannel.open(file, options);
  }

  private static String kindOf(Path file, BasicFileAttributes attributes, LinkOption[] links) {
    if (attributes.isDirectory()) {
      return "directory";
    }
    if (attributes.isSymbolicLink()) {
      return "symbolic link";
    }
    try {
      return kind((Integer) Files.getAttribute(file, "unix:mode", links));
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return "special file";
    }
  }

  /** What a {@code st_mode} says the file is, e.g. {@code FIFO}. */
  static String kind(int mode) {
    return switch (mode & 0170000) {
      case 0140000 -> "socket";
      case 0120000 -> "symbolic link";
      case 0100000 -> "regular file";
      case 0060000 -> "block device";
      case 0040000 -> "directory";
      case 0020000 -> "character device";
      case 0010000 -> "FIFO";
      default -> "special file";
    };
  }

  /** The one-line refusal, e.g. "x.md: is a FIFO, not a regular file; replace it with …". */
  static FileSystemException notRegular(Path file, String kind) {
    String fix =
        kind.equals("symbolic link")
            ? "replace the link with the file itself"
            : "replace it with a regular file";
    return new FileSystemException(
        file.toString(), null, "is a " + kind + ", not a regular file; " + fix);
  }

  static boolean isRegular(int mode) {
    return kind(mode).equals("regular file");
  }
}
