package dev.taskboard.devops.worker;

import dev.taskboard.devops.board.ArrayPath;
import dev.taskboard.devops.board.Board;
import dev.taskboard.devops.board.TaskFilter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * Everything a worker needs to know: the board, its runbook, what to select, where to keep its
 * state, and how often to look again without being told.
 */
public record WorkerConfig(
    Path board,
    ArrayPath arrayPath,
    Path runbook,
    TaskFilter filter,
    Path stateDir,
    Path humanRequests,
    Duration rescan,
    Duration debounce,
    Clock clock) {

  public static final Duration DEFAULT_RESCAN = Duration.ofSeconds(30);
  public static final Duration DEFAULT_DEBOUNCE = Duration.ofMillis(15);

  /** Defaults for everything but the board and runbook. */
  public static WorkerConfig of(Path board, Path runbook) {
    return new WorkerConfig(
        board,
        ArrayPath.auto(),
        runbook,
        TaskFilter.defaultFilter(),
        defaultStateDir(board),
        board.toAbsolutePath().resolveSibling("human-requests.md"),
        DEFAULT_RESCAN,
        DEFAULT_DEBOUNCE,
        Clock.systemUTC());
  }

  /** {@code .plan/devops} for a board in {@code .plan/}, else {@code .devops-worker} beside it. */
  public static Path defaultStateDir(Path board) {
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
        board, arrayPath, runbook, f, stateDir, humanRequests, rescan, debounce, clock);
  }

  public WorkerConfig withArrayPath(ArrayPath p) {
    return new WorkerConfig(
        board, p, runbook, filter, stateDir, humanRequests, rescan, debounce, clock);
  }

  public WorkerConfig withStateDir(Path dir) {
    return new WorkerConfig(
        board, arrayPath, runbook, filter, dir, humanRequests, rescan, debounce, clock);
  }

  public WorkerConfig withHumanRequests(Path file) {
    return new WorkerConfig(
        board, arrayPath, runbook, filter, stateDir, file, rescan, debounce, clock);
  }

  public WorkerConfig withRescan(Duration d) {
    return new WorkerConfig(
        board, arrayPath, runbook, filter, stateDir, humanRequests, d, debounce, clock);
  }

  public WorkerConfig withClock(Clock c) {
    return new WorkerConfig(
        board, arrayPath, runbook, filter, stateDir, humanRequests, rescan, debounce, c);
  }

  Path journal() {
    return stateDir.resolve("journal.jsonl");
  }

  Path logs() {
    return stateDir.resolve("logs");
  }
}
