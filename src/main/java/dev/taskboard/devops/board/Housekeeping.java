package dev.taskboard.devops.board;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Board work done off the caller's time, in order, on one thread: removing old backups, saving the
 * index of a version just read. Nothing here is needed for correctness; a process that exits first
 * only leaves more backups or an older index, which the next write or read puts right.
 */
final class Housekeeping {
  /** One thread, started when there is work and gone when idle; a daemon, so never holds exit. */
  private static final ThreadPoolExecutor THREAD =
      new ThreadPoolExecutor(
          0,
          1,
          5,
          TimeUnit.SECONDS,
          new LinkedBlockingQueue<>(),
          r -> {
            Thread t = new Thread(r, "board-housekeeping");
            t.setDaemon(true);
            return t;
          });

  private Housekeeping() {}

  static void later(Runnable work) {
    THREAD.execute(work);
  }

  /** Waits up to {@code timeout} for the work queued so far; returns whether it is all done. */
  static boolean await(Duration timeout) {
    try {
      THREAD.submit(() -> {}).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
