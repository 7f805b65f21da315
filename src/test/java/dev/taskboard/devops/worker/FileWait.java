package dev.taskboard.devops.worker;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits, without sleeping, until a condition on files in one directory holds: re-checks on every
 * change event the directory reports, and fails after a bound.
 */
final class FileWait {
  interface Condition {
    boolean holds() throws IOException;
  }

  private FileWait() {}

  static void until(Path dir, Duration bound, String what, Condition condition)
      throws IOException, InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + bound.toNanos();
    try (WatchService watch = FileSystems.getDefault().newWatchService()) {
      dir.register(
          watch,
          StandardWatchEventKinds.ENTRY_CREATE,
          StandardWatchEventKinds.ENTRY_MODIFY,
          StandardWatchEventKinds.ENTRY_DELETE);
      while (!condition.holds()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new TimeoutException("still waiting after " + bound + " for: " + what);
        }
        var key =
            watch.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(500)), TimeUnit.NANOSECONDS);
        if (key != null) {
          key.pollEvents();
          key.reset();
        }
      }
    } catch (ClosedWatchServiceException e) {
      throw new IOException(e);
    }
  }
}
