package dev.taskboard.devops.testing;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Path;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.concurrent.CountDownLatch;

/**
 * A reader thread for tests where other processes write one file: it reads the file once, then
 * again each time the file's directory changes, until closed. It blocks on file events instead of
 * spinning, so the writers keep the CPU. Subclasses say what one read checks.
 */
public abstract class WatchingReader implements Runnable, AutoCloseable {
  /** Counted down after the first read: start the writers once it is. */
  public final CountDownLatch firstRead = new CountDownLatch(1);

  private final WatchService watch;

  protected WatchingReader(Path file) throws IOException {
    this.watch = file.getFileSystem().newWatchService();
    file.getParent().register(watch, ENTRY_CREATE, ENTRY_MODIFY, ENTRY_DELETE);
  }

  /** Reads the file once (called on the reader thread only). */
  protected abstract void read();

  @Override
  public final void run() {
    read();
    firstRead.countDown();
    try {
      while (true) {
        WatchKey key = watch.take();
        key.pollEvents();
        key.reset();
        read();
      }
    } catch (ClosedWatchServiceException | InterruptedException stopped) {
      // close() ends the loop
    }
  }

  /** Stops the reader; it has read every version it was woken for. */
  @Override
  public void close() throws IOException {
    watch.close();
  }
}
