package dev.taskboard.devops.worker;

import dev.taskboard.devops.board.Board;
import dev.taskboard.devops.board.BoardException;
import dev.taskboard.devops.board.RefusedTaskException;
import dev.taskboard.devops.board.Task;
import dev.taskboard.devops.files.FileStamp;
import dev.taskboard.devops.hitl.HumanRequests;
import dev.taskboard.devops.runbook.GateSettings;
import dev.taskboard.devops.runbook.Runbook;
import dev.taskboard.devops.runbook.StepRunner;
import dev.taskboard.devops.runbook.StopSignal;
import dev.taskboard.devops.task.Printable;
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
import java.util.HashSet;
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
 *
 * <p>The one place errors are sorted: a problem with one task, entry, evidence file or line stays
 * with it (that task gets a defined state, the problem is logged once) and the daemon goes on with
 * everything else. Only losing its instance lock, its journal or its state dir stops the worker
 * ({@link WorkerFailure}).
 */
public final class Worker implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(Worker.class);

  /** How far ahead of the worker's clock an {@code updated_at} may be and still mean a re-queue. */
  static final Duration CLOCK_SKEW = Duration.ofSeconds(5);

  private final WorkerConfig config;
  private final Board board;
  private final InstanceLock instance;
  private final StateDir state;
  private final Journal journal;
  private final TaskExecution execution;
  private final Answers answers;
  private final Escalations escalations;
  private final Progress progress;
  private final PendingWrites pending;
  private final Notifier notifier;
  private final StopSignal stop = new StopSignal();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final LinkedBlockingQueue<Boolean> wakeups = new LinkedBlockingQueue<>();
  private final CountDownLatch finished = new CountDownLatch(1);
  private final Set<String> reported = new HashSet<>(); // problems logged once
  private Object humansSeen = "";
  private FileStamp lastSeen;

  private Worker(
      WorkerConfig config,
      Board board,
      InstanceLock instance,
      StateDir state,
      Journal journal,
      TaskExecution.Identity me) {
    this.config = config;
    this.board = board;
    this.instance = instance;
    this.state = state;
    this.journal = journal;
    this.pending = new PendingWrites(config.rescan());
    HumanRequests humans = new HumanRequests(config.humanRequests(), config.clock());
    this.progress = Progress.forTerminal(config.clock());
    this.notifier = Notifier.of(config.notifyCommand());
    SignedDecisions signed = new SignedDecisions(config, System.getenv());
    this.escalations = new Escalations(board, humans, journal, config.clock(), notifier);
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
            progress,
            pending,
            state.runbookStateDir(),
            signed);
    this.answers = new Answers(config, board, journal, humans, signed);
  }

  /**
   * Takes the board's instance lock, opens the state dir (moving an earlier version's one out of
   * the project) and the journal.
   *
   * @throws AlreadyRunningException when another worker holds the board
   */
  public static Worker open(WorkerConfig config) throws IOException {
    TaskExecution.Identity me =
        new TaskExecution.Identity(Hosts.name(), ProcessHandle.current().pid());
    InstanceLock lock = InstanceLock.acquire(config.lockFile(), me.pid(), me.host());
    try {
      StateDir state = StateDir.open(config);
      Board board = config.openBoard();
      return new Worker(
          config, board, lock, state, Journal.open(state.journal(), config.clock()), me);
    } catch (IOException | RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  /**
   * Works until {@link #stop()} — or, with {@code once}, until nothing pending can run.
   *
   * @throws BoardException when the board is missing at start, or (with {@code once}) cannot be
   *     read: nothing was done
   * @throws WorkerFailure when the worker lost its instance lock, journal or state dir
   */
  public void run(boolean once) throws IOException, InterruptedException {
    try (Watchers watchers = once ? null : watch()) {
      firstRead(once);
      reconcile();
      boolean force = true;
      while (!stop.isRequested()) {
        boolean again;
        try {
          again = cycle(force, once);
        } catch (WorkerFailure fatal) {
          throw fatal;
        } catch (IOException e) {
          if (once) {
            throw e;
          }
          // The last net: an error no narrower handler owned belongs to this look, not to the
          // daemon. Reported once; the next change or rescan looks again.
          reportOnce("cycle: " + e.getMessage());
          again = false;
        }
        if (again) {
          force = true;
          continue;
        }
        if (once && pending.isEmpty()) {
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

  /**
   * What a stop waits for, for the line a shutdown prints: e.g. "waiting up to 30s for deploy#1 of
   * TASK-7, then its rollback"; empty when no step runs.
   */
  public Optional<String> stopping() {
    return execution
        .running()
        .map(
            r ->
                "waiting up to "
                    + Durations.human(r.grace())
                    + " for "
                    + r.what()
                    + " to finish, then its rollback (at most "
                    + Durations.human(r.bound())
                    + " in all)");
  }

  /** The longest a stop may wait for the running step and its rollback. */
  public Duration stopBound() {
    return execution.running().map(TaskExecution.Running::bound).orElse(Duration.ofSeconds(10));
  }

  /**
   * A missing board is an operator's mistake, said at once; with {@code once} so is a board that
   * does not parse (a daemon waits for the next change instead).
   */
  private void firstRead(boolean once) throws IOException {
    if (!Files.exists(config.board())) {
      board.read(config.filter(), Set.of()); // throws the one-line "does not exist" message
    }
    if (once) {
      board.read(config.filter(), Set.of());
    }
  }

  /** What the board says to watch, and human-requests.md's directory when it is elsewhere. */
  private Watchers watch() throws IOException {
    Board.Watched boardFiles = board.watched();
    Path humansFile = real(config.humanRequests());
    String humansName = humansFile.getFileName().toString();
    Runnable wake = () -> wakeups.offer(Boolean.FALSE);
    Watchers w = new Watchers();
    if (boardFiles.dir().equals(humansFile.getParent())) {
      w.add(
          FileWatcher.start(
              boardFiles.dir(),
              name -> boardFiles.names().test(name) || name.equals(humansName),
              wake));
    } else {
      w.add(FileWatcher.start(boardFiles.dir(), boardFiles.names(), wake));
      w.add(FileWatcher.start(humansFile.getParent(), Set.of(humansName)::contains, wake));
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
   * Blocks until a change is signalled (then lets the burst settle), the safety rescan is due, or a
   * pending board write should be tried again. Returns whether the next cycle must scan even if the
   * board looks unchanged.
   */
  private boolean awaitChange() throws InterruptedException {
    Duration wait =
        pending.retryIn().filter(d -> d.compareTo(config.rescan()) < 0).orElse(config.rescan());
    Boolean signal = wakeups.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    if (signal == null) {
      return true; // periodic safety rescan, or a pending write's retry
    }
    while (wakeups.poll(config.debounce().toMillis(), TimeUnit.MILLISECONDS) != null) {
      // a burst of events: wait until it has been quiet for the debounce time
    }
    return false;
  }

  /** One look at the board; true when it did something worth looking again for at once. */
  private boolean cycle(boolean force, boolean once) throws IOException {
    checkOwnFiles();
    if (!pending.isEmpty()) {
      pending.flush(board, journal);
    }
    Object humansNow = stampOf(config.humanRequests());
    boolean humansChanged = !humansNow.equals(humansSeen);
    if (!force
        && !humansChanged
        && lastSeen != null
        && Files.exists(config.board())
        && lastSeen.sameAttributes(board.stamp())) {
      return false; // our own write, or nothing that changed the board's bytes
    }
    if ((force || humansChanged) && !journal.deferred().isEmpty()) {
      askDeferred();
    }
    if ((force || humansChanged) && answers()) {
      return true;
    }
    Board.Selection selection;
    try {
      // The tasks the worker wrote are read in full only when it must act on them: open ones,
      // and finished ones whose status on the board is not what it wrote (every task's status
      // comes with the read), so a long history — or one large finished task — costs no parsing.
      Set<String> known = journal.openIds();
      selection =
          board.read(GateStep.withEvidence(config.filter()), known, GateStep::namedEvidence);
      Set<String> changed = journal.statusChanged(selection.statuses());
      if (!known.containsAll(changed)) {
        known.addAll(changed);
        selection =
            board.read(GateStep.withEvidence(config.filter()), known, GateStep::namedEvidence);
      }
    } catch (IOException e) {
      if (once) {
        throw e; // run --once exits 2 on a board it cannot read
      }
      // A board that does not parse, changed under the read, or cannot be opened right now: the
      // daemon never acts on it and never stops for it; the next change (or rescan) looks again.
      reportOnce(
          e instanceof BoardException
              ? e.getMessage()
              : config.board() + ": cannot be read now (" + e + "); the worker looks again");
      return false;
    }
    reported.removeIf(p -> p.startsWith("board: "));
    lastSeen = selection.stamp();
    for (RefusedTaskException refused : selection.refused()) {
      reportOnce(refused.getMessage());
    }
    repairIndex(selection);
    Optional<Task> next = next(selection);
    if (next.isEmpty() || stop.isRequested()) {
      return false;
    }
    runIsolated(next.get(), selection);
    board.lastWritten().ifPresent(s -> lastSeen = s);
    return true;
  }

  /** Index entries that disagree with their task's file: logged, then rewritten from the file. */
  private void repairIndex(Board.Selection selection) {
    if (selection.disagreements().isEmpty()) {
      return;
    }
    Set<String> ids = new java.util.LinkedHashSet<>();
    for (Board.Disagreement d : selection.disagreements()) {
      LOG.warn("{}: {}; repairing the index from the file", config.board(), d);
      ids.add(d.id());
    }
    try {
      board.repairIndex(ids);
      board.lastWritten().ifPresent(s -> lastSeen = s);
    } catch (IOException e) {
      reportOnce("board: the index could not be repaired: " + e.getMessage());
    }
  }

  /** Acts on new answers in human-requests.md; a problem there never stops the board's work. */
  /** Questions the worker could not write before: asked now if human-requests.md takes them. */
  private void askDeferred() throws IOException {
    try {
      escalations.askDeferred();
    } catch (WorkerFailure fatal) {
      throw fatal;
    } catch (IOException | RuntimeException e) {
      reportOnce("answers: " + e.getMessage());
    }
  }

  private boolean answers() throws IOException {
    try {
      boolean acted = answers.process(this::approvalTimeout);
      humansSeen = stampOf(config.humanRequests());
      reported.removeIf(p -> p.startsWith("answers: "));
      return acted;
    } catch (WorkerFailure fatal) {
      throw fatal;
    } catch (IOException | RuntimeException e) {
      humansSeen = stampOf(config.humanRequests());
      reportOnce("answers: " + e.getMessage());
      return false;
    }
  }

  private Optional<Task> next(Board.Selection selection) throws IOException {
    List<Task> candidates = new ArrayList<>();
    for (Task task : selection.tasks()) {
      if (journal.task(task.id()).isPresent() && !reconcileKnown(task)) {
        continue;
      }
      if (config.filter().matches(task.json())) {
        candidates.add(task);
      }
    }
    return candidates.stream()
        .filter(t -> TaskOrder.dependenciesMet(t, selection.statuses()))
        .min(TaskOrder.ORDER);
  }

  /**
   * Runs one task. Whatever goes wrong in it is that task's: it ends failed with a one-line reason,
   * and the daemon goes on.
   */
  private void runIsolated(Task task, Board.Selection selection) throws IOException {
    try {
      execution.run(task, selection);
    } catch (WorkerFailure fatal) {
      throw fatal;
    } catch (IOException | RuntimeException e) {
      if (e instanceof RuntimeException) {
        LOG.error("{}: internal error, please report it", TaskExecution.shown(task), e);
      }
      execution.failUnexpectedly(task, e);
    }
  }

  /** Stops the worker when what is its own is gone: another worker could start beside it. */
  private void checkOwnFiles() throws IOException {
    if (!instance.stillHeld()) {
      throw new WorkerFailure(
          "its instance lock "
              + instance.file()
              + " was removed or replaced, so another worker could start on this board; restart"
              + " it");
    }
    state.check();
  }

  private void reportOnce(String problem) {
    if (reported.add(problem.startsWith("answers: ") ? problem : "board: " + problem)) {
      LOG.error("{}", problem);
    }
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
    String updatedAt = task.text("updated_at");
    if (isNewer(updatedAt, record.updatedAt().orElse(""))) {
      if (!inTheFuture(updatedAt)) {
        journal.forget(
            task.id(), "changed by another agent to " + onBoard + " after the worker's last write");
        if (onBoard.equals(TaskStatus.PENDING.wireName())) {
          LOG.info(
              "{}: re-queued by another agent; it will run as a new request",
              TaskExecution.shown(task));
          return true;
        }
        return false;
      }
      LOG.warn(
          "{}: its updated_at {} lies ahead of this worker's clock: a copy from a machine whose"
              + " clock is ahead, not a re-queue (a re-queue stamps the current time)",
          TaskExecution.shown(task),
          Printable.of(updatedAt));
    }
    LOG.warn(
        "{}: the board shows {} but the worker's journal says {} (written at {}): a stale copy of"
            + " the board was written back, or the worker stopped before its own write — restoring",
        TaskExecution.shown(task),
        onBoard.isEmpty() ? "no status" : Printable.of(onBoard),
        record.status().orElse("?"),
        record.updatedAt().orElse("?"));
    journal.restored(task.id(), "restored after a stale write showed " + onBoard);
    try {
      board.patch(task.id(), TaskExecution.patchOf(record.written()));
    } catch (WorkerFailure fatal) {
      throw fatal;
    } catch (IOException notNow) {
      // Whatever another writer did to the board meanwhile: the journal has the fields, and the
      // restore is written again with backoff; it never stops the worker.
      pending.add(task.id(), notNow);
    }
    return false;
  }

  private boolean inTheFuture(String updatedAt) {
    try {
      return Instant.parse(updatedAt).isAfter(config.clock().instant().plus(CLOCK_SKEW));
    } catch (DateTimeParseException notIso) {
      return false;
    }
  }

  /** Size, mtime and inode of a file, or "" when it does not exist: enough to notice a change. */
  private static Object stampOf(Path file) throws IOException {
    return FileStamp.ifExists(file).map(Object.class::cast).orElse("");
  }

  /** deployment.md's approval timeout; the default when the runbook cannot be read now. */
  private Duration approvalTimeout() {
    try {
      return Runbook.load(config.runbook(), config.runbookFiles()).gates().approvalTimeout();
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
      Optional<Task> task = selection.task(orphan.id());
      if (task.isEmpty()) {
        journal.forget(orphan.id(), "left claimed by a dead worker, but no longer on the board");
        continue;
      }
      try {
        reconcile(orphan, task.get(), selection);
      } catch (WorkerFailure fatal) {
        throw fatal;
      } catch (IOException | RuntimeException e) {
        execution.failUnexpectedly(task.get(), e);
      }
    }
  }

  private void reconcile(Journal.TaskRecord orphan, Task task, Board.Selection selection)
      throws IOException {
    Optional<TaskStatus> status = TaskStatus.of(task.text("status"));
    boolean pendingOnBoard = status.equals(Optional.of(TaskStatus.PENDING));
    boolean inProgress = status.equals(Optional.of(TaskStatus.IN_PROGRESS));
    String who = "(pid " + orphan.pid() + " on " + Printable.of(orphan.host()) + ")";
    if (orphan.attempts() == 0 && pendingOnBoard) {
      journal.forget(orphan.id(), "the dead worker's claim never reached the board");
    } else if (inProgress && !orphan.changing()) {
      LOG.warn(
          "{}: left in_progress by a worker that died {} before any deploy step; running it from"
              + " the start",
          TaskExecution.shown(task),
          who);
      killLeftoverStep(orphan);
      execution.rerun(task, selection);
    } else if (inProgress || pendingOnBoard) {
      LOG.warn(
          "{}: left {} by a worker that died {}; verifying",
          TaskExecution.shown(task),
          status.get(),
          who);
      killLeftoverStep(orphan);
      execution.reconcile(task, orphan);
    } else {
      journal.forget(
          orphan.id(),
          "left claimed by a dead worker, since changed to "
              + task.text("status")
              + " by another agent");
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
            Printable.of(orphan.id()),
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
      notifier.close();
      progress.close();
      journal.close();
    } finally {
      instance.close();
    }
  }
}
