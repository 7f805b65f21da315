package dev.taskboard.devops.worker;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One worker per board: an fcntl lock on {@code worker.lock} in the state dir, holding "pid on
 * host" for the message a second worker prints. The kernel drops the lock when its process dies, so
 * a stale lock never blocks a restart.
 */
final class InstanceLock implements Closeable {
  private final FileChannel channel;
  private final FileLock lock;

  private InstanceLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** Takes the lock, or throws {@link AlreadyRunningException} naming the holder. */
  static InstanceLock acquire(Path stateDir, long pid, String host) throws IOException {
    Files.createDirectories(stateDir);
    Path file = stateDir.resolve("worker.lock");
    FileChannel channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException sameProcess) {
      lock = null;
    }
    if (lock == null) {
      String holder = Files.readString(file, StandardCharsets.UTF_8).strip();
      channel.close();
      throw new AlreadyRunningException(file, holder.isEmpty() ? "another process" : holder);
    }
    channel.truncate(0);
    channel.write(
        ByteBuffer.wrap(("pid " + pid + " on " + host + "\n").getBytes(StandardCharsets.UTF_8)), 0);
    channel.force(false);
    return new InstanceLock(channel, lock);
  }

  @Override
  public void close() throws IOException {
    if (channel.isOpen()) {
      channel.truncate(0); // nobody holds it now: status must not see a live pid here
      lock.release();
      channel.close();
    }
  }
}
