package dev.taskboard.devops.files;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Task Master's own lock on a board, taken the way Task Master takes it: the directory {@code
 * <board>.lock}, made with mkdir, kept fresh by its mtime and treated as stale after 10 s.
 *
 * <p>Task Master 0.43.1 locks {@code tasks.json} in two ways, both on the path {@code
 * tasks.json.lock}: proper-lockfile's directory ({@code tm-core}'s {@code modifyJson}, used by
 * {@code set-status}) and an O_EXCL file ({@code scripts/modules/utils.js} {@code writeJSON}). A
 * directory there makes both wait (mkdir and O_EXCL both fail with EEXIST), and both remove a lock
 * whose mtime is more than 10 s old. {@code docs/taskmaster-lock.md} cites the source lines.
 */
public final class TaskMasterLock implements LockedUpdate.Guard {
  /** proper-lockfile's {@code stale} as tm-core sets it, and utils.js's {@code staleLockAge}. */
  static final Duration STALE = Duration.ofSeconds(10);

  /** proper-lockfile's default {@code update}: half the stale time. */
  static final Duration RENEW_EVERY = STALE.dividedBy(2);

  private static final LinkOption[] NO_FOLLOW = {LinkOption.NOFOLLOW_LINKS};

  private final Path path;
  private final Clock clock;
  private Object fileKey;
  private FileTime mtime;
  private ScheduledFuture<?> renewal;
  private boolean closed;

  private TaskMasterLock(Path path, Clock clock, BasicFileAttributes created) {
    this.path = path;
    this.clock = clock;
    this.fileKey = created.fileKey();
    this.mtime = created.lastModifiedTime();
  }

  /**
   * Takes Task Master's lock on {@code board}, waiting up to {@code wait} while another process
   * holds it, and renews it on {@code scheduler} every 5 s until {@link #close()} — or, with no
   * scheduler (null), only when {@link #renew()} is called: enough for a hold far shorter than the
   * 10 s after which Task Master takes a lock for stale.
   *
   * <p>Pass the board path as Task Master names it ({@code
   * <project>/.taskmaster/tasks/tasks.json}): Task Master does not resolve symlinks before locking
   * ({@code realpath: false}).
   *
   * @throws FileSystemException when another process holds it for longer than {@code wait}
   * @throws InterruptedIOException when the thread is interrupted while it waits
   */
  public static TaskMasterLock acquire(
      Path board, Duration wait, ScheduledExecutorService scheduler) throws IOException {
    return acquire(board, wait, scheduler, Clock.systemUTC(), () -> {});
  }

  /** As above, with the clock lock ages are measured by and a hook run before each wait. */
  static TaskMasterLock acquire(
      Path board,
      Duration wait,
      ScheduledExecutorService scheduler,
      Clock clock,
      Runnable beforeWaiting)
      throws IOException {
    Path path = lockPath(board);
    long deadline = System.nanoTime() + wait.toNanos();
    WatchService watcher = null;
    try {
      while (true) {
        Optional<TaskMasterLock> taken = tryCreate(path, clock);
        if (taken.isPresent()) {
          return taken.get().renewedOn(scheduler);
        }
        Optional<Duration> fresh = freshHolder(path, clock);
        if (fresh.isEmpty()) {
          continue;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw heldTooLong(path, wait);
        }
        if (watcher == null) {
          // Watch first, then look again: a release between our look and the watch still counts.
          watcher = watch(path.getParent());
          continue;
        }
        beforeWaiting.run();
        // Woken by a removal in the directory, or when the holder's lock turns stale.
        await(watcher, Math.min(left, nanosUntilStale(fresh.get())));
      }
    } finally {
      if (watcher != null) {
        watcher.close();
      }
    }
  }

  /** Where Task Master locks {@code board}: {@code <board>.lock}, made absolute, not resolved. */
  public static Path lockPath(Path board) {
    Path absolute = board.toAbsolutePath().normalize();
    return absolute.resolveSibling(absolute.getFileName() + ".lock");
  }

