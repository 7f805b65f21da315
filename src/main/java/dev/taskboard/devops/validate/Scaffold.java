package dev.taskboard.devops.validate;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.taskboard.devops.board.BoardLayout;
import dev.taskboard.devops.hitl.HumanRequests;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The files a project needs before the worker can run in it, created where missing and never
 * overwritten: the board (for a per-task board {@code .plan/tasks/}, its index), human-requests.md
 * beside it, and a deployment.md whose steps fail until someone writes real ones.
 */
public final class Scaffold {
  private static final String EMPTY_BOARD = "[]\n";

  private Scaffold() {}

  /**
   * Creates what is missing in {@code dir}; returns one line per file, {@code created F} or {@code
   * kept F (exists)}, with F relative to {@code dir}.
   *
   * @throws IOException when {@code dir} is not a writable directory, or a file cannot be created
   */
  public static List<String> create(Path dir) throws IOException {
    requireWritableDirectory(dir);
    List<String> lines = new ArrayList<>();
    Path board = board(dir);
    if (Files.isDirectory(dir.resolve(board))) {
      lines.add(kept(board));
      Path index = board.resolve(BoardLayout.INDEX);
      lines.add(report(index, createNew(dir.resolve(index), EMPTY_BOARD)));
    } else if (Files.exists(dir.resolve(board))) {
      lines.add(kept(board));
    } else {
      Files.createDirectories(dir.resolve(board).getParent());
      lines.add(report(board, createNew(dir.resolve(board), EMPTY_BOARD)));
    }
    Path requests = board.resolveSibling("human-requests.md");
    boolean created = new HumanRequests(dir.resolve(requests), Clock.systemUTC()).createIfMissing();
    lines.add(report(requests, created));
    Path runbook = Path.of("deployment.md");
    lines.add(report(runbook, createNew(dir.resolve(runbook), RunbookTemplate.TEXT)));
    return lines;
  }

  /**
   * Registers the worker's MCP server for the team's agents — an entry in {@code .mcp.json} that
   * starts {@code LAUNCHER mcp --board BOARD} — and tells them about it in a section of {@code
   * AGENTS.md}; neither file is overwritten. Returns one line per file, as {@link #create} does.
   *
   * @param launcher the command that starts devops-worker, e.g. the path of bin/devops-worker
   */
  public static List<String> agents(Path dir, String launcher) throws IOException {
    requireWritableDirectory(dir);
    return List.of(
        AgentSetup.mcpJson(dir, launcher, board(dir)), AgentSetup.agentsMd(dir, launcher));
  }

  /**
   * The board the project has: {@code .plan/tasks/} (a per-task board) or {@code .plan/tasks.json}
   * when there is one (both: refused, see {@link BoardLayout}); else {@code .plan/tasks.json},
   * unless the project keeps its board in {@code ./tasks.json}: an empty {@code .plan/tasks.json}
   * would hide it from the worker, which looks in {@code .plan} first.
   */
  private static Path board(Path dir) throws IOException {
    Path plan = Path.of(".plan");
    Optional<Path> inPlan = BoardLayout.inPlanDirectory(dir.resolve(plan));
    if (inPlan.isPresent()) {
      return plan.resolve(inPlan.get().getFileName()); // .plan/tasks/ or .plan/tasks.json
    }
    Path planBoard = plan.resolve("tasks.json");
    Path rootBoard = Path.of("tasks.json");
    if (!Files.exists(dir.resolve(planBoard)) && Files.isRegularFile(dir.resolve(rootBoard))) {
      return rootBoard;
    }
    if (Files.exists(dir.resolve(plan)) && !Files.isDirectory(dir.resolve(plan))) {
      throw new IOException(
          dir.resolve(plan)
              + ": is a file, not a directory; move it away so init can create the .plan"
              + " directory");
    }
    return planBoard;
  }

  private static void requireWritableDirectory(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      throw new IOException(dir + ": does not exist; create the project's directory first");
    }
    if (!Files.isDirectory(dir)) {
      throw new IOException(dir + ": is not a directory; give init the project's directory");
    }
    if (!Files.isWritable(dir)) {
      throw new IOException(dir + ": is not writable; check its owner and mode");
    }
  }

  /** Writes {@code text} unless the file exists (atomically decided); returns whether it did. */
  static boolean createNew(Path file, String text) throws IOException {
    try {
      Files.write(file, text.getBytes(UTF_8), StandardOpenOption.CREATE_NEW);
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    }
  }

  private static String report(Path file, boolean created) {
    return created ? "created " + file : kept(file);
  }

  private static String kept(Path file) {
    return "kept " + file + " (exists)";
  }
}
