package dev.taskboard.devops.worker;

import dev.taskboard.devops.board.ArrayPath;
import dev.taskboard.devops.board.Board;
import dev.taskboard.devops.board.TaskFilter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * Everything a worker needs to know: the board, its runbook, what to select, where to keep its
 * state and its instance lock, and how often to look again without being told.
 */
public record WorkerConfig(
    Path board,
    ArrayPath arrayPath,
    Path runbook,
    TaskFilter filter,
    Path stateDir,
    boolean defaultStateDir,
    Path lockFile,
    Path humanRequests,
    Duration rescan,
    Duration debounce,
    Clock clock) {

  public static final Duration DEFAULT_RESCAN = Duration.ofSeconds(30);
  public static final Duration DEFAULT_DEBOUNCE = Duration.ofMillis(15);

  /** Defaults for everything but the board and runbook, with the locations {@code env} names. */
  public static WorkerConfig of(Path board, Path runbook, Map<String, String> env) {
    Locations at = Locations.of(env);
    return new WorkerConfig(
        board,
        ArrayPath.auto(),
        runbook,
        TaskFilter.defaultFilter(),
        at.stateDirFor(board),
        true,
        at.lockFileFor(board),
        board.toAbsolutePath().resolveSibling("human-requests.md"),
        DEFAULT_RESCAN,
        DEFAULT_DEBOUNCE,
        Clock.systemUTC());
  }

  /**
   * Where earlier versions kept the state of {@code board}: {@code .plan/devops} for a board in
   * {@code .plan/}, else {@code .devops-worker} beside it — inside the agents' tree.
   */
  static Path legacyStateDir(Path board) {
    Path dir = board.toAbsolutePath().getParent();
    Path name = dir.getFileName();
    return name != null && name.toString().equals(".plan")
        ? dir.resolve("devops")
        : dir.resolve(".devops-worker");
  }

  /** The board this configuration names. */
  public Board openBoard() {
    return new Board(board, arrayPath);
  }

  public WorkerConfig withFilter(TaskFilter f) {
    return new WorkerConfig(
        board,
        arrayPath,
        runbook,
        f,
        stateDir,
        defaultStateDir,
        lockFile,
        humanRequests,
        rescan,
        debounce,
        clock);
  }

  public WorkerConfig withArrayPath(ArrayPath p) {
    return new WorkerConfig(
        board,
        p,
        runbook,
        filter,
        stateDir,
        defaultStateDir,
        lockFile,
        humanRequests,
        rescan,
        debounce,
        clock);
  }

  /** An operator's own state dir ({@code --state-dir}). */
  public WorkerConfig withStateDir(Path dir) {
    return new WorkerConfig(
        board,
        arrayPath,
        runbook,
        filter,
        dir,
        false,
        lockFile,
        humanRequests,
        rescan,
        debounce,
        clock);
  }

  public WorkerConfig withHumanRequests(Path file) {
    return new WorkerConfig(
        board,
        arrayPath,
        runbook,
        filter,
        stateDir,
        defaultStateDir,
        lockFile,
        file,
        rescan,
        debounce,
        clock);
  }

  public WorkerConfig withRescan(Duration d) {
    return new WorkerConfig(
        board,
        arrayPath,
        runbook,
        filter,
        stateDir,
        defaultStateDir,
        lockFile,
        humanRequests,
        d,
        debounce,
        clock);
  }

  public WorkerConfig withClock(Clock c) {
    return new WorkerConfig(
        board,
        arrayPath,
        runbook,
        filter,
        stateDir,
        defaultStateDir,
        lockFile,
        humanRequests,
        rescan,
        debounce,
        c);
  }

  Path journal() {
    return stateDir.resolve("journal.jsonl");
  }

  Path logs() {
    return stateDir.resolve("logs");
  }
}
