package dev.taskboard.devops.board;

import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.OptionalLong;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

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
      int leftovers = AtomicReplace.removeLeftovers(real);
      if (leftovers > 0) {
        LOG.info(
            "{}: removed {} temp file(s) a writer killed mid-write left beside it",
            file,
            leftovers);
      }
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
          Result<T> result;
          try {
            result = change.apply(snapshot);
          } catch (StaleLayoutException e) {
            LOG.warn("{}; reading it in full", e.getMessage());
            scan.collided(real); // the remembered layout is wrong: forget it
            continue;
          } catch (IOException | RuntimeException e) {
            if (stale(real, snapshot, scan)) {
              continue;
            }
            throw e;
          }
          if (result.splices().isEmpty()) {
            if (stale(real, snapshot, scan)) {
              continue;
            }
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
              OptionalLong writtenChecksum =
                  checksumIfUnchanged(real, snapshot.state, result.splices());
              if (writtenChecksum.isEmpty() || !AtomicReplace.sameIdentity(real, snapshot.state)) {
                collisions++;
                collided++;
                unreadable = null;
                scan.collided(real);
                LOG.info(
                    "{}: replaced by a writer that ignores the lock while this one wrote; read again",
                    file);
                continue;
              }
              AtomicReplace.commit(temp, real);
              scan.committed(
                  real,
                  snapshot,
                  result.splices(),
                  written.withChecksum(writtenChecksum.getAsLong()));
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

  /**
   * The final check: whether the board on disk is still the version read (identity, size, mtime,
   * then every byte's checksum). When it is, returns the checksum the version with {@code splices}
   * applied has — the read's pieces around the splices combined with the replacements' — so the new
   * version need not be read again to be known.
   */
  private static OptionalLong checksumIfUnchanged(Path real, FileState read, List<Splice> splices)
      throws IOException {
    long[] cuts = new long[splices.size() * 2];
    for (int i = 0; i < splices.size(); i++) {
      cuts[2 * i] = splices.get(i).start();
      cuts[2 * i + 1] = splices.get(i).end();
    }
    Optional<FileState.Pieces> unchanged = AtomicReplace.unchanged(real, read, cuts);
    if (unchanged.isEmpty()) {
      return OptionalLong.empty();
    }
    FileState.Pieces now = unchanged.get();
    long crc = now.crcs()[0];
    for (int i = 0; i < splices.size(); i++) {
      byte[] replacement = splices.get(i).replacement();
      CRC32C added = new CRC32C();
      added.update(replacement);
      crc = Crc32c.combine(crc, added.getValue(), replacement.length);
      crc = Crc32c.combine(crc, now.crcs()[2 * i + 2], now.lengths()[2 * i + 2]);
    }
    return OptionalLong.of(crc);
  }

  /** The sidecar lock other agents take too (fcntl, e.g. Python's fcntl.lockf). */
  static Path lockPath(Path realBoard) {
    return AtomicReplace.lockPath(realBoard);
  }

  /**
   * A remembered layout (see {@link BoardIndex}) that does not fit the bytes it describes: the
   * change is computed again from a full read. Never reaches the caller.
   */
  static final class StaleLayoutException extends IOException {
    StaleLayoutException(Path file, String what) {
      super(file + ": " + what);
    }
  }

  /** Reads a board version for {@link #update}. */
  interface Scan {
    Snapshot read(Path realFile) throws IOException;

    /** The change read from {@code before} was renamed into place as {@code written}. */
    default void committed(
        Path realFile, Snapshot before, List<Splice> splices, FileState written) {}

    /** The version read was not the one on disk: whatever was remembered of it is stale. */
    default void collided(Path realFile) {}
  }

  /**
   * Whether an outcome that writes nothing (no change, an expectation that failed, no such task)
   * came from a layout that no longer matches the bytes on disk; then it is read again in full. A
   * full scan's outcome stands as it is: it read every byte it judged.
   */
  private static boolean stale(Path real, Snapshot snapshot, Scan scan) throws IOException {
    if (snapshot.verified || AtomicReplace.unchanged(real, snapshot.state)) {
      return false;
    }
    scan.collided(real);
    return true;
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

  /**
   * After the rename: files the staged version under backups/; the versions beyond the last five
   * are removed in the background. Removing the last link to a large file frees its blocks, which
   * costs as much as writing it (130 ms for 100 MB on ext4 here): that is done off the lock and off
   * the caller's time. {@link Board#awaitBackgroundWork} waits for it (a command line does, before
   * exit).
   */
  private void keepBackup(Path real, Path pending) throws IOException {
    Files.createDirectories(backups);
    String name = real.getFileName() + "." + STAMP.format(clock.instant()) + ".bak";
    Files.move(pending, backups.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    Path dir = backups;
    String prefix = real.getFileName() + ".";
    Housekeeping.later(() -> prune(dir, prefix));
  }

  private static void prune(Path backups, String prefix) {
    try (Stream<Path> all = Files.list(backups)) {
      List<Path> mine =
          all.filter(p -> p.getFileName().toString().startsWith(prefix))
              .filter(p -> p.getFileName().toString().endsWith(".bak"))
              .sorted(Comparator.comparing(Path::toString).reversed())
              .toList();
      for (Path old : mine.subList(Math.min(BACKUPS_KEPT, mine.size()), mine.size())) {
        Files.deleteIfExists(old);
      }
    } catch (IOException | UncheckedIOException e) {
      LOG.warn("{}: old backups not removed: {}", backups, e.toString());
    }
  }
}
