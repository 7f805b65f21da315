package dev.taskboard.devops.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real FIFOs, sockets, devices and links. A separate thread carries the timeout, because an open
 * that blocks on a FIFO ignores interrupts.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
class RegularFileTest {
  private static final long LIMIT = 1024 * 1024;

  @TempDir Path dir;

  @Test
  void read_regularFile_givesItsBytes() throws IOException {
    Path file = Files.writeString(dir.resolve("deployment.md"), "## deployment_staging\n");

    assertArrayEquals(
        "## deployment_staging\n".getBytes(StandardCharsets.UTF_8),
        RegularFile.read(file, LIMIT, false));
  }

  @Test
  void open_givesAChannelOnTheFile() throws IOException {
    Path file = Files.writeString(dir.resolve("a.txt"), "hello");

    try (FileChannel channel = RegularFile.open(file, false)) {
      ByteBuffer buffer = ByteBuffer.allocate(16);
      channel.read(buffer);
      assertEquals("hello", new String(buffer.array(), 0, buffer.position(), "UTF-8"));
    }
  }

  @Test
  void onLinux_theDescriptorIsChecked_notThePathAgain() {
    assertTrue(LinuxFiles.instance().isPresent(), "these tests run the JNA side on Linux");
  }

  @Test
  void read_fifo_isRefusedWithoutBlocking() throws Exception {
    Path fifo = mkfifo(dir.resolve("deployment.md"));

    FileSystemException e =
        assertThrows(FileSystemException.class, () -> RegularFile.read(fifo, LIMIT, true));

    assertEquals(
        fifo + ": is a FIFO, not a regular file; replace it with a regular file", e.getMessage());
  }

  @Test
  void read_linkToAFifo_followed_isRefusedAsAFifo() throws Exception {
    Path fifo = mkfifo(dir.resolve("pipe"));
    Path link = Files.createSymbolicLink(dir.resolve("deployment.md"), fifo);

    FileSystemException e =
        assertThrows(FileSystemException.class, () -> RegularFile.read(link, LIMIT, true));

    assertEquals(
        link + ": is a FIFO, not a regular file; replace it with a regular file", e.getMessage());
  }

  @Test
  void read_characterDevice_isRefusedWithoutReading() {
    Path zero = Path.of("/dev/zero");

    FileSystemException e =
        assertThrows(FileSystemException.class, () -> RegularFile.read(zero, LIMIT, true));

    assertEquals(
        "/dev/zero: is a character device, not a regular file; replace it with a regular file",
        e.getMessage());
  }

  @Test
  void read_symbolicLink_isRefusedUnlessFollowed() throws IOException {
    Path target = Files.writeString(dir.resolve("real.md"), "text");
    Path link = Files.createSymbolicLink(dir.resolve("deployment.md"), target);

    FileSystemException e =
        assertThrows(FileSystemException.class, () -> RegularFile.read(link, LIMIT, false));

    assertEquals(
        link + ": is a symbolic link, not a regular file; replace the link with the file itself",
        e.getMessage());
    assertArrayEquals("text".getBytes(StandardCharsets.UTF_8), RegularFile.read(link, LIMIT, true));
  }

  @Test
  void read_directory_isRefused() throws IOException {
    Path sub = Files.createDirectory(dir.resolve("deployment.md"));

    FileSystemException e =
        assertThrows(FileSystemException.class, () -> RegularFile.read(sub, LIMIT, false));

    assertEquals(
        sub + ": is a directory, not a regular file; replace it with a regular file",
        e.getMessage());
  }

  @Test
  void read_socket_isRefused() throws IOException {
    Path socket = dir.resolve("s.sock");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(socket));

      FileSystemException e =
          assertThrows(FileSystemException.class, () -> RegularFile.read(socket, LIMIT, false));

      assertEquals(
          socket + ": is a socket, not a regular file; replace it with a regular file",
          e.getMessage());
    }
  }

  @Test
  void read_fileOverTheLimit_isRefusedByItsSize() throws IOException {
    Path big = dir.resolve("big.md");
    try (RandomAccessFile sparse = new RandomAccessFile(big.toFile(), "rw")) {
      sparse.setLength(8L * 1024 * 1024 * 1024); // 8 GiB of holes: reading it would take long
    }

    FileSystemException e =
        assertThrows(FileSystemException.class, () -> RegularFile.read(big, LIMIT, false));

    assertEquals(
        big + ": is 8589934592 bytes, over the limit of 1048576 bytes; make it smaller",
        e.getMessage());
  }

  @Test
  void read_fileAtTheLimit_isRead() throws IOException {
    Path file = Files.write(dir.resolve("exact"), new byte[16]);

    assertEquals(16, RegularFile.read(file, 16, false).length);
    assertThrows(FileSystemException.class, () -> RegularFile.read(file, 15, false));
  }

  @Test
  void read_missingFile_isNoSuchFile() {
    Path missing = dir.resolve("missing.md");

    NoSuchFileException e =
        assertThrows(NoSuchFileException.class, () -> RegularFile.read(missing, LIMIT, false));

    assertEquals(missing.toString(), e.getMessage());
  }

  @Test
  void openChecked_withoutTheLinuxCalls_refusesAFifoWithoutBlocking() throws Exception {
    Path fifo = mkfifo(dir.resolve("pipe"));
    Path file = Files.writeString(dir.resolve("file"), "x");
    Path link = Files.createSymbolicLink(dir.resolve("link"), file);

    assertEquals(
        fifo + ": is a FIFO, not a regular file; replace it with a regular file",
        assertThrows(FileSystemException.class, () -> RegularFile.openChecked(fifo, true))
            .getMessage());
    assertEquals(
        link + ": is a symbolic link, not a regular file; replace the link with the file itself",
        assertThrows(FileSystemException.class, () -> RegularFile.openChecked(link, false))
            .getMessage());
    try (FileChannel channel = RegularFile.openChecked(link, true)) {
      assertEquals(1, channel.size());
    }
  }

  @Test
  void makedev_encodesAsStatDoes() throws IOException {
    long dev = (Long) Files.getAttribute(dir, "unix:dev");
    long major = ((dev >>> 32) & 0xfffff000L) | ((dev >>> 8) & 0xfffL);
    long minor = ((dev >>> 12) & 0xffffff00L) | (dev & 0xffL);

    assertEquals(dev, LinuxFiles.makedev(major, minor));
  }

  private static Path mkfifo(Path path) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IOException("mkfifo failed for " + path);
    }
    return path;
  }
}
