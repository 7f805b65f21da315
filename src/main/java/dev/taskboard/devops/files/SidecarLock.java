package dev.taskboard.devops.files;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The lock every writer of a shared file takes: an exclusive fcntl (POSIX) lock on a sidecar file
 * beside it — a lock on the file itself would not survive the rename — plus an in-process lock,
 * because fcntl locks belong to the process and Java refuses a second one on the same file.
 */
final class SidecarLock implements java.io.Closeable {
  private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS =
      new ConcurrentHashMap<>();

  private final ReentrantLock local;
  private final FileChannel channel;
  private boolean closed;

  private SidecarLock(ReentrantLock local, FileChannel channel) {
    this.local = local;
    this.channel = channel;
  }

  /**
   * The sidecar other agents lock too (Python's fcntl.lockf, the shipped helpers). Not {@code
   * NAME.lock}: claude-task-master takes that path for its own lock (a directory or an O_EXCL file)
   * and fails while any file sits there.
   */
  static Path pathFor(Path real) {
    return real.resolveSibling(real.getFileName() + ".devops-lock");
  }

  /** Waits for the in-process lock, then for the fcntl lock on {@link #pathFor}. */
  static SidecarLock acquire(Path real) throws IOException {
    ReentrantLock local = IN_PROCESS.computeIfAbsent(real, p -> new ReentrantLock());
    local.lock();
    FileChannel channel = null;
    try {
      channel =
          FileChannel.open(pathFor(real), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      channel.lock();
      return new SidecarLock(local, channel);
    } catch (IOException | RuntimeException e) {
      if (channel != null) {
        channel.close();
      }
      local.unlock();
      throw e;
    }
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
