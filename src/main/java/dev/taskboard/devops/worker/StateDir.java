package dev.taskboard.devops.worker;

import dev.taskboard.devops.files.FileStamp;
import dev.taskboard.devops.journal.JournalFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's state directory: its journal and logs, by default outside the project (see {@link
 * Locations}), readable by its user only. Earlier versions kept it inside the project ({@code
 * .plan/devops}); the first start moves the worker's own files out, once, and keeps handing the old
 * directory to the runbook as {@code DEVOPS_STATE_DIR} when the runbook keeps files there (the
 * shipped runbook's live releases).
 */
final class StateDir {
  private static final Logger LOG = LoggerFactory.getLogger(StateDir.class);
  private static final String RUNBOOK_STATE = "runbook-state-dir";

  /** What earlier versions of the worker kept in the state dir; the rest is the runbook's. */
  private static final List<String> WORKERS_OWN =
      List.of("journal.jsonl", "journal.key", "logs", "worker.lock", "backups", "index");

  private final Path dir;
  private final Path runbookStateDir;
  private Object journalKey;

  private StateDir(Path dir, Path runbookStateDir) {
    this.dir = dir;
    this.runbookStateDir = runbookStateDir;
  }

  static StateDir open(WorkerConfig config) throws IOException {
    Path dir = config.stateDir();
    if (config.defaultStateDir()) {
      Locations.createPrivate(dir);
      migrate(WorkerConfig.legacyStateDir(config.board()), dir);
    } else {
      Files.createDirectories(dir);
    }
    Path marker = dir.resolve(RUNBOOK_STATE);
    Path runbookState =
        Files.exists(marker)
            ? Path.of(Files.readString(marker, StandardCharsets.UTF_8).strip())
            : dir;
    return new StateDir(dir, runbookState);
  }

  Path journal() {
    return dir.resolve("journal.jsonl");
  }

  /** What steps get as {@code DEVOPS_STATE_DIR}. */
  Path runbookStateDir() {
    return runbookStateDir;
  }

  /** Fails when the state dir or the journal was deleted or replaced under the running worker. */
  void check() throws WorkerFailure {
    try {
      Object key = FileStamp.attributesOf(journal()).fileKey();
      if (journalKey == null) {
        journalKey = key;
      } else if (!journalKey.equals(key)) {
        throw new WorkerFailure(
            "its journal " + journal() + " was replaced under it; restart it to read it again");
      }
    } catch (NoSuchFileException gone) {
      throw new WorkerFailure(
          "its state dir "
              + dir
              + " (or the journal in it) was deleted under it; restart it to start a new one",
          gone);
    } catch (IOException e) {
      throw new WorkerFailure("its state dir " + dir + " cannot be read: " + e.getMessage(), e);
    }
  }

  /** Moves an earlier version's journal and logs from inside the project to {@code dir}. */
  private static void migrate(Path legacy, Path dir) throws IOException {
    Path oldJournal = legacy.resolve("journal.jsonl");
    if (!Files.isRegularFile(oldJournal, LinkOption.NOFOLLOW_LINKS)
        || Files.exists(dir.resolve("journal.jsonl"))) {
      return;
    }
    move(oldJournal, dir.resolve("journal.jsonl"));
    // Sealed once, as it was: from now on a line edited or added by anyone else is ignored.
    JournalFile.sealUnsealed(dir.resolve("journal.jsonl")).forEach(w -> LOG.warn("{}", w));
    if (Files.isDirectory(legacy.resolve("logs"), LinkOption.NOFOLLOW_LINKS)) {
      move(legacy.resolve("logs"), dir.resolve("logs"));
    }
    for (String old : List.of("worker.lock", "backups", "index")) {
      deleteTree(legacy.resolve(old));
    }
    boolean runbookFiles;
    try (Stream<Path> rest = Files.list(legacy)) {
      runbookFiles = rest.anyMatch(p -> !WORKERS_OWN.contains(p.getFileName().toString()));
    }
    if (runbookFiles) {
      Files.writeString(
          dir.resolve(RUNBOOK_STATE), legacy.toAbsolutePath() + "\n", StandardCharsets.UTF_8);
    } else {
      Files.deleteIfExists(legacy);
    }
    LOG.warn(
        "moved the worker's journal and logs from {} (inside the project, where agents write) to"
            + " {}{}",
        legacy,
        dir,
        runbookFiles
            ? "; the runbook's files stay there, and steps still get it as DEVOPS_STATE_DIR"
            : "");
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException otherFileSystem) {
      copyTree(from, to);
      deleteTree(from);
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    Files.walkFileTree(
        from,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a)
              throws IOException {
            Files.createDirectories(to.resolve(from.relativize(d).toString()));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
            Files.copy(
                f,
                to.resolve(from.relativize(f).toString()),
                StandardCopyOption.COPY_ATTRIBUTES,
                LinkOption.NOFOLLOW_LINKS);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
            Files.delete(f);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
            Files.delete(d);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