  /**
   * Whether {@code board} is where Task Master keeps its tasks: {@code
   * .taskmaster/tasks/tasks.json} (the only path tm-core uses), or the legacy {@code
   * tasks/tasks.json} beside a {@code .taskmasterconfig} or {@code .taskmaster}. Decided from names
   * alone, before the board's bytes are read.
   */
  public static boolean isTaskMasterBoard(Path board) {
    Path path = board.toAbsolutePath().normalize();
    Path tasks = path.getParent();
    if (!path.getFileName().toString().equals("tasks.json")
        || tasks == null
        || tasks.getFileName() == null
        || !tasks.getFileName().toString().equals("tasks")) {
      return false;
    }
    Path above = tasks.getParent();
    if (above == null) {
      return false;
    }
    if (above.getFileName() != null && above.getFileName().toString().equals(".taskmaster")) {
      return true;
    }
    return Files.isRegularFile(above.resolve(".taskmasterconfig"))
        || Files.isDirectory(above.resolve(".taskmaster"));
  }

  /** The lock directory. */
  public Path path() {
    return path;
  }

  /**
   * Confirms the lock is still this one (the directory we made, with the mtime we last gave it) and
   * sets its mtime to now. Call it just before a write becomes visible.
   *
   * @throws FileSystemException when the lock was removed or taken over, e.g. after it went stale
   */
  public synchronized void renew() throws IOException {
    if (closed) {
      throw new FileSystemException(path.toString(), null, "lock already released");
    }
    if (!isOurs(attributes(path))) {
      throw new FileSystemException(
          path.toString(), null, "lock lost: removed or taken over by another process");
    }
    Files.setLastModifiedTime(path, FileTime.from(clock.instant()));
    BasicFileAttributes renewed = Files.readAttributes(path, BasicFileAttributes.class, NO_FOLLOW);
    fileKey = renewed.fileKey();
    mtime = renewed.lastModifiedTime();
  }

  /** {@link #renew()}: the locked-update protocol calls it just before its rename. */
  @Override
  public void confirm() throws IOException {
    renew();
  }

