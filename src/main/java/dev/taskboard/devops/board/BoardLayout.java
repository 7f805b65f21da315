package dev.taskboard.devops.board;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The one place that decides which board a path names, and which board a project has by default:
 *
 * <ul>
 *   <li>a per-task board — a directory {@code tasks/} holding {@code index.json} and one {@code
 *       <task_id>.json} per task — when the path is that directory or its {@code index.json};
 *   <li>else a single file holding a task array.
 * </ul>
 *
 * <p>A project's default is {@code .plan/tasks/} when it exists, else {@code .plan/tasks.json},
 * else {@code ./tasks.json}; a plan directory such as {@code .demo/.plan} given as the board
 * resolves the same way. A plan directory holding both {@code tasks/} and {@code tasks.json} is
 * refused: the operator says which with {@code --board}.
 */
public final class BoardLayout {
  /** A per-task board's index, in its directory. */
  public static final String INDEX = "index.json";

  /** A per-task board's directory name in a plan directory. */
  public static final String TASKS_DIR = "tasks";

  /** A single-file board's name in a plan directory. */
  public static final String TASKS_FILE = "tasks.json";

  private BoardLayout() {}

  /**
   * The per-task board's directory {@code path} names: a directory holding {@code index.json} or
   * named {@code tasks}, or the {@code index.json} of a directory named {@code tasks}. Any other
   * directory is no board (reading it says so).
   */
  public static Optional<Path> perTaskDirectory(Path path) {
    Path absolute = path.toAbsolutePath();
    if (Files.isDirectory(path)) {
      boolean tasks = named(absolute.normalize(), TASKS_DIR) || Files.exists(path.resolve(INDEX));
      return tasks ? Optional.of(path) : Optional.empty();
    }
    Path parent = absolute.getParent();
    boolean index = named(absolute, INDEX) && named(parent, TASKS_DIR) && Files.isDirectory(parent);
    return index
        ? Optional.of(path.getParent() == null ? Path.of(".") : path.getParent())
        : Optional.empty();
  }

  private static boolean named(Path path, String name) {
    return path != null && path.getFileName() != null && path.getFileName().toString().equals(name);
  }

  /**
   * The board: {@code given} (a plan directory resolved to the board in it), else
   * $DEVOPS_WORKER_BOARD, else the project's default in the current directory.
   *
   * @throws IllegalArgumentException when a plan directory holds both layouts
   */
  public static Path resolve(Path given, Map<String, String> env) {
    String named = env.getOrDefault("DEVOPS_WORKER_BOARD", "");
    Path path = given != null ? given : named.isBlank() ? null : Path.of(named);
    return path != null
        ? inPlanDirectory(path).orElse(path)
        : inPlanDirectory(Path.of(".plan")).orElse(Path.of(TASKS_FILE));
  }

  /**
   * The board a plan directory ({@code .plan}, {@code .demo/.plan}) holds: {@code tasks/} or {@code
   * tasks.json}; empty when {@code dir} is no plan directory (or is a per-task board itself).
   *
   * @throws IllegalArgumentException when it holds both
   */
  public static Optional<Path> inPlanDirectory(Path dir) {
    if (!Files.isDirectory(dir) || Files.exists(dir.resolve(INDEX))) {
      return Optional.empty();
    }
    Path perTask = dir.resolve(TASKS_DIR);
    Path single = dir.resolve(TASKS_FILE);
    boolean hasPerTask = Files.isDirectory(perTask);
    boolean hasSingle = Files.exists(single);
    if (hasPerTask && hasSingle) {
      throw new IllegalArgumentException(
          "both "
              + perTask
              + "/ (a per-task board) and "
              + single
              + " exist; choose the board with --board "
              + perTask
              + " or --board "
              + single);
    }
    return hasPerTask ? Optional.of(perTask) : hasSingle ? Optional.of(single) : Optional.empty();
  }

  /**
   * Where {@code human-requests.md} is by default: beside the board's file, or for a per-task board
   * beside its directory ({@code .plan/human-requests.md} for {@code .plan/tasks/}).
   */
  public static Path humanRequestsFor(Path board) {
    Path absolute = board.toAbsolutePath();
    Optional<Path> dir = perTaskDirectory(board);
    return dir.isPresent()
        ? dir.get().toAbsolutePath().normalize().resolveSibling("human-requests.md")
        : absolute.resolveSibling("human-requests.md");
  }
}
