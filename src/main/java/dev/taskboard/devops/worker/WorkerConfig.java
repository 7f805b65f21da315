package dev.taskboard.devops.worker;

import dev.taskboard.devops.board.ArrayPath;
import dev.taskboard.devops.board.Board;
import dev.taskboard.devops.board.BoardLayout;
import dev.taskboard.devops.board.TaskFilter;
import dev.taskboard.devops.trust.AllowedSigners;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a worker needs to know: the board, its runbook files, what to select, where to keep
 * its state and its instance lock, whom to tell about new requests, whose signatures to trust, and
 * how often to look again without being told.
 *
 * @param runbookFiles more runbook files the operator names, beside {@code runbook}
 * @param defaultStateDir whether {@code stateDir} is the default one (an earlier version's state
 *     inside the project is then moved there)
 * @param notifyCommand the operator's notify command; blank for none
 * @param signers the allowed-signers file named on the command line or in the environment; when
 *     empty, the default one under the config dir
 * @param allowUnsigned whether the operator lets unsigned production approvals and waivers count
 */
public record WorkerConfig(
    Path board,
    ArrayPath arrayPath,
    Path runbook,
    List<Path> runbookFiles,
    TaskFilter filter,
    Path stateDir,
    boolean defaultStateDir,
    Path lockFile,
    Path humanRequests,
    String notifyCommand,
    Path signers,
    boolean allowUnsigned,
    Duration rescan,
    Duration debounce,
    Clock clock) {

  public static final Duration DEFAULT_RESCAN = Duration.ofSeconds(30);
  public static final Duration DEFAULT_DEBOUNCE = Duration.ofMillis(15);

  public WorkerConfig {
    runbookFiles = List.copyOf(runbookFiles);
    Objects.requireNonNull(notifyCommand, "notifyCommand == null");
  }

  /** Defaults for everything but the board and runbook, with the locations {@code env} names. */
  public static WorkerConfig of(Path board, Path runbook, Map<String, String> env) {
    return builder(board, runbook, env).build();
  }

  /** A builder starting from {@link #of}'s defaults. */
  public static Builder builder(Path board, Path runbook, Map<String, String> env) {
    Locations at = Locations.of(env);
    Builder b = new Builder();
    b.board = board;
    b.runbook = runbook;
    b.stateDir = at.stateDirFor(board);
    b.defaultStateDir = true;
    b.lockFile = at.lockFileFor(board);
    b.humanRequests = defaultHumanRequests(board);
    b.notifyCommand = env.getOrDefault("DEVOPS_WORKER_NOTIFY", "");
    b.signers = AllowedSigners.resolve(null, env);
    return b;
  }

  /**
   * {@code human-requests.md} beside the board, or beside a per-task board's directory ({@code
   * .plan/human-requests.md} for {@code .plan/tasks/}).
   */
  static Path defaultHumanRequests(Path board) {
    return BoardLayout.humanRequestsFor(board);
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
    return Board.open(board, arrayPath);
  }

  /** A builder holding this configuration, to change some of it. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.board = board;
    b.arrayPath = arrayPath;
    b.runbook = runbook;
    b.runbookFiles = runbookFiles;
    b.filter = filter;
    b.stateDir = stateDir;
    b.defaultStateDir = defaultStateDir;
    b.lockFile = lockFile;
    b.humanRequests = humanRequests;
    b.notifyCommand = notifyCommand;
    b.signers = signers;
    b.allowUnsigned = allowUnsigned;
    b.rescan = rescan;
    b.debounce = debounce;
    b.clock = clock;
    return b;
  }

  /** The same configuration with another clock (tests). */
  public WorkerConfig withClock(Clock c) {
    return toBuilder().clock(c).build();
  }

  /** The same configuration with an operator's own state dir. */
  public WorkerConfig withStateDir(Path dir) {
    return toBuilder().stateDir(dir).build();
  }

  /** The allowed-signers file, if there is one to read. */
  public Optional<Path> signersFile() {
    return Optional.ofNullable(signers);
  }

  Path journal() {
    return stateDir.resolve("journal.jsonl");
  }

  Path logs() {
    return stateDir.resolve("logs");
  }

  /** Builds a {@link WorkerConfig}; unset parts keep {@link #builder}'s defaults. */
  public static final class Builder {
    private Path board;
    private ArrayPath arrayPath = ArrayPath.auto();
    private Path runbook;
    private List<Path> runbookFiles = List.of();
    private TaskFilter filter = TaskFilter.defaultFilter();
    private Path stateDir;
    private boolean defaultStateDir;
    private Path lockFile;
    private Path humanRequests;
    private String notifyCommand = "";
    private Path signers;
    private boolean allowUnsigned;
    private Duration rescan = DEFAULT_RESCAN;
    private Duration debounce = DEFAULT_DEBOUNCE;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    public Builder arrayPath(ArrayPath p) {
      arrayPath = p;
      return this;
    }

    public Builder runbookFiles(List<Path> files) {
      runbookFiles = files;
      return this;
    }

    public Builder filter(TaskFilter f) {
      filter = f;
      return this;
    }

    /** An operator's own state dir ({@code --state-dir}): nothing is moved into it. */
    public Builder stateDir(Path dir) {
      stateDir = dir;
      defaultStateDir = false;
      return this;
    }

    public Builder humanRequests(Path file) {
      humanRequests = file;
      return this;
    }

    public Builder notifyCommand(String command) {
      notifyCommand = command;
      return this;
    }

    public Builder signers(Path file) {
      signers = file;
      return this;
    }

    public Builder allowUnsigned(boolean allow) {
      allowUnsigned = allow;
      return this;
    }

    public Builder rescan(Duration d) {
      rescan = d;
      return this;
    }

    public Builder clock(Clock c) {
      clock = c;
      return this;
    }

    public WorkerConfig build() {
      return new WorkerConfig(
          board,
          arrayPath,
          runbook,
          runbookFiles,
          filter,
          stateDir,
          defaultStateDir,
          lockFile,
          humanRequests,
          notifyCommand,
          signers,
          allowUnsigned,
          rescan,
          debounce,
          clock);
    }
  }
}
