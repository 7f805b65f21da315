package dev.taskboard.devops.watch;

import io.methvin.watcher.DirectoryChangeEvent;
import io.methvin.watcher.DirectoryChangeListener;
import io.methvin.watcher.DirectoryWatcher;
import io.methvin.watcher.visitor.FileTreeVisitor;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells when any of a few files in one directory may have changed. It only says "look again": the
 * caller decides what changed (its own writes included), so every event kind — a rename over the
 * file, a delete and create, in-place writes, a lost event — means the same.
 */
public final class FileWatcher implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(FileWatcher.class);

  private final DirectoryWatcher watcher;
  private final ExecutorService thread;

  private FileWatcher(DirectoryWatcher watcher, ExecutorService thread) {
    this.watcher = watcher;
    this.thread = thread;
  }

  /**
   * Watches {@code dir} (not its subdirectories) and calls {@code onChange} for events on the named
   * files and whenever the watcher itself fails or loses events.
   */
  public static FileWatcher start(Path dir, Set<String> fileNames, Runnable onChange)
      throws IOException {
    return start(dir, fileNames::contains, onChange);
  }

  /**
   * Watches {@code dir} (not its subdirectories) and calls {@code onChange} for events on the files
   * whose names {@code fileNames} accepts and whenever the watcher itself fails or loses events.
   */
  public static FileWatcher start(
      Path dir, java.util.function.Predicate<String> fileNames, Runnable onChange)
      throws IOException {
    Path root = dir.toAbsolutePath().normalize();
    DirectoryChangeListener listener =
        new DirectoryChangeListener() {
          @Override
          public void onEvent(DirectoryChangeEvent event) {
            Path name = event.path() == null ? null : event.path().getFileName();
            if (event.eventType() == DirectoryChangeEvent.EventType.OVERFLOW
                || name != null && fileNames.test(name.toString())) {
              onChange.run();
            }
          }

          @Override
          public void onException(Exception e) {
            // The JDK drops events on overflow and the library then fails here: rescan.
            LOG.warn("file watcher: {}; rescanning", e.toString());
            onChange.run();
          }
        };
    DirectoryWatcher watcher =
        DirectoryWatcher.builder()
            .path(root)
            .fileHashing(false) // hashing reads every file byte by byte: seconds on a large board
            .fileTreeVisitor(onlyTheDirectory(root))
            .listener(listener)
            .logger(LOG)
            .build();
    ExecutorService thread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "file-watcher");
              t.setDaemon(true);
              return t;
            });
    watcher.watchAsync(thread);
    return new FileWatcher(watcher, thread);
  }

  /** The library watches recursively; the board's directory alone is enough (and much cheaper). */
  private static FileTreeVisitor onlyTheDirectory(Path root) {
    return (path, onDirectory, onFile) -> {
      if (!path.toAbsolutePath().normalize().equals(root)) {
        return;
      }
      onDirectory.call(path);
      try (Stream<Path> files = Files.list(path)) {
        for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
          onFile.call(f);
        }
      }
    };
  }

  @Override
  public void close() throws IOException {
    if (!watcher.isClosed()) {
      watcher.close();
    }
    thread.shutdown();
    try {
      if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
        thread.shutdownNow();
      }
    } catch (InterruptedException e) {
      thread.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
