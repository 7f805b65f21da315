package dev.taskboard.devops.board;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskboard.devops.files.FileStamp;
import dev.taskboard.devops.files.LockedUpdate;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A task board: selective reads, and surgical changes to the tasks the caller names, each through
 * the locked-update protocol ({@link LockedUpdate}). Bytes outside those tasks are never rewritten.
 * Two stores: one file holding a task array ({@link SingleFileBoard}), or a directory with an
 * {@code index.json} and one file per task ({@link PerTaskBoard}); {@link #open} picks the one on
 * disk.
 */
public interface Board {

  /** Seams for tests, where a writer that ignores the lock may strike. */
  interface Hooks {
    Hooks NONE = new Hooks() {};

    /** During a read, between the file's attributes and its opening. */
    default void betweenAttributesAndOpen(Path file) throws IOException {}

    /** During a write, after the temp file is written and before the final check. */
    default void beforeCheck(Path real) throws IOException {}
  }

  /** How many fresh reads a write gets against writers ignoring the lock, and the test seams. */
  record Options(int attempts, Hooks hooks) {
    public static final Options DEFAULT = new Options(LockedUpdate.ATTEMPTS, Hooks.NONE);

    public Options {
      Objects.requireNonNull(hooks, "hooks == null");
    }
  }

  /**
   * An index entry that says something else than its task's own file, which is the truth: {@code
   * indexValue} and {@code fileValue} are compact JSON ("absent" when missing).
   */
  record Disagreement(String id, String field, String indexValue, String fileValue) {
    @Override
    public String toString() {
      return "task %s: the index says %s %s, its file says %s"
          .formatted(id, field, indexValue, fileValue);
    }
  }

  /**
   * What one read of the board found: the tasks selected, every task's status (for dependencies),
   * the tasks refused alone (each with a one-line reason), the index entries that disagree with
   * their files, and the version read.
   */
  record Selection(
      List<Task> tasks,
      Map<String, String> statuses,
      List<RefusedTaskException> refused,
      List<Disagreement> disagreements,
      FileStamp stamp) {
    public Selection {
      tasks = List.copyOf(tasks);
      statuses = Map.copyOf(statuses);
      refused = List.copyOf(refused);
      disagreements = List.copyOf(disagreements);
    }

    /** The task with this id, if the read selected it. */
    public Optional<Task> task(String id) {
      return tasks.stream().filter(t -> t.id().equals(id)).findFirst();
    }
  }

  /** A directory to watch and which names in it belong to the board. */
  record Watched(Path dir, Predicate<String> names) {}

  /**
   * The board at {@code path}: a per-task board when {@code path} is its directory or its {@code
   * index.json} (see {@link BoardLayout#perTaskDirectory}), else a single file.
   *
   * @throws IllegalArgumentException when a per-task board is given a task array path
   */
  static Board open(Path path, ArrayPath arrayPath, Options options) {
    Optional<Path> dir = BoardLayout.perTaskDirectory(path);
    if (dir.isPresent()) {
      if (!arrayPath.automatic()) {
        throw new IllegalArgumentException(
            path
                + ": is a per-task board (index.json and one file per task); --tasks-path applies"
                + " to single-file boards only, leave it out");
      }
      return new PerTaskBoard(dir.get(), options);
    }
    return new SingleFileBoard(path, arrayPath, options);
  }

  static Board open(Path path, ArrayPath arrayPath) {
    return open(path, arrayPath, Options.DEFAULT);
  }

  /** A board whose task array is found automatically. */
  static Board at(Path path) {
    return open(path, ArrayPath.auto());
  }

  /** The path that names the board: its file, or a per-task board's directory. */
  Path file();

  /** The tasks matching {@code filter}, in board order. */
  default List<Task> select(TaskFilter filter) throws IOException {
    return read(filter, Set.of()).tasks();
  }

  /**
   * The tasks matching {@code filter} plus those whose ids are in {@code alsoIds}, in board order,
   * and every task's status (for dependencies).
   */
  default Selection read(TaskFilter filter, Set<String> alsoIds) throws IOException {
    return read(filter, alsoIds, task -> List.of());
  }

  /**
   * Like {@link #read(TaskFilter, Set)}, also selecting the tasks each selected task names ({@code
   * references}, e.g. its {@code payload.evidence_tasks}) — from the same version.
   */
  Selection read(
      TaskFilter filter, Set<String> alsoIds, Function<Task, Collection<String>> references)
      throws IOException;

  /** The task with this id (ids compare as text). */
  Task get(String id) throws IOException;

  /**
   * Applies {@code patch} to the task with this id, if its expectations hold on the version on disk
   * at write time; returns the task as written.
   *
   * @throws ExpectationFailedException when an expectation does not hold; nothing is written
   * @throws TaskNotFoundException when the board has no such task
   */
  default Task patch(String id, Patch patch) throws IOException {
    return update(id, task -> patch);
  }

  /**
   * Computes a patch from the task as it is on disk under the lock, and applies it: a
   * read-modify-write no other writer's change can slip into. Returns the task as written.
   */
  Task update(String id, Function<Task, Patch> compute) throws IOException;

  /**
   * Adds {@code task} after the last task, in the board's layout. A task without {@code id} /
   * {@code task_id} gets the next id of the board's scheme. Returns the task as written.
   */
  Task add(ObjectNode task) throws IOException;

  /**
   * Adds {@code task} unless a task with the same value at {@code keyPath} (e.g. {@code
   * payload.followup_key}) is already on the board — checked under the lock, in the same write —
   * and returns the task that is there now.
   */
  Task addIfAbsent(ObjectNode task, String keyPath) throws IOException;

  /** The attributes of the board on disk now: they change whenever any of its files does. */
  FileStamp stamp() throws IOException;

  /** The attributes of the version this board object last wrote, if it wrote one. */
  Optional<FileStamp> lastWritten();

  /** Where a watcher sees every change to the board. */
  Watched watched() throws IOException;

  /**
   * Rewrites the index entries of these tasks from their files (the truth); returns how many
   * entries changed. A single-file board has no index: nothing to do.
   */
  default int repairIndex(Set<String> ids) throws IOException {
    return 0;
  }
}
