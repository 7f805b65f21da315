package dev.taskboard.devops.files;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * {@link RegularFile}'s Linux side, through libc with JNA: {@code open(O_NONBLOCK)} so a FIFO never
 * blocks, {@code statx} on the descriptor (its layout is the same on every architecture, unlike
 * {@code struct stat}), then a re-open of {@code /proc/self/fd/<n>}, which names the descriptor's
 * own inode rather than a path another writer could swap.
 */
final class LinuxFiles {
  private static final int O_RDONLY = 0;
  private static final int O_NONBLOCK = 04000;
  private static final int O_CLOEXEC = 02000000;
  private static final int AT_EMPTY_PATH = 0x1000;
  private static final int STATX_TYPE = 0x1;
  private static final int STATX_INO = 0x100;
  private static final int STATX_SIZE = 0x200;
  private static final int STATX_SIZE_OF = 256;
  private static final int EPERM = 1;
  private static final int ENOENT = 2;
  private static final int ENXIO = 6;
  private static final int EACCES = 13;
  private static final int ELOOP = 40;
  private static final byte[] EMPTY = {0};

  /** The libc calls used; paths are passed as NUL-terminated bytes in the JDK's own encoding. */
  interface LibC extends Library {
    int open(byte[] path, int flags);

    int close(int fd);

    int statx(int dirfd, byte[] path, int flags, int mask, Memory statx);

    String strerror(int errnum);
  }

  private final LibC libc;
  private final int noFollow;
  private final Charset pathCharset;

  private LinuxFiles(LibC libc, int noFollow, Charset pathCharset) {
    this.libc = libc;
    this.noFollow = noFollow;
    this.pathCharset = pathCharset;
  }

  /** Loaded once: JNA binds the library on first use. */
  private static final class Holder {
    static final Optional<LinuxFiles> INSTANCE = load();
  }

  static Optional<LinuxFiles> instance() {
    return Holder.INSTANCE;
  }

  private static Optional<LinuxFiles> load() {
    try {
      if (!Platform.isLinux() || noFollow(Platform.ARCH) == 0) {
        return Optional.empty();
      }
      // statx came with glibc 2.28; without it, fall back rather than fail at the first call.
      NativeLibrary.getInstance("c").getFunction("statx");
      LibC libc = Native.load("c", LibC.class);
      return Optional.of(new LinuxFiles(libc, noFollow(Platform.ARCH), pathCharset()));
    } catch (LinkageError | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** O_NOFOLLOW, which differs between architectures; 0 where it is not known here. */
  static int noFollow(String arch) {
    return switch (arch) {
      case "x86-64", "riscv64", "s390x", "loongarch64" -> 0400000;
      case "aarch64", "ppc64le" -> 0100000;
      default -> 0;
    };
  }

  private static Charset pathCharset() {
    String name = System.getProperty("sun.jnu.encoding");
    try {
      return name == null ? StandardCharsets.UTF_8 : Charset.forName(name);
    } catch (IllegalArgumentException e) {
      return StandardCharsets.UTF_8;
    }
  }

  FileChannel open(Path file, boolean followSymlinks) throws IOException {
    int flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | (followSymlinks ? 0 : noFollow);
    int fd = libc.open(cString(file), flags);
    if (fd < 0) {
      throw failure(file, Native.getLastError(), followSymlinks);
    }
    try {
      Statx stat = statx(file, fd);
      if (!RegularFile.isRegular(stat.mode())) {
        throw RegularFile.notRegular(file, RegularFile.kind(stat.mode()));
      }
      return reopen(file, fd, stat);
    } finally {
      libc.close(fd);
    }
  }

  /** The file as a NIO channel: a second descriptor of the inode just checked. */
  private static FileChannel reopen(Path file, int fd, Statx stat) throws IOException {
    Path self = Path.of("/proc/self/fd", Integer.toString(fd));
    FileChannel channel = FileChannel.open(self, StandardOpenOption.READ);
    try {
      // We hold fd, so what /proc/self/fd/<fd> names cannot change: this checks that /proc is the
      // kernel's and the channel holds the inode statx described.
      Map<String, Object> opened = Files.readAttributes(self, "unix:dev,ino");
      if (!opened.get("dev").equals(stat.dev()) || !opened.get("ino").equals(stat.ino())) {
        throw new FileSystemException(
            file.toString(), null, "could not be re-opened as the file checked; try again");
      }
      return channel;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** What statx says of a descriptor. */
  private record Statx(int mode, long dev, long ino, long size) {}

  private Statx statx(Path file, int fd) throws IOException {
    try (Memory buffer = new Memory(STATX_SIZE_OF)) {
      buffer.clear();
      int wanted = STATX_TYPE | STATX_INO | STATX_SIZE;
      if (libc.statx(fd, EMPTY, AT_EMPTY_PATH, wanted, buffer) != 0) {
        int errno = Native.getLastError();
        throw new FileSystemException(file.toString(), null, libc.strerror(errno));
      }
      if ((buffer.getInt(0) & wanted) != wanted) {
        throw new FileSystemException(file.toString(), null, "its type cannot be read; try again");
      }
      // struct statx: stx_mode at 28 (u16), stx_ino at 32, stx_size at 40, stx_dev_major and
      // stx_dev_minor at 136 and 140 (u32).
      int mode = buffer.getShort(28) & 0xffff;
      long dev = makedev(buffer.getInt(136) & 0xffffffffL, buffer.getInt(140) & 0xffffffffL);
      return new Statx(mode, dev, buffer.getLong(32), buffer.getLong(40));
    }
  }

  /** glibc's {@code makedev}: how stat, and so the JDK's {@code unix:dev}, encode a device. */
  static long makedev(long major, long minor) {
    return ((major & 0xfffff000L) << 32)
        | ((major & 0xfffL) << 8)
        | ((minor & 0xffffff00L) << 12)
        | (minor & 0xffL);
  }

  private byte[] cString(Path file) {
    byte[] bytes = file.toString().getBytes(pathCharset);
    return Arrays.copyOf(bytes, bytes.length + 1);
  }

  private IOException failure(Path file, int errno, boolean followSymlinks) {
    String name = file.toString();
    switch (errno) {
      case ENOENT:
        return new NoSuchFileException(name);
      case EACCES:
      case EPERM:
        return new AccessDeniedException(name);
      case ELOOP:
        if (!followSymlinks && Files.isSymbolicLink(file)) {
          return RegularFile.notRegular(file, "symbolic link");
        }
        break;
      case ENXIO:
        // open(2) gives ENXIO for a socket.
        if (modeOf(file).map(m -> RegularFile.kind(m).equals("socket")).orElse(false)) {
          return RegularFile.notRegular(file, "socket");
        }
        break;
      default:
        break;
    }
    return new FileSystemException(name, null, libc.strerror(errno));
  }

  private static Optional<Integer> modeOf(Path file) {
    try {
      return Optional.of(
          (Integer) Files.getAttribute(file, "unix:mode", LinkOption.NOFOLLOW_LINKS));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
