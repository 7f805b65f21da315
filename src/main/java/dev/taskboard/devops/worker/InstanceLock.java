package dev.taskboard.devops.worker;

import dev.taskboard.devops.files.FileStamp;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * One worker per board: an fcntl lock on a file named after the board's real path, in the user's
 * runtime directory (outside the project, so no agent can hold it and no other {@code --state-dir}
 * or symlinked path gets around it). It holds "pid on host" for the message a second worker prints.
 * The kernel drops the lock when its process dies, so a stale lock never blocks a restart.
 */
final class InstanceLock implements Closeable {
  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;
  private final Object fileKey;

  private InstanceLock(Path file, FileChannel channel, FileLock lock, Object fileKey) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
    this.fileKey = fileKey;
  }

  /** Takes the lock, or throws {@link AlreadyRunningException} naming the holder. */
  static InstanceLock acquire(Path file, long pid, String host) throws IOException {
    Locations.createPrivate(file.getParent());
    FileChannel channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException sameProcess) {
      lock = null;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
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
    return new InstanceLock(file, channel, lock, FileStamp.attributesOf(file).fileKey());
  }

  /**
   * Whether the lock file is still the one this worker locked: deleted or replaced, another worker
   * could lock a new file at that path and start beside this one.
   */
  boolean stillHeld() throws IOException {
    try {
      return channel.isOpen() && fileKey.equals(FileStamp.attributesOf(file).fileKey());
    } catch (NoSuchFileException deleted) {
      return false;
    }
  }

  Path file() {
    return file;
  }

  /** The holder written in {@code file} when a live process holds it, for {@code status}. */
  static Optional<String> holder(Path file) throws IOException {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      FileLock probe;
      try {
        probe = channel.tryLock();
      } catch (OverlappingFileLockException thisProcessHoldsIt) {
        probe = null;
      }
      if (probe != null) {
        probe.release();
        return Optional.empty(); // nobody holds it
      }
    }
    String holder = Files.readString(file, StandardCharsets.UTF_8).strip();
    return Optional.of(holder.isEmpty() ? "another process" : holder);
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
