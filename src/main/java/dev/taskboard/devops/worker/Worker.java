package dev.taskboard.devops.worker;

import dev.taskboard.devops.board.Board;
import dev.taskboard.devops.board.BoardException;
import dev.taskboard.devops.board.Task;
import dev.taskboard.devops.files.FileStamp;
import dev.taskboard.devops.hitl.HumanRequests;
import dev.taskboard.devops.runbook.GateSettings;
import dev.taskboard.devops.runbook.Runbook;
import dev.taskboard.devops.runbook.StepRunner;
import dev.taskboard.devops.runbook.StopSignal;
import dev.taskboard.devops.task.TaskStatus;
import dev.taskboard.devops.watch.FileWatcher;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon: one per board. Waits for the board to change (or the periodic safety rescan),
 * restores entries a stale copy reverted, and runs the next pending task, one at a time.
 */
public final class Worker implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(Worker.class);

  private final WorkerConfig config;
  private final Board board;
  private final InstanceLock instance;
  private final Journal journal;
  private final TaskExecution execution;
  private final HumanRequests humans;
  private final Answers answers;
  private final Progress progress;
  private Object humansSeen = "";
  private final StopSignal stop = new StopSignal();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final LinkedBlockingQueue<Boolean> wakeups = new LinkedBlockingQueue<>();
  private final CountDownLatch finished = new CountDownLatch(1);
  private FileStamp lastSeen;
  private String lastProblem;

  private Worker(
      WorkerConfig config,
      Board board,
      InstanceLock instance,
      Journal journal,
      TaskExecution.Identity me) {
    this.config = config;
    this.board = board;
    this.instance = instance;
    this.journal = journal;
    this.humans = new HumanRequests(config.humanRequests(), config.clock());
    this.progress = Progress.forTerminal(config.clock());
    Escalations escalations = new Escalations(board, humans, journal, config.clock());
    this.execution =
        new TaskExecution(
            config,
            board,
            journal,
            new StepRunner(config.clock()),
            me,
            stop,
            stopped,
            escalations,
            progress);
    this.answers = new Answers(config, board, journal, humans);
  }

  /**
   * Takes the board's instance lock and opens the journal.
   *
   * @throws AlreadyRunningException when another worker holds the board
   */
  public static Worker open(WorkerConfig config) throws IOException {
    TaskExecution.Identity me =
        new TaskExecution.Identity(Hosts.name(), ProcessHandle.current().pid());
    InstanceLock lock = InstanceLock.acquire(config.stateDir(), me.pid(), me.host());
    try {
      Board board = config.openBoard();
      return new Worker(config, board, lock, Journal.open(config.journal(), config.clock()), me);
    } catch (IOException | RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  /** Works until {@link #stop()} — or, with {@code once}, until nothing pending can run. */
  public void run(boolean once) throws IOException, InterruptedException {
    try (Watchers watchers = once ? null : watch()) {
      reconcile();
      boolean force = true;
      while (!stop.isRequested()) {
        if (cycle(force)) {
          force = true;
          continue;
        }
        if (once) {
          break;
        }
        force = awaitChange();
      }
    } finally {
      finished.countDown();
    }
  }

  /** Stops claiming; the running step gets its grace period, then the task ends defined. */
  public void stop() {
    stop.request();
    stopped.countDown();
    wakeups.offer(Boolean.TRUE);
  }

  /** Waits until {@link #run} has returned (for a shutdown hook). */
  public boolean awaitFinished(long timeout, TimeUnit unit) throws InterruptedException {
    return finished.await(timeout, unit);
  }

  /** The board's directory, and human-requests.md's when it lives elsewhere. */
  private Watchers watch() throws IOException {
    Path boardFile = real(config.board());
    Path humansFile = real(config.humanRequests());
    Runnable wake = () -> wakeups.offer(Boolean.FALSE);
    Watchers w = new Watchers();
    if (boardFile.getParent().equals(humansFile.getParent())) {
      w.add(
          FileWatcher.start(
              boardFile.getParent(),
              Set.of(boardFile.getFileName().toString(), humansFile.getFileName().toString()),
              wake));
    } else {
      w.add(
          FileWatcher.start(
              boardFile.getParent(), Set.of(boardFile.getFileName().toString()), wake));
      w.add(
          FileWatcher.start(
              humansFile.getParent(), Set.of(humansFile.getFileName().toString()), wake));
    }
    return w;
  }

  private static Path real(Path file) throws IOException {
    Path absolute = file.toAbsolutePath();
    return Files.exists(absolute) ? absolute.toRealPath() : absolute;
  }

  /** Closes every watcher it holds. */
  private static final class Watchers implements java.io.Closeable {
    private final List<FileWatcher> all = new ArrayList<>();

    void add(FileWatcher w) {
      all.add(w);
    }

    @Override
    public void close() throws IOException {
      for (FileWatcher w : all) {
        w.close();
      }
    }
  }

  /**
   * Blocks until a change is signalled (then lets the burst settle) or the safety rescan is due.
   * Returns whether the next cycle must scan even if the board looks unchanged.
   */
  private boolean awaitChange() throws InterruptedException {
    Boolean signal = wakeups.poll(config.rescan().toMillis(), TimeUnit.MILLISECONDS);
    if (signal == null) {
      return true; // periodic safety rescan
    }
    while (wakeups.poll(config.debounce().toMillis(), TimeUnit.MILLISECONDS) != null) {
      // a burst of events: wait until it has been quiet for the debounce time
    }
    return false;
  }

  /** One look at the board; true when it did something worth looking again for at once. */
  private boolean cycle(boolean force) throws IOException {
    Object humansNow = stampOf(config.humanRequests());
    boolean humansChanged = !humansNow.equals(humansSeen);
    if (!force
        && !humansChanged
        && lastSeen != null
        && Files.exists(config.board())
        && lastSeen.sameAttributes(board.stamp())) {
      return false; // our own write, or nothing that changed the board's bytes
    }
    if (force || humansChanged) {
      boolean acted = answers.process(this::approvalTimeout);
      humansSeen = stampOf(config.humanRequests());
      if (acted) {
        return true;
      }
    }
    Board.Selection selection;
    try {
      selection =
          board.read(
              GateStep.withEvidence(config.filter()), journal.knownIds(), GateStep::namedEvidence);
    } catch (BoardException e) {
      if (!e.getMessage().equals(lastProblem)) {
        LOG.error("{}", e.getMessage());
        lastProblem = e.getMessage();
      }
      return false; // never act on a board that does not parse; the next change wakes us
    }
    lastProblem = null;
    lastSeen = selection.stamp();
    List<Task> candidates = new ArrayList<>();
    for (Task task : selection.tasks()) {
      if (journal.task(task.id()).isPresent() && !reconcileKnown(task)) {
        continue;
      }
      if (config.filter().matches(task.json())) {
        candidates.add(task);
      }
    }
    Optional<Task> next =
        candidates.stream()
            .filter(t -> TaskOrder.dependenciesMet(t, selection.statuses()))
            .min(TaskOrder.ORDER);
    if (next.isEmpty() || stop.isRequested()) {
      return false;
    }
    execution.run(next.get(), selection);
    board.lastWritten().ifPresent(s -> lastSeen = s);
    return true;
  }

  /**
   * Compares a task the worker wrote with what the board shows now. Returns true when the task is a
   * new request (a deliberate re-queue) and may run again.
   */
  private boolean reconcileKnown(Task task) throws IOException {
    Journal.TaskRecord record = journal.task(task.id()).orElseThrow();
    if (record.open()) {
      return false; // being reconciled at start, or run right now
    }
    String onBoard = task.text("status");
    if (record.status().map(onBoard::equals).orElse(true)) {
      return false;
    }
    if (isNewer(task.text("updated_at"), record.updatedAt().orElse(""))) {
      journal.forget(
          task.id(), "changed by another agent to " + onBoard + " after the worker's last write");
      if (onBoard.equals(TaskStatus.PENDING.wireName())) {
        LOG.info("{}: re-queued by another agent; it will run as a new request", task.id());
        return true;
      }
      return false;
    }
    LOG.warn(
        "{}: the board shows {} but the worker's journal says {} (written at {}): a stale copy of the board was written back, or the worker stopped before its own write — restoring",
        task.id(),
        onBoard.isEmpty() ? "no status" : onBoard,
        record.status().orElse("?"),
        record.updatedAt().orElse("?"));
    journal.restored(task.id(), "restored after a stale write showed " + onBoard);
    board.patch(task.id(), TaskExecution.patchOf(record.written()));
    return false;
  }

  /** Size, mtime and inode of a file, or "" when it does not exist: enough to notice a change. */
  private static Object stampOf(Path file) throws IOException {
    if (!Files.exists(file)) {
      return "";
    }
    var a = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class);
    return List.of(String.valueOf(a.fileKey()), a.size(), a.lastModifiedTime().toInstant());
  }

  /** deployment.md's approval timeout; the default when the runbook cannot be read now. */
  private Duration approvalTimeout() {
    try {
      return Runbook.load(config.runbook()).gates().approvalTimeout();
    } catch (IOException unreadable) {
      return GateSettings.defaults().approvalTimeout();
    }
  }

  private static boolean isNewer(String candidate, String than) {
    if (candidate.isEmpty()) {
      return false;
    }
    try {
      return Instant.parse(candidate).isAfter(Instant.parse(than));
    } catch (DateTimeParseException notIso) {
      return candidate.compareTo(than) > 0;
    }
  }

  /** Tasks a dead worker left claimed: verify, then keep or roll back. */
  private void reconcile() throws IOException {
    List<Journal.TaskRecord> orphans = journal.open();
    if (orphans.isEmpty()) {
      return;
    }
    Set<String> ids = Set.copyOf(orphans.stream().map(Journal.TaskRecord::id).toList());
    Board.Selection selection =
        board.read(GateStep.withEvidence(config.filter()), ids, GateStep::namedEvidence);
    for (Journal.TaskRecord orphan : orphans) {
      Optional<Task> task =
          selection.tasks().stream().filter(t -> t.id().equals(orphan.id())).findFirst();
      if (task.isEmpty()) {
        journal.forget(orphan.id(), "left claimed by a dead worker, but no longer on the board");
        continue;
      }
      Optional<TaskStatus> status = TaskStatus.of(task.get().text("status"));
      boolean pending = status.equals(Optional.of(TaskStatus.PENDING));
      boolean inProgress = status.equals(Optional.of(TaskStatus.IN_PROGRESS));
      if (orphan.attempts() == 0 && pending) {
        journal.forget(orphan.id(), "the dead worker's claim never reached the board");
      } else if (inProgress && !orphan.changing()) {
        LOG.warn(
            "{}: left in_progress by a worker that died (pid {} on {}) before any deploy step; running it from the start",
            orphan.id(),
            orphan.pid(),
            orphan.host());
        killLeftoverStep(orphan);
        execution.rerun(task.get(), selection);
      } else if (inProgress || pending) {
        LOG.warn(
            "{}: left {} by a worker that died (pid {} on {}); verifying",
            orphan.id(),
            status,
            orphan.pid(),
            orphan.host());
        killLeftoverStep(orphan);
        execution.reconcile(task.get(), orphan);
      } else {
        journal.forget(
            orphan.id(),
            "left claimed by a dead worker, since changed to " + status + " by another agent");
      }
    }
  }

  /** The step the dead worker was running may still run: stop it before verifying. */
  private static void killLeftoverStep(Journal.TaskRecord orphan) throws IOException {
    if (orphan.stepPid() <= 0 || orphan.stepStarted().isEmpty()) {
      return;
    }
    try {
      if (StepRunner.killLeftover(orphan.stepPid(), Instant.parse(orphan.stepStarted()))) {
        LOG.warn(
            "{}: killed the step the dead worker left running (pid {})",
            orphan.id(),
            orphan.stepPid());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while killing pid " + orphan.stepPid());
    }
  }

  @Override
  public void close() throws IOException {
    try {
      progress.close();
      journal.close();
    } finally {
      instance.close();
    }
  }
}
