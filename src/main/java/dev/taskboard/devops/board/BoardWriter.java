package dev.taskboard.devops.board;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The write protocol every board change goes through: take the sidecar lock, read, compute the
 * splices, write a temp file beside the board, make sure no writer that ignores the lock replaced
 * the board meanwhile (else read again and recompute), keep a backup, rename atomically.
 */
final class BoardWriter {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BoardWriter.class);

  /** Reads and writes one board version; returns the splices to apply, empty for none. */
  interface Change<T> {
    Result<T> apply(Snapshot snapshot) throws IOException;
  }

  record Result<T>(List<Splice> splices, T value) {
    Result {
      splices = List.copyOf(splices);
    }
  }

  static final int BACKUPS_KEPT = 5;
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);

  /**
   * Runs at the end of staging the backup, with the board's real path; tests rename a version over
   * the board there, as a writer that ignores the lock might while the link or copy is made.
   */
  static volatile Consumer<Path> backupStaged = real -> {};

  private final Path file;
  private final Path backups;
  private final int attempts;
  private final Clock clock;
  private volatile Runnable beforeCommit = () -> {};
  private int collisions;
  private volatile FileState lastWritten;

  BoardWriter(Path file, Path stateDir, int attempts, Clock clock) {
    this.file = file;
    this.backups = stateDir.resolve("backups");
    this.attempts = attempts;
    this.clock = clock;
  }

  /** Runs between the read and the final check; tests use it to stage a racing writer. */
  void beforeCommit(Runnable hook) {
    this.beforeCommit = hook;
  }

  /** The attributes of the version this writer last renamed into place. */
  Optional<FileState> lastWritten() {
    return Optional.ofNullable(lastWritten);
  }

  /** How many times a writer that ignores the lock replaced the board under this one. */
  int collisions() {
    return collisions;
  }

  <T> T update(Scan scan, Change<T> change) throws IOException {
    Path real = realPath();
    try (AtomicReplace.Lock held = AtomicReplace.lock(real)) {
      int collided = 0;
      UnreadableBoardException unreadable = null;
      for (int attempt = 1; attempt <= attempts; attempt++) {
        Snapshot read;
        try {
          read = scan.read(real);
        } catch (UnreadableBoardException e) {
          if (collided == 0) {
            throw e;
          }
          // A writer that ignores the lock just replaced the board; it may still be writing.
          unreadable = e;
          continue;
        }
        try (Snapshot snapshot = read) {
          Result<T> result = change.apply(snapshot);
          if (result.splices().isEmpty()) {
            return result.value();
          }
          Path temp = writeTemp(real, snapshot, result.splices());
          try {
            beforeCommit.run();
            // Everything slow happens before the final check, so that only a re-stat stands
            // between it and the rename: a writer that ignores the lock and renames its version
            // in that last instant is the one case this cannot notice.
            Path staged = stageBackup(real);
            try {
              // A rename keeps the inode and mtime: these are the new board's, with no window
              // in which another writer's version could be mistaken for this one.
              FileState written = FileState.attributesOf(temp);
              if (!AtomicReplace.unchanged(real, snapshot.state)
                  || !AtomicReplace.sameIdentity(real, snapshot.state)) {
                collisions++;
                collided++;
                unreadable = null;
                LOG.info(
                    "{}: replaced by a writer that ignores the lock while this one wrote; read again",
                    file);
                continue;
              }
              AtomicReplace.commit(temp, real);
              if (staged != null) {
                keepBackup(real, staged);
                staged = null;
              }
              lastWritten = written;
            } finally {
              if (staged != null) {
                Files.deleteIfExists(staged);
              }
            }
            return result.value();
          } finally {
            Files.deleteIfExists(temp);
          }
        }
      }
      String why =
          unreadable == null
              ? "kept changing under a writer that ignores "
              : "was left unreadable by a writer that ignores ";
      throw new BoardContentionException(
          file,
          why
              + lockPath(real).getFileName()
              + " ("
              + attempts
              + " tries"
              + (unreadable == null ? "" : "; last read: " + unreadable.getMessage())
              + "); nothing was written, retry");
    }
  }

  /** The sidecar lock other agents take too (fcntl, e.g. Python's fcntl.lockf). */
  static Path lockPath(Path realBoard) {
    return AtomicReplace.lockPath(realBoard);
  }

  /** Reads a board version for {@link #update}. */
  interface Scan {
    Snapshot read(Path realFile) throws IOException;
  }

  private Path realPath() throws IOException {
    try {
      return file.toRealPath();
    } catch (NoSuchFileException e) {
      throw new BoardException(
          file, "does not exist; create it (an empty board is []) or run 'devops-worker init'");
    }
  }

  private static Path writeTemp(Path real, Snapshot snapshot, List<Splice> splices)
      throws IOException {
    Path temp = AtomicReplace.createTemp(real);
    try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
      long position = 0;
      for (Splice splice : splices) {
        copy(snapshot.channel, position, splice.start() - position, out);
        write(out, splice.replacement());
        position = splice.end();
      }
      // The bytes this read saw; should the attributes be a newer version's, the check
      // before the rename notices.
      copy(snapshot.channel, position, snapshot.channel.size() - position, out);
      AtomicReplace.seal(out, real, temp);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
    return temp;
  }

  private static void copy(FileChannel in, long position, long count, FileChannel out)
      throws IOException {
    long done = 0;
    while (done < count) {
      long n = in.transferTo(position + done, count - done, out);
      if (n <= 0) {
        throw new IOException(in + ": file shrank while being copied");
      }
      done += n;
    }
  }

  private static void write(FileChannel out, byte[] bytes) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    while (buffer.hasRemaining()) {
      out.write(buffer);
    }
  }

  /**
   * Links the board's current version beside it under a hidden name, before the final check, so
   * that nothing slow stands between that check and the rename. Null when there is no board.
   */
  private static Path stageBackup(Path real) throws IOException {
    Path pending = real.resolveSibling("." + real.getFileName() + "." + UUID.randomUUID() + ".bak");
    try {
      Files.createLink(pending, real);
    } catch (NoSuchFileException gone) {
      return null;
    } catch (UnsupportedOperationException | FileSystemException noLinks) {
      try {
        Files.copy(real, pending);
      } catch (NoSuchFileException gone) {
        return null;
      }
    }
    backupStaged.accept(real);
    return pending;
  }

  /** After the rename: files the staged version under backups/ and keeps the last five. */
  private void keepBackup(Path real, Path pending) throws IOException {
    Files.createDirectories(backups);
    String name = real.getFileName() + "." + STAMP.format(clock.instant()) + ".bak";
    Files.move(pending, backups.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    String prefix = real.getFileName() + ".";
    try (Stream<Path> all = Files.list(backups)) {
      List<Path> mine =
          all.filter(p -> p.getFileName().toString().startsWith(prefix))
              .filter(p -> p.getFileName().toString().endsWith(".bak"))
              .sorted(Comparator.comparing(Path::toString).reversed())
              .toList();
      for (Path old : mine.subList(Math.min(BACKUPS_KEPT, mine.size()), mine.size())) {
        Files.deleteIfExists(old);
      }
    }
  }
}