  /**
   * Removes the lock directory if it is still ours; a lock another process took over is left alone.
   * A second call does nothing.
   */
  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    if (renewal != null) {
      renewal.cancel(false);
    }
    if (isOurs(attributes(path))) {
      Files.deleteIfExists(path);
    }
  }

  private synchronized TaskMasterLock renewedOn(ScheduledExecutorService scheduler)
      throws IOException {
    if (scheduler == null) {
      return this; // a hold far shorter than the stale age: renew() before the rename suffices
    }
    try {
      long every = RENEW_EVERY.toMillis();
      renewal =
          scheduler.scheduleWithFixedDelay(this::renewQuietly, every, every, TimeUnit.MILLISECONDS);
      return this;
    } catch (RuntimeException e) { // a scheduler already shut down
      close();
      throw e;
    }
  }

  /** The scheduled renewal: stops once the lock is lost; {@link #renew()} tells the writer. */
  private synchronized void renewQuietly() {
    if (closed) {
      return;
    }
    try {
      renew();
    } catch (IOException e) {
      // Lost, or the file system refused this once: the writer's own renew() before its rename
      // reports it; a lost lock never comes back, so stop touching a path that may be another's.
      if (renewal != null && !isOurs(attributesQuietly())) {
        renewal.cancel(false);
      }
    }
  }

  private Optional<BasicFileAttributes> attributesQuietly() {
    try {
      return attributes(path);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private boolean isOurs(Optional<BasicFileAttributes> now) {
    return now.isPresent()
        && now.get().isDirectory()
        && Objects.equals(now.get().fileKey(), fileKey)
        && now.get().lastModifiedTime().equals(mtime);
  }

  /** mkdir, as proper-lockfile's acquireLock; then our own mtime, as its mtime-precision probe. */
  private static Optional<TaskMasterLock> tryCreate(Path path, Clock clock) throws IOException {
    try {
      Files.createDirectory(path);
    } catch (FileAlreadyExistsException e) {
      return Optional.empty();
    }
    try {
      Files.setLastModifiedTime(path, FileTime.from(clock.instant()));
      BasicFileAttributes created =
          Files.readAttributes(path, BasicFileAttributes.class, NO_FOLLOW);
      return Optional.of(new TaskMasterLock(path, clock, created));
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(path);
      throw e;
    }
  }

  private static Optional<BasicFileAttributes> attributes(Path path) throws IOException {
    try {
      return Optional.of(Files.readAttributes(path, BasicFileAttributes.class, NO_FOLLOW));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /**
   * How long the lock another process holds stays fresh; empty when there is none any more: it was
   * released since our mkdir, or it was stale and we moved it aside.
   */
  private static Optional<Duration> freshHolder(Path path, Clock clock) throws IOException {
    Optional<BasicFileAttributes> holder = attributes(path);
    if (holder.isEmpty()) {
      return Optional.empty();
    }
    Duration fresh = freshFor(holder.get(), clock);
    if (fresh.isNegative()) {
      removeStale(path, holder.get(), clock);
      return Optional.empty();
    }
    return Optional.of(fresh);
  }

  /**
   * How long the holder's lock stays fresh; negative once stale. Both protocols call a lock stale
   * when its mtime is strictly more than 10 s old.
   */
  static Duration freshFor(BasicFileAttributes holder, Clock clock) {
    return Duration.between(clock.instant(), holder.lastModifiedTime().toInstant().plus(STALE));
  }

  /** Nanoseconds until a lock fresh for {@code fresh} turns stale (strictly older than 10 s). */
  private static long nanosUntilStale(Duration fresh) {
    // A hostile mtime far in the future would overflow toNanos(); a day is as good as forever.
    return fresh.compareTo(Duration.ofDays(1)) > 0
        ? Duration.ofDays(1).toNanos()
        : fresh.plusMillis(1).toNanos();
  }

  /**
   * Moves a stale lock (a directory, Task Master's JSON file, or the empty file earlier versions of
   * this worker left) aside and deletes it, as utils.js does: the rename takes it in one step from
   * any other process cleaning it up at the same moment.
   */
  private static void removeStale(Path path, BasicFileAttributes holder, Clock clock)
      throws IOException {
    if (holder.isDirectory() && !isEmpty(path)) {
      throw new FileSystemException(
          path.toString(),
          null,
          "a directory with files in it, not a lock; move it away so Task Master and the worker"
              + " can lock the board");
    }
    Path aside =
        path.resolveSibling(
            path.getFileName() + ".stale." + ProcessHandle.current().pid() + "." + clock.millis());
    try {
      Files.move(path, aside, StandardCopyOption.ATOMIC_MOVE);
    } catch (NoSuchFileException e) {
      return; // another process cleaned it up first
    }
    Files.delete(aside);
  }

  private static boolean isEmpty(Path directory) throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
      return !entries.iterator().hasNext();
    } catch (NoSuchFileException e) {
      return true;
    }
  }

  private static WatchService watch(Path directory) throws IOException {
    WatchService watcher = directory.getFileSystem().newWatchService();
    try {
      // A release is an rmdir or unlink (proper-lockfile, utils.js) or a rename aside (a stale
      // lock): the JDK reports all three as ENTRY_DELETE.
      directory.register(watcher, StandardWatchEventKinds.ENTRY_DELETE);
      return watcher;
    } catch (IOException | RuntimeException e) {
      watcher.close();
      throw e;
    }
  }

  private static void await(WatchService watcher, long nanos) throws IOException {
    try {
      WatchKey key = watcher.poll(nanos, TimeUnit.NANOSECONDS);
      if (key != null) {
        key.pollEvents();
        key.reset();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for Task Master's lock");
    }
  }

  private static FileSystemException heldTooLong(Path path, Duration wait) {
    return new FileSystemException(
        path.toString(),
        null,
        "held by another process (Task Master or a worker) for over "
            + wait.toMillis()
            + " ms and kept fresh; if none is running, delete it");
  }
}
